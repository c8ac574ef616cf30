package dev.evloop;

import dev.evloop.internal.BaseEventLoop;
import dev.evloop.internal.LoopCore;
import dev.evloop.internal.choice.Backends;



/**
 * The policy in force unless another is set: one current loop per thread, set explicitly, and new
 * loops on the backend chosen by {@code -Dloop.backend}; when that is not set, on the first backend
 * that runs here in the on-host calibration ({@code ./evloop calibrate} writes it, to the file
 * {@code -Dloop.calibration} names or {@code $XDG_CONFIG_HOME/evloop/calibration.properties}) if
 * it was measured on this kernel, JDK feature release, evloop version and CPU count; else on the
 * highest-ranked backend that runs here. A calibration that is missing or measured elsewhere is
 * ignored with a debug log line, a damaged one with a warning naming the file and the problem; it
 * never stops a loop from being made. Mirrors asyncio's {@code DefaultEventLoopPolicy}; like
 * asyncio since 3.14, {@link #getEventLoop()} never creates a loop behind the caller's back.
 *
 * <pre>{@code
 * EventLoops.setPolicy(new DefaultEventLoopPolicy("io_uring,epoll"));  // prefer io_uring here
 * EventLoop loop = EventLoops.newEventLoop();
 * }</pre>
 *
 * <p>Subclass it to change one decision; see {@link EventLoopPolicy}.
 */
public class DefaultEventLoopPolicy implements EventLoopPolicy {
    private final ThreadLocal<EventLoop> current = new ThreadLocal<>();
    private final String backends;

    /** A policy that reads {@code -Dloop.backend} and the calibration each time it makes a loop. */
    public DefaultEventLoopPolicy() {
        this.backends = null;
    }

    /**
     * A policy with fixed backend preferences, whatever {@code -Dloop.backend} or the calibration says.
     *
     * @param backends a backend name or a comma-separated list, most preferred first
     * @throws IllegalArgumentException if {@code backends} names no backend
     * @throws NullPointerException if {@code backends} is null
     */
    public DefaultEventLoopPolicy(String backends) {
        if (Backends.parse(backends).isEmpty()) {
            throw new IllegalArgumentException("backends: names no backend: '" + backends + "'");
        }
        this.backends = backends;
    }

    @Override
    public EventLoop getEventLoop() {
        EventLoop loop = current.get();
        if (loop == null) {
            throw new IllegalStateException("there is no current event loop in thread '"
                    + Thread.currentThread().getName() + "': create one with EventLoops.newEventLoop()"
                    + " and make it current with EventLoops.setEventLoop(loop)");
        }
        return loop;
    }

    @Override
    public void setEventLoop(EventLoop loop) {
        if (loop == null) {
            current.remove();
        } else {
            LoopCore.of(loop); // refuses a loop evloop did not make, at the call
            current.set(loop);
        }
    }

    @Override
    public EventLoop newEventLoop() {
        return new BaseEventLoop(backends == null ? Backends.select() : Backends.select(backends));
    }
}
