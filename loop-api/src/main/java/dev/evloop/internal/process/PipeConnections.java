package dev.evloop.internal.process;

import dev.evloop.EventLoop;
import dev.evloop.LoopFuture;
import dev.evloop.internal.BaseEventLoop;
import dev.evloop.net.BaseProtocol;
import dev.evloop.net.Connection;
import dev.evloop.net.Protocol;
import dev.evloop.net.Transport;
import dev.evloop.spi.PipeFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channel;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@link EventLoop#connectReadPipe} and {@link EventLoop#connectWritePipe}: a backend that watches
 * channels (the selector backend) watches a {@link Pipe}'s channels itself; the native backends
 * watch {@code int} descriptors, which Java does not expose for a {@code Pipe}'s channels, so there
 * the channel is pumped by a thread in blocking mode ({@link Pumps}). A FIFO or character device
 * given by its path is opened non-blocking and watched where the backend offers
 * {@link PipeFiles} (the native ones on Linux), else opened and pumped by a thread
 * ({@link PipeFileStreams}).
 */
public final class PipeConnections {
    /** The file-type bits of {@code st_mode}, and the two kinds a pipe transport takes. */
    private static final int S_IFMT = 0170000;
    private static final int S_IFIFO = 0010000;
    private static final int S_IFCHR = 0020000;
    private PipeConnections() {
    }

    private static boolean watchesChannels(EventLoop loop) {
        return BaseEventLoop.of(loop).watchesChannels();
    }

    public static <P extends Protocol> LoopFuture<Connection<P>> read(EventLoop loop, Supplier<P> protocolFactory,
            Pipe.SourceChannel pipe) {
        P protocol = protocolFor(protocolFactory, pipe);
        PipeSource source;
        try {
            source = watchesChannels(loop) ? new WatchedPipes.Source(loop, WatchedPipes.of(pipe))
                    : new Pumps.Source(loop, blocking(pipe, Channels::newInputStream), pipe.toString(), true);
        } catch (IOException e) {
            throw unusable(e);
        }
        ReadPipeTransport transport = new ReadPipeTransport(loop, protocol, source, pipe.toString());
        return startSoon(loop, transport, () -> {
            transport.closeWithLoop(loop);
            transport.start();
        }, protocol, pipe);
    }

    public static <P extends BaseProtocol> LoopFuture<Connection<P>> write(EventLoop loop, Supplier<P> protocolFactory,
            Pipe.SinkChannel pipe) {
        P protocol = protocolFor(protocolFactory, pipe);
        PipeSink sink;
        try {
            sink = watchesChannels(loop) ? new WatchedPipes.Sink(loop, WatchedPipes.of(pipe))
                    : new Pumps.Sink(loop, blocking(pipe, Channels::newOutputStream), pipe.toString(), true);
        } catch (IOException e) {
            throw unusable(e);
        }
        WritePipeTransport transport = new WritePipeTransport(loop, protocol, sink, pipe.toString());
        return startSoon(loop, transport, () -> {
            transport.closeWithLoop(loop);
            transport.start();
        }, protocol, pipe);
    }

    /** {@code connectReadPipe} of a FIFO or character device, opened here. */
    public static <P extends Protocol> LoopFuture<Connection<P>> read(EventLoop loop, Supplier<P> protocolFactory,
            Path path) {
        boolean fifo = checkPipeFile(protocolFactory, path);
        LoopFuture<Connection<P>> result = loop.createFuture();
        P protocol = protocolFactory.get();
        Optional<PipeFiles> native_ = BaseEventLoop.of(loop).pipeFiles();
        PipeSource source;
        Runnable discard;
        if (native_.isPresent()) {
            PipeFiles.End end = open(native_.get(), path, false);
            source = new WatchedPipes.Source(loop, WatchedPipes.of(end));
            discard = end::close;
        } else {
            PipeFileStreams file = new PipeFileStreams(path, false, fifo);
            source = new Pumps.Source(loop, file.input(), path.toString(), true);
            discard = file::close;
        }
        ReadPipeTransport transport = new ReadPipeTransport(loop, protocol, source, path.toString());
        return startSoon(loop, result, transport, () -> {
            transport.closeWithLoop(loop);
            transport.start();
        }, protocol, discard);
    }

