package dev.evloop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * {@link EventLoop#connectReadPipe} and {@link EventLoop#connectWritePipe}: the selector backend
 * watches a {@link Pipe}'s channels itself; the native backends watch {@code int} descriptors,
 * which Java does not expose for a {@code Pipe}'s channels, so there the channel is pumped by a
 * thread in blocking mode ({@link Pumps}).
 */
final class PipeConnections {
    private PipeConnections() {
    }

    private static boolean watchesChannels(EventLoop loop) {
        return "selector".equals(loop.backend());
    }

    static <P extends Protocol> LoopFuture<Connection<P>> read(EventLoop loop, Supplier<P> protocolFactory,
            Pipe.SourceChannel pipe) {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        Objects.requireNonNull(pipe, "pipe");
        if (!pipe.isOpen()) {
            throw new IllegalArgumentException("pipe is closed: " + pipe);
        }
        // The protocol first: a factory that throws leaves the pipe as it was, the caller's.
        P protocol = protocolFactory.get();
        PipeSource source;
        try {
            source = watchesChannels(loop) ? new ChannelPipes.Source(loop, pipe)
                    : new Pumps.Source(loop, blocking(pipe, Channels::newInputStream), pipe.toString(), true);
        } catch (IOException e) {
            throw new UncheckedIOException("pipe cannot be used: " + e.getMessage(), e);
        }
        ReadPipeTransport transport = new ReadPipeTransport(loop, protocol, source, pipe.toString());
        LoopFuture<Connection<P>> result = loop.createFuture();
        loop.callSoon(() -> {
            transport.start();
            if (!result.isDone()) {
                result.setResult(new Connection<>(transport, protocol));
            }
        });
        return result;
    }

    static <P extends BaseProtocol> LoopFuture<Connection<P>> write(EventLoop loop, Supplier<P> protocolFactory,
            Pipe.SinkChannel pipe) {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        Objects.requireNonNull(pipe, "pipe");
        if (!pipe.isOpen()) {
            throw new IllegalArgumentException("pipe is closed: " + pipe);
        }
        // The protocol first: a factory that throws leaves the pipe as it was, the caller's.
        P protocol = protocolFactory.get();
        PipeSink sink;
        try {
            sink = watchesChannels(loop) ? new ChannelPipes.Sink(loop, pipe)
                    : new Pumps.Sink(loop, blocking(pipe, Channels::newOutputStream), pipe.toString(), true);
        } catch (IOException e) {
            throw new UncheckedIOException("pipe cannot be used: " + e.getMessage(), e);
        }
        WritePipeTransport transport = new WritePipeTransport(loop, protocol, sink, pipe.toString());
        LoopFuture<Connection<P>> result = loop.createFuture();
        loop.callSoon(() -> {
            transport.start();
            if (!result.isDone()) {
                result.setResult(new Connection<>(transport, protocol));
            }
        });
        return result;
    }

    private static <C extends java.nio.channels.SelectableChannel, S> S blocking(C channel,
            java.util.function.Function<C, S> stream) throws IOException {
        channel.configureBlocking(true);
        return stream.apply(channel);
    }
}
