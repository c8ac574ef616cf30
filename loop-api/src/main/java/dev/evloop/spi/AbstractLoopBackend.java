package dev.evloop.spi;

import io.netty.channel.IoHandlerFactory;
import java.util.Objects;

/**
 * The common part of a backend: its name, its rank, and an {@link Availability} verdict that
 * guards the {@code IoHandlerFactory}. A backend module extends it and names its Netty classes.
 *
 * <pre>{@code
 * public final class EpollBackend extends AbstractLoopBackend {
 *     public EpollBackend() {
 *         super("epoll", 40, Availability.probe("epoll", "Linux", Epoll::isAvailable, Epoll::unavailabilityCause));
 *     }
 *     protected IoHandlerFactory newIoHandlerFactory() { return EpollIoHandler.newFactory(); }
 *     public Class<? extends SocketChannel> socketChannelClass() { return EpollSocketChannel.class; }
 *     // ...
 * }
 * }</pre>
 */
public abstract class AbstractLoopBackend implements LoopBackend {
    private final String name;
    private final int rank;
    private final Availability availability;

    /**
     * Describes the backend.
     *
     * @param name         the name users select it by
     * @param rank         its place in the default choice
     * @param availability whether it can run here; compute it once, in a static field
     */
    protected AbstractLoopBackend(String name, int rank, Availability availability) {
        this.name = Objects.requireNonNull(name, "name");
        this.rank = rank;
        this.availability = Objects.requireNonNull(availability, "availability");
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final int rank() {
        return rank;
    }

    @Override
    public final boolean isAvailable() {
        return availability.isAvailable();
    }

    @Override
    public final Throwable unavailabilityCause() {
        return availability.cause();
    }

    @Override
    public final IoHandlerFactory ioHandlerFactory() {
        availability.require(name);
        return newIoHandlerFactory();
    }

    /**
     * Makes the factory; called only when the backend is available.
     *
     * @return a new factory
     */
    protected abstract IoHandlerFactory newIoHandlerFactory();

    @Override
    public String toString() {
        return name;
    }
}
