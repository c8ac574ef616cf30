package dev.evloop.internal.process;

import dev.evloop.EventLoop;
import dev.evloop.LoopFuture;
import dev.evloop.internal.BaseEventLoop;
import dev.evloop.net.BaseProtocol;
import dev.evloop.net.Connection;
import dev.evloop.net.Protocol;
import dev.evloop.net.Transport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channel;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * {@link EventLoop#connectReadPipe} and {@link EventLoop#connectWritePipe}: a backend that watches
 * channels (the selector backend) watches a {@link Pipe}'s channels itself; the native backends
 * watch {@code int} descriptors, which Java does not expose for a {@code Pipe}'s channels, so there
 * the channel is pumped by a thread in blocking mode ({@link Pumps}).
 */
public final class PipeConnections {
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
        return startSoon(loop, transport, transport::start, protocol, pipe);
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
        return startSoon(loop, transport, transport::start, protocol, pipe);
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
        LoopFuture<Connection<P>> result = loop.createFuture();
        loop.callSoon(() -> {
            if (result.isDone()) {
                Pumps.closeQuietly(pipe);
                return;
            }
            start.run();
            result.setResult(new Connection<>(transport, protocol));
        });
        return result;
    }

    private static <C extends java.nio.channels.SelectableChannel, S> S blocking(C channel,
            java.util.function.Function<C, S> stream) throws IOException {
        channel.configureBlocking(true);
        return stream.apply(channel);
    }
}
