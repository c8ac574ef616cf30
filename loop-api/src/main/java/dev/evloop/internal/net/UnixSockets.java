package dev.evloop.internal.net;

import dev.evloop.LoopFuture;
import dev.evloop.internal.BaseEventLoop;
import dev.evloop.net.BaseProtocol;
import dev.evloop.net.Connection;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.spi.LoopBackend;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DuplexChannel;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Stream servers and connections on Unix domain sockets: asyncio's {@code create_unix_server} and
 * {@code create_unix_connection} ({@code unix_events.py}). The channels come from the backend;
 * the transports and servers are the TCP ones, so flow control and half-close behave alike.
 *
 * <p>The socket file follows asyncio 3.13: a socket file already at the path is removed before
 * binding (a server that died leaves one behind), anything else there is refused, and the server
 * removes its file when it closes ({@code cleanup_socket=True}).
 */
public final class UnixSockets {
    private static final System.Logger LOG = System.getLogger("dev.evloop");
    /** The file type bits of {@code st_mode}, and the value that means a socket. */
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private final BaseEventLoop loop;
    private final LoopBackend backend;
    private final Networking networking;
    /**
     * The backend's name if its domain socket channels close on the peer's end of stream instead
     * of half-closing, which their transports must then report; {@code null} if they half-close.
     */
    private final String closesOnPeerEof;

    public UnixSockets(BaseEventLoop loop, LoopBackend backend, Networking networking) {
        this.loop = loop;
        this.backend = backend;
        this.networking = networking;
        this.closesOnPeerEof = backend.domainSocketsKeepWritingAfterPeerEof() ? null : backend.name();
    }