    /** {@code connectWritePipe} of a FIFO or character device, opened here. */
    public static <P extends BaseProtocol> LoopFuture<Connection<P>> write(EventLoop loop, Supplier<P> protocolFactory,
            Path path) {
        boolean fifo = checkPipeFile(protocolFactory, path);
        LoopFuture<Connection<P>> result = loop.createFuture();
        P protocol = protocolFactory.get();
        Optional<PipeFiles> native_ = BaseEventLoop.of(loop).pipeFiles();
        PipeSink sink;
        Runnable discard;
        if (native_.isPresent()) {
            PipeFiles.End end = open(native_.get(), path, true);
            sink = new WatchedPipes.Sink(loop, WatchedPipes.of(end));
            discard = end::close;
        } else {
            PipeFileStreams file = new PipeFileStreams(path, true, fifo);
            sink = new Pumps.Sink(loop, file.output(), path.toString(), true);
            discard = file::close;
        }
        WritePipeTransport transport = new WritePipeTransport(loop, protocol, sink, path.toString());
        return startSoon(loop, result, transport, () -> {
            transport.closeWithLoop(loop);
            transport.start();
        }, protocol, discard);
    }

    /**
     * Checks the arguments before anything is opened, as asyncio's pipe transports check the
     * file's mode ({@code S_ISFIFO}, {@code S_ISCHR}): a FIFO or a character device, following
     * symbolic links.
     *
     * @return whether it is a FIFO (else a character device)
     */
    private static boolean checkPipeFile(Supplier<?> protocolFactory, Path path) {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        Objects.requireNonNull(path, "path");
        int mode;
        try {
            mode = (Integer) Files.getAttribute(path, "unix:mode");
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("path does not exist: " + path, e);
        } catch (IOException e) {
            throw new UncheckedIOException("path cannot be examined: " + path + ": " + e.getMessage(), e);
        } catch (UnsupportedOperationException e) {
            throw new UnsupportedOperationException("path: this system does not tell a FIFO from a file: " + path, e);
        }
        int kind = mode & S_IFMT;
        if (kind != S_IFIFO && kind != S_IFCHR) {
            throw new IllegalArgumentException("path is not a FIFO or character device (pipe transports are "
                    + "for pipes, not files or directories): " + path);
        }
        return kind == S_IFIFO;
    }

    private static PipeFiles.End open(PipeFiles files, Path path, boolean forWriting) {
        try {
            return files.open(path, forWriting);
        } catch (IOException e) {
            throw new UncheckedIOException("path cannot be opened: " + e.getMessage(), e);
        }
    }

    /**
     * Checks the arguments and makes the protocol, before the pipe is touched: a factory that
     * throws leaves the pipe as it was, the caller's.
     */
    private static <P extends BaseProtocol> P protocolFor(Supplier<P> protocolFactory, Channel pipe) {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        Objects.requireNonNull(pipe, "pipe");
        if (!pipe.isOpen()) {
            throw new IllegalArgumentException("pipe is closed: " + pipe);
        }
        return protocolFactory.get();
    }

    private static UncheckedIOException unusable(IOException e) {
        return new UncheckedIOException("pipe cannot be used: " + e.getMessage(), e);
    }

    /**
     * Starts the transport on the next iteration, as asyncio's pipe transports call
     * connection_made. If the caller cancelled meanwhile, nobody will ever hold the transport: the
     * pipe is closed instead, as asyncio's {@code connect_read_pipe} closes the transport of a
     * cancelled wait, and the protocol is never called.
     */
    private static <P extends BaseProtocol> LoopFuture<Connection<P>> startSoon(EventLoop loop, Transport transport,
            Runnable start, P protocol, Channel pipe) {
        return startSoon(loop, loop.createFuture(), transport, start, protocol, () -> Pumps.closeQuietly(pipe));
    }

    /**
     * Starts the transport on the next iteration, as asyncio's pipe transports call
     * connection_made. If the caller cancelled meanwhile, nobody will ever hold the transport: the
     * pipe is closed instead ({@code discard}), as asyncio's {@code connect_read_pipe} closes the
     * transport of a cancelled wait, and the protocol is never called. A pipe the poller refuses
     * (epoll refuses {@code /dev/null}) fails the future, the pipe closed.
     */
    private static <P extends BaseProtocol> LoopFuture<Connection<P>> startSoon(EventLoop loop,
            LoopFuture<Connection<P>> result, Transport transport, Runnable start, P protocol, Runnable discard) {
        try {
            loop.callSoon(() -> {
                if (result.isDone()) {
                    discard.run();
                    return;
                }
                try {
                    start.run();
                } catch (RuntimeException e) {
                    transport.abort();
                    discard.run();
                    result.setException(e);
                    return;
                }
                result.setResult(new Connection<>(transport, protocol));
            });
        } catch (RuntimeException e) {
            discard.run();
            throw e;
        }
        return result;
    }

    private static <C extends java.nio.channels.SelectableChannel, S> S blocking(C channel,
            java.util.function.Function<C, S> stream) throws IOException {
        channel.configureBlocking(true);
        return stream.apply(channel);
    }
}
