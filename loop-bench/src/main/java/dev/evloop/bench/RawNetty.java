package dev.evloop.bench;

import dev.evloop.spi.LoopBackend;
import io.netty.channel.ManualIoEventLoop;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;

/**
 * The baselines' side: the backend's own Netty {@code IoHandler} on a bare
 * {@link ManualIoEventLoop}, the same machinery an evloop loop drives, without evloop on top.
 */
final class RawNetty {
    private RawNetty() {
    }

    /** The backend named {@code name}, as the SPI offers it. */
    static LoopBackend backend(String name) {
        for (LoopBackend b : ServiceLoader.load(LoopBackend.class)) {
            if (b.name().equals(name)) {
                return b;
            }
        }
        throw new IllegalArgumentException("no backend named " + name + " on the class path");
    }

    /** A manual loop owned by the calling thread, on the named backend. */
    static ManualIoEventLoop manualLoop(String backend) {
        return new ManualIoEventLoop(Thread.currentThread(), backend(backend).ioHandlerFactory());
    }

    /** Shuts a manual loop down from its owning thread, running it until it has terminated. */
    static void close(ManualIoEventLoop loop) {
        loop.shutdownGracefully(0, 0, TimeUnit.NANOSECONDS);
        while (!loop.isTerminated()) {
            loop.runNow();
        }
    }
}