    public LoopFuture<Server> createUnixServer(Supplier<? extends BaseProtocol> factory, Path path, SocketOptions options) {
        Objects.requireNonNull(factory, "protocolFactory");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(options, "options");
        refuseTls(options);
        Class<? extends ServerChannel> channelClass = backend.serverDomainSocketChannelClass();
        SocketAddress address = backend.domainSocketAddress(path);
        LoopFuture<Server> result = loop.createFuture();
        try {
            removeStaleSocket(path);
        } catch (IOException e) {
            result.setException(e);
            return result;
        }
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loop.ioEventLoop())
                .channel(channelClass)
                .option(ChannelOption.SO_BACKLOG, options.backlog())
                .option(ChannelOption.AUTO_READ, options.startServing());
        Networking.applyChannelOptions(withoutUselessHalfClosure(new Networking.OptionSink() {
            @Override
            public <T> void set(ChannelOption<T> option, T value) {
                bootstrap.childOption(option, value);
            }
        }), options, backend);
        TcpServer server = new TcpServer(loop);
        bootstrap.childHandler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                server.accepted(ch);
                networking.attach(ch, factory, options, () -> server.lost(ch));
                StreamTransport transport = ch.pipeline().get(StreamTransport.class); // none if the factory failed
                if (transport != null) {
                    markPeerEofCloses(transport);
                }
            }
        });
        ChannelFuture bind;
        try {
            bind = bootstrap.bind(address);
        } catch (RuntimeException e) {
            result.setException(e);
            return result;
        }
        bind.addListener(f -> {
            if (f.isSuccess()) {
                server.listening(bind.channel());
            }
            if (result.isDone()) {
                server.close(); // the caller cancelled meanwhile
            } else if (f.isSuccess()) {
                Object socketFile = fileKey(path);
                bind.channel().closeFuture().addListener(closed -> removeOwnSocket(path, socketFile));
                result.setResult(server);
            } else {
                result.setException(f.cause());
            }
        });
        return result;
    }

    public <P extends BaseProtocol> LoopFuture<Connection<P>> createUnixConnection(Supplier<P> factory, Path path,
                                                                          SocketOptions options) {
        Objects.requireNonNull(factory, "protocolFactory");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(options, "options");
        refuseTls(options);
        Class<? extends DuplexChannel> channelClass = backend.domainSocketChannelClass();
        SocketAddress address = backend.domainSocketAddress(path);
        LoopFuture<Connection<P>> result = loop.createFuture();
        Bootstrap bootstrap = new Bootstrap()
                .group(loop.ioEventLoop())
                .channel(channelClass);
        Networking.applyChannelOptions(withoutUselessHalfClosure(new Networking.OptionSink() {
            @Override
            public <T> void set(ChannelOption<T> option, T value) {
                bootstrap.option(option, value);
            }
        }), options, backend);
        @SuppressWarnings("unchecked")
        P[] protocol = (P[]) new BaseProtocol[1];
        StreamTransport[] transport = new StreamTransport[1];
        ClientInitializer init = new ClientInitializer() {
            @Override
            void setUp(Channel ch) {
                protocol[0] = factory.get();
                transport[0] = new StreamTransport(loop, ch, protocol[0], null);
                markPeerEofCloses(transport[0]);
                ch.pipeline().addLast(transport[0]);
            }
        };
        bootstrap.handler(init);
        int connectTimeoutMillis = LoopDeadlines.takeConnectTimeout(bootstrap, options);
        ChannelFuture connect = bootstrap.connect(address);
        LoopDeadlines.connect(loop, connect, connectTimeoutMillis, address);
        connect.addListener(f -> {
            if (result.isDone()) {
                connect.channel().close(); // the caller cancelled meanwhile
            } else if (init.failure() != null) {
                connect.channel().close();
                result.setException(init.failure());
            } else if (f.isSuccess()) {
                result.setResult(new Connection<>(transport[0], protocol[0]));
            } else {
                result.setException(connectFailure(path, f.cause()));
            }
        });
        return result;
    }

    /**
     * The sink itself, or, on a backend whose domain sockets close on the peer's EOF, one that
     * leaves out {@code ALLOW_HALF_CLOSURE}: such channels ignore it, and NIO's warns of an unknown
     * option on every connection.
     */
    private Networking.OptionSink withoutUselessHalfClosure(Networking.OptionSink sink) {
        if (closesOnPeerEof == null) {
            return sink;
        }
        return new Networking.OptionSink() {
            @Override
            public <T> void set(ChannelOption<T> option, T value) {
                if (option != ChannelOption.ALLOW_HALF_CLOSURE) {
                    sink.set(option, value);
                }
            }
        };
    }

    /** On a backend whose domain sockets close on the peer's EOF, the transport reports it as such. */
    private void markPeerEofCloses(StreamTransport transport) {
        if (closesOnPeerEof != null) {
            transport.closesOnPeerEof(closesOnPeerEof);
        }
    }

    /**
     * Why a connection failed, naming the path, which backends do not all do: no file there is
     * asyncio's {@code FileNotFoundError}, a socket file nobody listens on its
     * {@code ConnectionRefusedError}.
     */
    private static Throwable connectFailure(Path path, Throwable cause) {
        String where = path.toString();
        if (Files.notExists(path)) {
            return new NoSuchFileException(where, null, "no Unix socket to connect to").initCause(cause);
        }
        if (cause instanceof ConnectException && !String.valueOf(cause.getMessage()).contains(where)) {
            return new ConnectException(cause.getMessage() + ": " + where).initCause(cause);
        }
        return cause;
    }

    /**
     * Clears the path for a new server, as asyncio does: a socket file there is a leftover and
     * goes; any other file stays and the server is refused, naming the path.
     */
    private static void removeStaleSocket(Path path) throws IOException {
        int mode;
        try {
            mode = (Integer) Files.getAttribute(path, "unix:mode");
        } catch (NoSuchFileException e) {
            return;
        }
        if ((mode & S_IFMT) != S_IFSOCK) {
            throw new BindException("cannot listen on " + path + ": it exists and is not a socket");
        }
        Files.deleteIfExists(path);
    }

    /** What identifies the socket file this server made (device and inode), or null if it is unreadable. */
    private static Object fileKey(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Removes the server's socket file once it stops listening. Netty's own domain server channels
     * unlink theirs on close too; doing it here keeps asyncio's rule for any backend, and, as
     * asyncio does, leaves alone a file that another server has bound at the path since.
     */
    private static void removeOwnSocket(Path path, Object socketFile) {
        if (socketFile == null) {
            return;
        }
        try {
            if (socketFile.equals(Files.readAttributes(path, BasicFileAttributes.class).fileKey())) {
                Files.delete(path);
            }
        } catch (NoSuchFileException e) {
            // already gone: the channel removed it
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "could not remove the socket file " + path, e);
        }
    }

    /** The TLS options are for TCP; over a Unix socket, {@code startTls} still upgrades a connection. */
    private static void refuseTls(SocketOptions options) {
        if (options.ssl() != null || options.serverHostname() != null) {
            throw new IllegalArgumentException("options.ssl: TLS is for TCP connections; over a Unix domain socket"
                    + " use EventLoop.startTls on the connection");
        }
    }
}
