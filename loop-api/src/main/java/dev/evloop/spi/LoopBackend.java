package dev.evloop.spi;

import dev.evloop.EventLoop;
import dev.evloop.net.Transport;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * An I/O backend: the Netty {@link IoHandlerFactory} and channel classes that an evloop
 * {@code EventLoop} drives, found through {@link java.util.ServiceLoader}.
 *
 * <p>A backend module is small: it names its Netty classes, says whether it can run on this host
 * and, when not, why, and registers itself in {@code META-INF/services} and {@code module-info}.
 * There is no asyncio counterpart; the nearest is choosing a selector for a
 * {@code SelectorEventLoop}.
 *
 * <pre>{@code
 * public final class EpollBackend implements LoopBackend {
 *     public String name() { return "epoll"; }
 *     public int rank() { return 40; }
 *     public boolean isAvailable() { return Epoll.isAvailable(); }
 *     public Throwable unavailabilityCause() { return Epoll.unavailabilityCause(); }
 *     public IoHandlerFactory ioHandlerFactory() { return EpollIoHandler.newFactory(); }
 *     // channel classes ...
 * }
 * }</pre>
 *
 * <p>Implementations must be cheap to construct and must not throw from any method, even when the
 * native library they need is missing: {@link #isAvailable()} answers {@code false} instead. The
 * exceptions are the ones documented here: an {@code IoHandlerFactory} of an unavailable backend,
 * and Unix domain sockets on a backend that has none.
 */
public interface LoopBackend {

    /**
     * The name users select it by with {@code -Dloop.backend=NAME}: lower case, such as
     * {@code "epoll"}.
     *
     * @return the backend's name, never {@code null}
     */
    String name();

    /**
     * Its place in the default choice: among the available backends, the policy picks the one with
     * the highest rank.
     *
     * @return the rank; higher wins
     */
    int rank();

    /**
     * Whether this backend can run on this host: its native library loaded and the kernel
     * accepts it.
     *
     * @return {@code true} if an event loop can be built on it here
     */
    boolean isAvailable();

    /**
     * Why this backend cannot run here, as Netty's own checks report it.
     *
     * @return the cause, or {@code null} when {@link #isAvailable()} is {@code true}
     */
    Throwable unavailabilityCause();

    /**
     * A factory for the Netty {@code IoHandler} that polls I/O for one event loop.
     *
     * @return a new factory
     * @throws IllegalStateException if the backend is not available
     */
    IoHandlerFactory ioHandlerFactory();

    /**
     * The Netty channel class for TCP connections on this backend.
     *
     * @return the socket channel class
     */
    Class<? extends SocketChannel> socketChannelClass();

    /**
     * The Netty channel class for TCP listeners on this backend.
     *
     * @return the server socket channel class
     */
    Class<? extends ServerSocketChannel> serverSocketChannelClass();

    /**
     * The Netty channel class for UDP on this backend.
     *
     * @return the datagram channel class
     */
    Class<? extends DatagramChannel> datagramChannelClass();

    /**
     * Whether this backend's socket channel sends the given byte range of a file without copying
     * it through user space when handed a Netty {@link io.netty.channel.DefaultFileRegion}
     * (sendfile(2), splice or {@code FileChannel.transferTo}): the zero-copy path of
     * {@code Transport.sendfile}. When {@code false}, evloop reads the file in chunks and writes
     * them, which works everywhere; so {@code false} is the safe answer.
     *
     * @param offset where the range starts in the file
     * @param count  how many bytes it holds
     * @return {@code true} if a file region of that range goes to the socket without copying
     */
    default boolean sendsFileZeroCopy(long offset, long count) {
        return false;
    }

    /**
     * The shortest wait this backend's poll makes for a timer: the loop rounds the time to its
     * next timer up to a whole number of it, so that a timer never has the poll return at once,
     * again and again, before it is due (a busy poll), and never fires early; CPython's
     * {@code selectors} module rounds its millisecond timeouts up for the same reason. Netty's NIO
     * {@code IoHandler} waits in whole milliseconds and does not wait at all below half of one,
     * so this default is a millisecond: safe for any backend. A backend whose poll waits to the
     * nanosecond (a timerfd, an io_uring timeout, kqueue's timespec) answers
     * {@code Duration.ofNanos(1)}, so that its timers under a millisecond are not made late.
     *
     * @return a positive duration, a millisecond or less
     */
    default Duration pollResolution() {
        return Duration.ofMillis(1);
    }

    /**
     * Whether the loop asks this backend for a poll that must not wait as a wait whose deadline
     * has already passed (one nanosecond) rather than as Netty's "do not block" ({@code -1} to
     * {@code ManualIoEventLoop.run}). Both poll once without waiting; a backend answers
     * {@code true} when its {@code IoHandler} resets state only on a waiting poll, so that a loop
     * that is busy for long, and so never waits, still has it reset. This default,
     * {@code false}, suits a handler without such state.
     *
     * @return whether non-waiting polls are asked as an already-passed deadline
     */
    default boolean pollsNowAsPassedDeadline() {
        return false;
    }

    /**
     * Whether a stream channel of this backend waits for data with its receive buffer already
     * allocated, as io_uring's pending {@code recv} holds the buffer it will fill, rather than
     * allocating one only once data is there (epoll, kqueue, the selector). Where it does, every
     * connection holds a receive buffer while idle, so evloop grows those buffers by doubling
     * instead of Netty's sixteenfold jump after a filled read (see {@code loop-bench/results/2026-12-02-vm-sizing.md}).
     * This default, {@code false}, is right for any readiness-based backend.
     *
     * @return whether a waiting read holds its buffer
     */
    default boolean readsHoldBufferWhileWaiting() {
        return false;
    }

    /**
     * The channel option that sets SO_REUSEPORT on this backend's sockets.
     *
     * @return the option, or {@code null} if the backend cannot set it
     */
    default ChannelOption<Boolean> reusePortOption() {
        return null;
    }

    /**
     * How this backend watches file descriptors (native backends) or channels (the selector) for
     * the loop's {@code addReader}/{@code addWriter}, asyncio's {@code add_reader}/{@code add_writer}.
     *
     * @return the backend's watch factory
     */
    IoWatchFactory ioWatchFactory();

    /**
     * The Netty channel class for Unix domain stream sockets on this backend: the connections of
     * {@code EventLoop.createUnixConnection}. A backend without them keeps this default.
     *
     * @return the domain socket channel class; it can half-close, as a TCP one can
     * @throws UnsupportedOperationException if the backend has no Unix domain sockets; the message
     *         names the backend and, where known, says why
     */
    default Class<? extends DuplexChannel> domainSocketChannelClass() {
        throw domainSocketsUnsupported();
    }

    /**
     * The Netty channel class for Unix domain stream listeners on this backend: the servers of
     * {@code EventLoop.createUnixServer}. A backend without them keeps this default.
     *
     * @return the server domain socket channel class
     * @throws UnsupportedOperationException if the backend has no Unix domain sockets
     */
    default Class<? extends ServerChannel> serverDomainSocketChannelClass() {
        throw domainSocketsUnsupported();
    }

    /**
     * The address the domain socket channels of this backend bind or connect to for a socket file:
     * Netty's {@code DomainSocketAddress} for the native backends, the JDK's
     * {@code UnixDomainSocketAddress} for NIO.
     *
     * @param path the socket file's path
     * @return the channel address of that path
     * @throws UnsupportedOperationException if the backend has no Unix domain sockets
     */
    default SocketAddress domainSocketAddress(Path path) {
        throw domainSocketsUnsupported();
    }

    /**
     * Whether this backend's Unix domain socket connections can still write after the peer has
     * half-closed its side, as a TCP connection can: the reply a protocol writes from
     * {@code eofReceived} reaches the peer. epoll and kqueue can, and so does this default.
     *
     * <p>A backend answers {@code false} when its Netty domain socket channel closes the whole
     * connection on the peer's end of stream (Netty 4.2.18's io_uring and NIO ones do: they honour
     * {@code ALLOW_HALF_CLOSURE} only on TCP channels). The core then reports the peer's end as
     * {@code eofReceived} followed by {@code connectionLost}, and a write after it throws an
     * {@link IllegalStateException} that says so, instead of being dropped. Writing the local
     * half-close ({@code writeEof}) works on every backend; only receiving one is affected.
     *
     * @return {@code true} if a connection stays writable after the peer's end of stream
     */
    default boolean domainSocketsKeepWritingAfterPeerEof() {
        return true;
    }

    /**
     * The error the Unix domain socket methods throw on this backend when it has none.
     *
     * @return an exception naming the backend
     */
    default UnsupportedOperationException domainSocketsUnsupported() {
        return new UnsupportedOperationException("the " + name() + " backend does not support Unix domain sockets");
    }
}
