package dev.evloop.bench;

import dev.evloop.Async;
import dev.evloop.BackgroundLoop;
import dev.evloop.DefaultEventLoopPolicy;
import dev.evloop.EventLoopPolicy;
import dev.evloop.EventLoops;
import dev.evloop.net.BufferedProtocol;
import dev.evloop.net.Protocol;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.net.Transport;
import dev.evloop.spi.LoopBackend;
import dev.evloop.streams.StreamHandler;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * An echo server in one of the styles of uvloop's chart, running on a thread of its own: evloop
 * with a {@link Protocol}, a {@link BufferedProtocol} or streams, or raw Netty with its defaults
 * (the baseline). Run by {@link EchoServerMain}, in a JVM of its own, for {@link EchoProcesses} and outside clients.
 */
final class EchoServer implements AutoCloseable {
    /**
     * How the server is written: streams is a task per connection passing on the buffers it
     * reads ({@code readRetained}, {@code write(ByteBuf)}), streams-bytes the same task with
     * {@code byte[]} reads and writes, as most stream code is written. {@code c} is the floor,
     * {@link NativeEcho}'s server in C, which {@link EchoProcesses} runs as a native process: never
     * an {@code EchoServer}.
     */
    enum Style {
        PROTOCOL, BUFFERED, STREAMS, STREAMS_BYTES, NETTY, C;

        static Style of(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
        }

        String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private static final int READ_CHUNK = 256 * 1024;
    private static final int BUFFERED_CHUNK = 64 * 1024;

    private final BackgroundLoop worker;
    private final Server server;
    private final EventLoopGroup nettyGroup;
    private final Channel nettyChannel;
    private final InetSocketAddress address;
    /** The thread that serves every connection: its CPU time is the server's cost. */
    private final Thread serverThread;

    EchoServer(String backend, Style style, String host, int port) {
        if (style == Style.C) {
            throw new IllegalArgumentException("style: c is the C floor, a native process of its own (NativeEcho),"
                    + " not a server in this JVM");
        }
        if (style == Style.NETTY) {
            LoopBackend b = RawNetty.backend(backend);
            nettyGroup = new MultiThreadIoEventLoopGroup(1, b.ioHandlerFactory());
            nettyChannel = new ServerBootstrap()
                    .group(nettyGroup)
                    .channel(b.serverSocketChannelClass())
                    .childHandler(new NettyEcho())
                    .bind(host, port).syncUninterruptibly().channel();
            address = (InetSocketAddress) nettyChannel.localAddress();
            worker = null;
            server = null;
            serverThread = nettyGroup.next().submit(Thread::currentThread).syncUninterruptibly().getNow();
            return;
        }
        nettyGroup = null;
        nettyChannel = null;
        EventLoopPolicy before = EventLoops.getPolicy();
        EventLoops.setPolicy(new DefaultEventLoopPolicy(backend));
        try {
            worker = new BackgroundLoop("echo-" + style.label() + "-" + backend);
        } finally {
            EventLoops.setPolicy(before);
        }
        SocketOptions options = SocketOptions.defaults().backlog(1024);
        server = worker.submit(() -> switch (style) {
            case PROTOCOL -> EventLoops.getRunningLoop().createServer(Echo::new, host, port, options).await();
            case BUFFERED -> EventLoops.getRunningLoop().createServer(BufferedEcho::new, host, port, options).await();
            case STREAMS -> Async.startServer(STREAM_ECHO, host, port, options);
            case STREAMS_BYTES -> Async.startServer(STREAM_BYTES_ECHO, host, port, options);
            case NETTY, C -> throw new AssertionError();
        }).join();
        address = (InetSocketAddress) server.addresses().get(0);
        CompletableFuture<Thread> loopThread = new CompletableFuture<>();
        worker.loop().callSoonThreadsafe(() -> loopThread.complete(Thread.currentThread()));
        serverThread = loopThread.join(); // a callback runs on the loop's platform thread, which carries its tasks
    }

    /** The one thread that serves every connection (and, for streams, carries every task). */
    Thread thread() {
        return serverThread;
    }

    /** The address it listens on. */
    InetSocketAddress address() {
        return address;
    }

    @Override
    public void close() {
        if (nettyGroup != null) {
            nettyChannel.close().syncUninterruptibly();
            nettyGroup.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
            return;
        }
        worker.submit(() -> {
            server.close();
            return null;
        }).join();
        worker.close();
    }

    /** evloop, protocol style: the transport copies the view it is given. */
    static final class Echo implements Protocol {
        private Transport transport;

        @Override
        public void connectionMade(Transport t) {
            transport = t;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            transport.write(data);
        }
    }

    /**
     * evloop, buffered-protocol style: reads land in the protocol's own buffer, 64 KiB as asyncio's
     * streams read. A heap buffer, since the transport copies into it either way; 256 KiB direct
     * buffers ran a server of 500 connections out of direct memory, and then out of heap while the
     * connections of the shape before were still going.
     */
    static final class BufferedEcho implements BufferedProtocol {
        private final ByteBuffer buffer = ByteBuffer.allocate(BUFFERED_CHUNK);
        private Transport transport;

        @Override
        public void connectionMade(Transport t) {
            transport = t;
        }

        @Override
        public ByteBuffer getBuffer(int sizeHint) {
            return buffer.clear();
        }

        @Override
        public void bufferUpdated(int bytes) {
            transport.write(buffer.limit(bytes)); // the write copies from position 0 and moves nothing; getBuffer clears
        }
    }

    /**
     * evloop, streams style: a task per connection, writing back the very buffer it read, as the
     * fastest stream code would.
     */
    private static final StreamHandler STREAM_ECHO = (reader, writer) -> {
        ByteBuf chunk;
        while ((chunk = reader.readRetained(READ_CHUNK)).isReadable()) {
            writer.write(chunk); // the writer owns it now
            writer.drain();
        }
        writer.close();
    };

    /** evloop, streams style with byte arrays: each read's array is copied back by the write. */
    private static final StreamHandler STREAM_BYTES_ECHO = (reader, writer) -> {
        while (true) {
            byte[] chunk = reader.read(READ_CHUNK);
            if (chunk.length == 0) {
                break;
            }
            writer.write(chunk);
            writer.drain();
        }
        writer.close();
    };

    /** Raw Netty, as its own echo example does it: write on read, flush when the read batch ends. */
    @ChannelHandler.Sharable
    private static final class NettyEcho extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
