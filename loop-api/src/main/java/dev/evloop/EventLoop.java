package dev.evloop;

import dev.evloop.internal.process.PipeConnections;
import dev.evloop.internal.process.ProcessTransport;
import dev.evloop.net.BaseProtocol;
import dev.evloop.net.Connection;
import dev.evloop.net.DatagramEndpoint;
import dev.evloop.net.DatagramProtocol;
import dev.evloop.net.Protocol;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.net.Tls;
import dev.evloop.net.Transport;
import dev.evloop.process.SubprocessConnection;
import dev.evloop.process.SubprocessOptions;
import dev.evloop.process.SubprocessProtocol;
import dev.evloop.streams.StreamWriter;
import io.netty.handler.ssl.SslContext;
import java.nio.channels.SelectableChannel;
import java.nio.file.Path;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * An event loop: runs callbacks, timers and I/O on the one thread that drives it. Mirrors asyncio's
 * {@code AbstractEventLoop}.
 *
 * <p>There is no hidden loop thread: the thread that calls {@link #runForever()},
 * {@link #runUntilComplete} or {@link #runOnce()} runs the loop, as in asyncio. Underneath, each
 * loop owns a Netty {@code ManualIoEventLoop} built from its backend (selector, epoll, io_uring or
 * kqueue), so Netty channels registered on it run on the same thread.
 *
 * <pre>{@code
 * try (EventLoop loop = EventLoops.newEventLoop()) {      // backend chosen by the policy
 *     loop.callSoon(() -> System.out.println("first"));
 *     TimerHandle t = loop.callLater(Duration.ofSeconds(1), () -> System.out.println("never"));
 *     loop.callAt(loop.time() + 0.2, loop::stop);
 *     t.cancel();
 *     loop.runForever();                                  // prints "first", stops after 0.2 s
 * }
 * }</pre>
 *
 * <h2>One iteration</h2>
 * As asyncio's {@code _run_once}: drop cancelled timers from the head of the timer heap; poll I/O
 * without blocking if callbacks are ready or the loop is stopping, else until the earliest timer,
 * else until woken; move due timers to the ready queue; run the callbacks that were ready at that
 * moment, no more: callbacks they schedule run in the next iteration.
 *
 * <h2>Threads</h2>
 * Only {@link #callSoonThreadsafe}, {@link #stop()}, {@link Handle#cancel()} and the getters may be
 * called from other threads while the loop runs; the other scheduling methods then fail with an
 * {@link IllegalStateException} that says so. At most one loop runs on a thread at a time. The
 * Netty event loop underneath is bound to the first thread that runs this loop: run and close it on
 * that thread.
 *
 * <h2>Errors</h2>
 * An exception thrown by a callback goes to the {@linkplain #setExceptionHandler exception handler}
 * and the loop goes on. Once {@linkplain #close() closed}, the loop refuses new work with an
 * {@link IllegalStateException} whose message is {@code "event loop is closed"}.
 *
 * <p>evloop implements this interface, and every method that takes a loop refuses one evloop did
 * not make ({@link IllegalArgumentException}). To build a loop of one's own (asyncio's subclass of
 * the standard loop), extend {@link ForwardingEventLoop}, which forwards every call to one of
 * evloop's loops and is accepted everywhere a loop is.
 */
public interface EventLoop extends AutoCloseable {

    /**
     * Schedules a callback to run on the next iteration, after those already scheduled (FIFO).
     * Mirrors asyncio's {@code loop.call_soon}.
     *
     * @param callback what to run
     * @return a handle that can cancel it
     * @throws NullPointerException if {@code callback} is null
     * @throws IllegalStateException if the loop is closed, or runs on another thread
     */
    Handle callSoon(Runnable callback);

    /**
     * Like {@link #callSoon} but safe from any thread: wakes the loop if it is blocked polling.
     * Callbacks from one thread run in the order that thread submitted them.
     * Mirrors asyncio's {@code loop.call_soon_threadsafe}.
     *
     * @param callback what to run
     * @return a handle that can cancel it
     * @throws NullPointerException if {@code callback} is null
     * @throws IllegalStateException if the loop is closed
     */
    Handle callSoonThreadsafe(Runnable callback);

    /**
     * Schedules a callback after a delay. A zero or negative delay runs it as soon as possible, on
     * the next iteration after callbacks already ready. A delay of 73 years or more (up to
     * {@code ChronoUnit.FOREVER}) schedules a timer that never fires but can be cancelled; it
     * neither wakes the loop nor delays other timers. Timers due at the same time run in the order
     * they were scheduled; none runs before its deadline. Mirrors asyncio's {@code loop.call_later}.
     *
     * @param delay    how long to wait
     * @param callback what to run
     * @return a handle that can cancel it
     * @throws NullPointerException if an argument is null
     * @throws IllegalStateException if the loop is closed, or runs on another thread
     */
    TimerHandle callLater(Duration delay, Runnable callback);

    /**
     * Schedules a callback after a delay in seconds; see {@link #callLater(Duration, Runnable)}.
     * Mirrors asyncio's {@code loop.call_later(delay, callback)}.
     *
     * @param delaySeconds how long to wait, in seconds; zero or negative means as soon as possible,
     *                     73 years or more means never
     * @param callback     what to run
     * @return a handle that can cancel it
     * @throws IllegalArgumentException naming {@code delaySeconds} if it is NaN or infinite
     * @throws NullPointerException if {@code callback} is null
     * @throws IllegalStateException if the loop is closed, or runs on another thread
     */
    TimerHandle callLater(double delaySeconds, Runnable callback);

    /**
     * Schedules a callback at a time on the loop's clock ({@link #time()}). A time in the past runs
     * it as soon as possible; a time 73 years or more ahead of the clock's origin never comes (the
     * timer can still be cancelled). Mirrors asyncio's {@code loop.call_at}.
     *
     * @param when     when to run it, in seconds on the loop's clock
     * @param callback what to run
     * @return a handle that can cancel it
     * @throws IllegalArgumentException naming {@code when} if it is NaN or infinite
     * @throws NullPointerException if {@code callback} is null
     * @throws IllegalStateException if the loop is closed, or runs on another thread
     */
    TimerHandle callAt(double when, Runnable callback);

    /**
     * The loop's clock: monotonic seconds, shared by every loop in this JVM, with nanosecond
     * resolution. Mirrors asyncio's {@code loop.time()}.
     *
     * @return the current time in seconds
     */
    double time();

    /**
     * Runs the loop on the calling thread until {@link #stop()} is called. If {@code stop()} was
     * called before, runs one iteration. Mirrors asyncio's {@code loop.run_forever()}.
     *
     * <p>While it runs a loop that does I/O (from the first iteration after a socket, pipe or fd
     * is registered with the backend), Netty pools the objects it makes per write and per buffer
     * on the calling thread, as it does on its own event loop threads; when it returns (or throws)
     * what it pooled is released, and the thread's own Netty {@code FastThreadLocal} values are as
     * they were. A loop with only callbacks, timers and tasks runs without the pools, whose set-up
     * and release would be most of a short run's cost.
     *
     * @throws IllegalStateException if the loop is closed, already running, another loop runs on
     *                               this thread, or the loop is bound to another thread
     */
    void runForever();

    /**
     * Runs the loop until the future is done, then returns its result. Mirrors asyncio's
     * {@code loop.run_until_complete(future)}.
     *
     * @param future the future to wait for; it must belong to this loop
     * @param <T>    the result type
     * @return the future's result
     * @throws java.util.concurrent.CancellationException if the future was cancelled
     * @throws java.util.concurrent.CompletionException  carrying the future's exception if it was a
     *                                                   checked one; unchecked ones are thrown as is
     * @throws IllegalStateException if the loop stopped before the future was done, or cannot run
     *                               (see {@link #runForever()})
     * @throws IllegalArgumentException if the future belongs to another loop
     * @throws NullPointerException if {@code future} is null
     */
    <T> T runUntilComplete(LoopFuture<T> future);

    /**
     * Runs exactly one iteration, blocking in the poll as {@link #runForever()} would. Like libuv's
     * {@code UV_RUN_ONCE}. A pending {@link #stop()} keeps it from blocking and stays pending.
     * Unlike {@code runForever}, it does not let Netty pool its per-write objects on the thread:
     * setting the pools up and releasing them at every call would cost more than they save.
     *
     * @return the number of callbacks it ran
     * @throws IllegalStateException if the loop cannot run (see {@link #runForever()})
     */
    int runOnce();

    /**
     * Runs exactly one iteration. Like libuv's {@code UV_RUN_ONCE}, or {@code UV_RUN_NOWAIT}
     * when {@code block} is false.
     *
     * @param block whether the poll may wait for I/O or the next timer when no callback is ready
     * @return the number of callbacks it ran
     * @throws IllegalStateException if the loop cannot run (see {@link #runForever()})
     */
    int runOnce(boolean block);

    /**
     * Stops the loop after the current iteration. Safe from any thread: from another thread it
     * wakes the loop. Mirrors asyncio's {@code loop.stop()}.
     *
     * @throws IllegalStateException if the loop is closed
     */
    void stop();

    /**
     * Closes the loop: drops pending callbacks and timers and releases the backend's resources
     * (file descriptors, native memory). Closing twice is fine. Mirrors asyncio's
     * {@code loop.close()}.
     *
     * @throws IllegalStateException if the loop is running, or was run by another thread
     */
    @Override
    void close();

    /**
     * Whether a thread is running the loop now. Mirrors asyncio's {@code loop.is_running()}.
     *
     * @return {@code true} while running
     */
    boolean isRunning();

    /**
     * Whether {@link #close()} was called. Mirrors asyncio's {@code loop.is_closed()}.
     *
     * @return {@code true} once closed
     */
    boolean isClosed();

    /**
     * A new pending future bound to this loop. Mirrors asyncio's {@code loop.create_future()}.
     *
     * @param <T> the result type
     * @return the future
     * @throws IllegalStateException if the loop is closed
     */
    <T> LoopFuture<T> createFuture();

    /**
     * Starts a function as a task on this loop; its first step runs on the next iteration (or, with
     * an {@linkplain TaskFactory#eager() eager} task factory on a running loop, at once). The task
     * comes from the {@linkplain #setTaskFactory task factory} if one is set. Mirrors asyncio's
     * {@code loop.create_task(coro)}.
     *
     * @param callable the function; it may await futures and sleep
     * @param <T>      the result type
     * @return the task, which is also the future of its result
     * @throws NullPointerException if {@code callable} is null
     * @throws IllegalStateException if the loop is closed, or runs on another thread, or the
     *                               {@linkplain #setTaskFactory task factory} returned {@code null}
     *                               or a task of another loop
     */
    <T> Task<T> createTask(Callable<T> callable);

    /**
     * Starts a named task; see {@link #createTask(Callable)}. Mirrors asyncio's
     * {@code loop.create_task(coro, name=name)}.
     *
     * @param name     the task's name, or {@code null} for {@code "Task-N"}
     * @param callable the function
     * @param <T>      the result type
     * @return the task
     * @throws NullPointerException if {@code callable} is null
     * @throws IllegalStateException if the loop is closed, or runs on another thread
     */
    <T> Task<T> createTask(String name, Callable<T> callable);

    /**
     * Sets the factory that {@link #createTask} uses to make every task of this loop; {@code null}
     * restores the default, which makes {@code new Task<>(loop, name, callable)}. Mirrors asyncio's
     * {@code loop.set_task_factory(factory)}; {@link TaskFactory#eager()} is asyncio's
     * {@code eager_task_factory}. Tasks made before keep running as they were made.
     *
     * <pre>{@code
     * loop.setTaskFactory(TaskFactory.eager());
     * }</pre>
     *
     * @param factory the factory, or {@code null}
     * @throws IllegalStateException if the loop is closed, or runs on another thread
     */
    void setTaskFactory(TaskFactory factory);

    /**
     * The factory set by {@link #setTaskFactory}. Mirrors asyncio's {@code loop.get_task_factory()}.
     *
     * @return the factory, or {@code null} if the default is in use
     */
    TaskFactory getTaskFactory();

    /**
     * Runs a function as a task and runs the loop until it is done. Mirrors asyncio's
     * {@code loop.run_until_complete(coro)}.
     *
     * @param callable the function
     * @param <T>      the result type
     * @return the function's result
     * @throws java.util.concurrent.CancellationException if the task was cancelled
     * @throws java.util.concurrent.CompletionException  carrying a checked exception of the function
     * @throws NullPointerException if {@code callable} is null
     * @throws IllegalStateException if the loop cannot run (see {@link #runForever()})
     */
    <T> T runUntilComplete(Callable<T> callable);

    /**
     * Listens for TCP connections; each one gets a protocol from the factory and a transport.
     * Mirrors asyncio's {@code loop.create_server(protocol_factory, host, port, ...)}.
     *
     * <pre>{@code
     * Server server = loop.createServer(Echo::new, "127.0.0.1", 8888, SocketOptions.defaults()).await();
     * }</pre>
     *
     * @param protocolFactory makes the protocol of each connection
     * @param host            the address to listen on, a name or an IP literal; {@code null} for every
     *                        interface; a name listens on every address it resolves to, one
     *                        listener each, as asyncio does; an address no interface has is
     *                        skipped, and the server fails if none can be bound
     * @param port            the port; 0 picks a free one (see {@link Server#addresses()})
     * @param options         socket options
     * @return a future of the server, listening once it completes
     * @throws NullPointerException if {@code protocolFactory} or {@code options} is null
     * @throws IllegalArgumentException if {@code port} is out of range, or the TLS options do not
     *                                  fit a server (a client context, a server host name)
     * @throws IllegalStateException if the loop is closed
     */
    LoopFuture<Server> createServer(Supplier<? extends BaseProtocol> protocolFactory, String host, int port,
                                    SocketOptions options);

    /**
     * Puts TLS under a live connection, as a STARTTLS command does: the same transport and
     * protocol go on, encrypted, once the handshake is done. The side comes from the context
     * ({@link Tls#serverContext} or {@link Tls#clientContext()}); a client checks the server's
     * certificate against the connection's remote IP address. Mirrors asyncio's
     * {@code loop.start_tls(transport, protocol, sslcontext)}, except that asyncio returns a new
     * transport and evloop keeps the old one working.
     *
     * <pre>{@code
     * transport.write("STARTTLS\r\n".getBytes(US_ASCII));   // plain; leaves before the handshake
     * Transport secure = loop.startTls(transport, Tls.clientContext()).await();
     * }</pre>
     *
     * @param transport  a transport of this loop, not closing and not yet TLS
     * @param sslContext the TLS context
     * @return a future of the transport, completing after the handshake; if the handshake fails,
     *         it fails with its error and the connection is aborted
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code transport} does not belong to this loop
     */
    LoopFuture<Transport> startTls(Transport transport, SslContext sslContext);

    /**
     * {@link #startTls(Transport, SslContext)} with the name a client expects in the server's
     * certificate and a handshake timeout. Mirrors asyncio's
     * {@code loop.start_tls(..., server_hostname=, ssl_handshake_timeout=)}.
     *
     * @param transport        a transport of this loop, not closing and not yet TLS
     * @param sslContext       the TLS context
     * @param serverHostname   for a client, the name to send and check; {@code null} for the
     *                         remote IP address; must be {@code null} for a server
     * @param handshakeTimeout how long the handshake may take, positive, kept to the millisecond
     *                         rounded up; 73 years or more (up to {@code ChronoUnit.FOREVER})
     *                         means no limit
     * @return a future of the transport, completing after the handshake
     * @throws NullPointerException if {@code transport}, {@code sslContext} or
     *                              {@code handshakeTimeout} is null
     * @throws IllegalArgumentException if {@code transport} does not belong to this loop, a server
     *                                  context comes with a host name, or {@code handshakeTimeout}
     *                                  is zero or negative (the message names it)
     */
    LoopFuture<Transport> startTls(Transport transport, SslContext sslContext, String serverHostname,
                                   Duration handshakeTimeout);

    /**
     * Opens a TCP connection and gives it a protocol from the factory; the protocol's
     * {@code connectionMade} has run when the future completes (with {@link SocketOptions#ssl},
     * after the TLS handshake). Name resolution never blocks the loop (see {@link #resolve}); the
     * host's addresses are tried in order until one connects, and the factory runs once per
     * attempt (a failed attempt's protocol is never called). Mirrors asyncio's
     * {@code loop.create_connection(protocol_factory, host, port, ...)}.
     *
     * @param protocolFactory makes the connection's protocol
     * @param host            the peer, a name or an IP literal
     * @param port            the peer's port
     * @param options         socket options
     * @param <P>             the protocol type
     * @return a future of the transport and protocol; it fails with a
     *         {@link java.net.ConnectException} if the peer refuses: when every address fails,
     *         with the last one's error, carrying the earlier ones as suppressed exceptions; and
     *         with the handshake's {@link javax.net.ssl.SSLException} if TLS fails (an untrusted
     *         certificate, a wrong host), without trying further addresses; and with what
     *         {@code protocolFactory} throws, nothing left open (asyncio raises it from the
     *         {@code await}; unlike the pipe and subprocess methods, which throw it at the call)
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code port} is out of range, or the TLS options do not
     *                                  fit a client (a server context, a host name without TLS)
     * @throws IllegalStateException if the loop is closed
     */
    <P extends BaseProtocol> LoopFuture<Connection<P>> createConnection(Supplier<P> protocolFactory, String host,
                                                                      int port, SocketOptions options);

    /**
     * Calls {@code callback} on this loop's thread whenever the file descriptor is readable, until
     * {@link #removeReader(int)}; adding again for the same descriptor replaces the callback.
     * Level-triggered, as asyncio: the callback runs again on the next iteration while data is left
     * unread. A reader and a writer on one descriptor are independent. The callback runs like any
     * other (a throwing one goes to the {@linkplain #setExceptionHandler exception handler} and
     * stays registered); closing the loop removes every reader and writer. The descriptor stays
     * the caller's: evloop never closes it, and it should be removed before it is closed. Mirrors
     * asyncio's {@code loop.add_reader(fd, callback)}.
     *
     * <p>Native backends (epoll, io_uring, kqueue) watch file descriptors; the selector backend
     * watches {@link SelectableChannel}s instead (see
     * {@link #addReader(SelectableChannel, Runnable)}). A loop that has not run
     * yet belongs, from this call on, to the calling thread. Watching a pipe:
     *
     * <pre>{@code
     * FileDescriptor[] pipe = FileDescriptor.pipe();            // io.netty.channel.unix: {read end, write end}
     * ByteBuffer buf = ByteBuffer.allocateDirect(4096);
     * loop.addReader(pipe[0].intValue(), () -> {
     *     int n = pipe[0].read(buf.clear(), 0, buf.capacity()); // non-blocking: reads what is there
     *     if (n < 0) loop.removeReader(pipe[0].intValue());   // end of file: the writer closed
     * });
     * }</pre>
     *
     * @param fd       the file descriptor
     * @param callback what to run when it is readable
     * @throws IllegalArgumentException if {@code fd} is negative, not open, or of a kind the poller
     *                                  refuses (epoll refuses regular files)
     * @throws NullPointerException if {@code callback} is null
     * @throws UnsupportedOperationException on the selector backend, which watches channels
     * @throws IllegalStateException if the loop is closed, or runs on another thread
     */
    void addReader(int fd, Runnable callback);

    /**
     * Stops watching a file descriptor for reading; its writer, if any, stays. Mirrors asyncio's
     * {@code loop.remove_reader(fd)}.
     *
     * @param fd the file descriptor
     * @return whether it had a reader
     * @throws IllegalArgumentException if {@code fd} is negative
     * @throws IllegalStateException if the loop runs on another thread
     */
    boolean removeReader(int fd);

    /**
     * Calls {@code callback} on this loop's thread whenever the file descriptor is writable, until
     * {@link #removeWriter(int)}; otherwise as {@link #addReader(int, Runnable)}. Level-triggered: a
     * writer on a descriptor with room in its buffer runs every iteration, so remove it once the
     * data is out. Mirrors asyncio's {@code loop.add_writer(fd, callback)}.
     *
     * <pre>{@code
     * loop.addWriter(out.intValue(), () -> {                  // out: a FileDescriptor, pending: a direct buffer
     *     pending.position(pending.position() + out.write(pending, pending.position(), pending.limit()));
     *     if (!pending.hasRemaining()) loop.removeWriter(out.intValue());
     * });
     * }</pre>
     *
     * @param fd       the file descriptor
     * @param callback what to run when it is writable
     * @throws IllegalArgumentException if {@code fd} is negative, not open, or refused by the poller
     * @throws NullPointerException if {@code callback} is null
     * @throws UnsupportedOperationException on the selector backend, which watches channels
     * @throws IllegalStateException if the loop is closed, or runs on another thread
     */
    void addWriter(int fd, Runnable callback);

    /**
     * Stops watching a file descriptor for writing; its reader, if any, stays. Mirrors asyncio's
     * {@code loop.remove_writer(fd)}.
     *
     * @param fd the file descriptor
     * @return whether it had a writer
     * @throws IllegalArgumentException if {@code fd} is negative
     * @throws IllegalStateException if the loop runs on another thread
     */
    boolean removeWriter(int fd);

    /**
     * Calls {@code callback} on this loop's thread whenever the channel is readable (for a
     * {@link java.nio.channels.ServerSocketChannel}: has a connection to accept), until
     * {@link #removeReader(SelectableChannel)}; the rules are those of
     * {@link #addReader(int, Runnable)}. The selector backend's form of asyncio's
     * {@code loop.add_reader}, which accepts socket objects too.
     *
     * <pre>{@code
     * Pipe pipe = Pipe.open();
     * pipe.source().configureBlocking(false);
     * ByteBuffer buf = ByteBuffer.allocate(4096);
     * loop.addReader(pipe.source(), () -> {
     *     if (pipe.source().read(buf.clear()) < 0) loop.removeReader(pipe.source());
     * });
     * }</pre>
     *
     * @param channel  the channel, in non-blocking mode; evloop never closes it
     * @param callback what to run when it is readable
     * @throws IllegalArgumentException if the channel is closed or in blocking mode
     * @throws NullPointerException if an argument is null
     * @throws UnsupportedOperationException on native backends, which watch file descriptors
     * @throws IllegalStateException if the loop is closed, or runs on another thread
     */
    void addReader(SelectableChannel channel, Runnable callback);

    /**
     * Stops watching a channel for reading; its writer, if any, stays. Mirrors asyncio's
     * {@code loop.remove_reader}.
     *
     * @param channel the channel
     * @return whether it had a reader
     * @throws NullPointerException if {@code channel} is null
     * @throws IllegalStateException if the loop runs on another thread
     */
    boolean removeReader(SelectableChannel channel);

    /**
     * Calls {@code callback} on this loop's thread whenever the channel is writable (for a
     * {@link java.nio.channels.SocketChannel} still connecting: once the connection is made or has
     * failed), until {@link #removeWriter(SelectableChannel)}; the rules are those
     * of {@link #addWriter(int, Runnable)}. The selector backend's form of asyncio's
     * {@code loop.add_writer}.
     *
     * @param channel  the channel, in non-blocking mode; evloop never closes it
     * @param callback what to run when it is writable
     * @throws IllegalArgumentException if the channel is closed or in blocking mode
     * @throws NullPointerException if an argument is null
     * @throws UnsupportedOperationException on native backends, which watch file descriptors
     * @throws IllegalStateException if the loop is closed, or runs on another thread
     */
    void addWriter(SelectableChannel channel, Runnable callback);

    /**
     * Stops watching a channel for writing; its reader, if any, stays. Mirrors asyncio's
     * {@code loop.remove_writer}.
     *
     * @param channel the channel
     * @return whether it had a writer
     * @throws NullPointerException if {@code channel} is null
     * @throws IllegalStateException if the loop runs on another thread
     */
    boolean removeWriter(SelectableChannel channel);

    /**
     * Listens for connections on a Unix domain socket; each one gets a protocol from the factory
     * and a transport that behaves as a TCP one (flow control, {@code writeEof}), except where the
     * backend cannot write after the peer's end of stream (below). Mirrors asyncio's
     * {@code loop.create_unix_server(protocol_factory, path, ...)} with {@code cleanup_socket=True}.
     *
     * <pre>{@code
     * Server server = loop.createUnixServer(Echo::new, Path.of("/tmp/echo.sock"), SocketOptions.defaults()).await();
     * }</pre>
     *
     * <p>As in asyncio 3.13, a socket file already at {@code path} is removed first, a file of any
     * other kind makes the future fail with a {@link java.net.BindException} naming the path, and
     * closing the server removes its socket file. Of the options, the backlog, {@code startServing},
     * the buffer sizes and the extra Netty options apply; the TCP ones (no-delay, keep-alive,
     * address and port reuse) do not.
     *
     * <p>Every backend serves Unix sockets, but they differ on what follows the peer's
     * half-close. On epoll and kqueue the protocol hears {@code eofReceived} and the connection
     * stays writable, as with TCP: a server can read a request up to the client's
     * {@code writeEof} and then reply. On io_uring and selector it cannot: Netty 4.2.18's domain
     * socket channels there close the whole connection at the peer's end of stream. The protocol
     * then hears {@code eofReceived} followed by {@code connectionLost} (with an
     * {@link java.io.IOException} saying so if written data was still queued, else {@code null}),
     * and a write or {@code writeEof} after that throws an {@link IllegalStateException} naming
     * the limitation, so no reply is lost silently; a {@code StreamWriter}'s {@code drain} raises
     * as for any lost connection. Protocols that never write after the peer's EOF (each side
     * knows how much to read, or the client closes last) run alike everywhere.
     *
     * @param protocolFactory makes the protocol of each connection
     * @param path            the socket file; the OS limits its length (107 bytes on Linux)
     * @param options         socket options
     * @return a future of the server, listening once it completes; {@link Server#addresses()}
     *         reports the path's address
     * @throws NullPointerException if an argument is null
     * @throws UnsupportedOperationException if this loop's backend has no Unix domain sockets (each
     *         bundled one has them)
     * @throws IllegalStateException if the loop is closed
     */
    LoopFuture<Server> createUnixServer(Supplier<? extends BaseProtocol> protocolFactory, Path path,
                                        SocketOptions options);

    /**
     * Connects to a Unix domain socket and gives the connection a protocol from the factory; the
     * protocol's {@code connectionMade} has run when the future completes. Mirrors asyncio's
     * {@code loop.create_unix_connection(protocol_factory, path)}.
     *
     * <p>Of the options, the buffer sizes and the extra Netty options apply; the TCP ones do not.
     * As on the server side, the connection stays writable after the peer's half-close on epoll
     * and kqueue; on io_uring and selector the peer's end of stream ends it, reported as
     * {@code eofReceived} then {@code connectionLost}, and a later write throws an
     * {@link IllegalStateException} (see {@link #createUnixServer}).
     *
     * @param protocolFactory makes the connection's protocol
     * @param path            the server's socket file
     * @param options         socket options
     * @param <P>             the protocol type
     * @return a future of the transport and protocol; it fails with a
     *         {@link java.nio.file.NoSuchFileException} if there is no file at {@code path}, and with
     *         a {@link java.net.ConnectException} naming the path if nothing listens on it; and with
     *         what {@code protocolFactory} throws, nothing left open
     * @throws NullPointerException if an argument is null
     * @throws UnsupportedOperationException if this loop's backend has no Unix domain sockets (each
     *         bundled one has them)
     * @throws IllegalStateException if the loop is closed
     */
    <P extends BaseProtocol> LoopFuture<Connection<P>> createUnixConnection(Supplier<P> protocolFactory, Path path,
                                                                          SocketOptions options);

    /**
     * Opens a UDP endpoint and gives it a protocol from the factory; the protocol's
     * {@code connectionMade} has run when the future completes. With a remote address the
     * endpoint is connected: it sends there by default, hears only from there, and learns through
     * {@link DatagramProtocol#errorReceived} when nobody listens there. Names in either address
     * are resolved off the loop. Mirrors asyncio's
     * {@code loop.create_datagram_endpoint(protocol_factory, local_addr, remote_addr, ...)}.
     *
     * <pre>{@code
     * DatagramEndpoint<EchoServer> server = loop.createDatagramEndpoint(EchoServer::new,
     *         new InetSocketAddress("127.0.0.1", 9999), null, SocketOptions.defaults()).await();
     * }</pre>
     *
     * <p>Of the options, {@link SocketOptions#broadcast}, {@link SocketOptions#reusePort}, the
     * buffer sizes and the extra Netty options apply; SO_REUSEADDR is never set, as asyncio no
     * longer sets it for UDP (it would let another process steal the port's datagrams).
     *
     * @param protocolFactory makes the endpoint's protocol
     * @param localAddress    the address to bind; {@code null} for any port on every interface
     *                        (or, with a remote address, whatever the OS picks to reach it)
     * @param remoteAddress   the peer to connect to; {@code null} for an endpoint that sends
     *                        anywhere and hears from anyone
     * @param options         socket options
     * @param <P>             the protocol type
     * @return a future of the transport and protocol; it fails if the address cannot be bound
     *         or resolved, and with what {@code protocolFactory} throws, nothing left open
     * @throws NullPointerException if {@code protocolFactory} or {@code options} is null
     * @throws IllegalArgumentException if {@code options} has a
     *                                  {@link SocketOptions#localAddress(java.net.SocketAddress)}
     *                                  (pass it as {@code localAddress})
     * @throws UnsupportedOperationException if reusePort is asked and the backend cannot set it
     * @throws IllegalStateException if the loop is closed
     */
    <P extends DatagramProtocol> LoopFuture<DatagramEndpoint<P>> createDatagramEndpoint(
            Supplier<P> protocolFactory, InetSocketAddress localAddress, InetSocketAddress remoteAddress,
            SocketOptions options);

    /**
     * Connects the read end of a pipe to a protocol: asyncio's {@code connect_read_pipe}. The
     * protocol is handed the bytes as they arrive, {@code eofReceived} and then
     * {@code connectionLost(null)} when the writer closes; {@link Transport#pauseReading()} stops
     * reading, leaving the data in the pipe. On the selector backend the loop watches the channel
     * in non-blocking mode; the native backends watch {@code int} descriptors, which Java does not
     * expose for a {@code Pipe}'s channels, so there a platform thread reads it in blocking mode
     * and hands each chunk to the loop. Either way nothing blocks the loop's thread.
     *
     * <pre>{@code
     * Pipe pipe = Pipe.open();
     * Connection<Collect> c = loop.runUntilComplete(loop.connectReadPipe(Collect::new, pipe.source()));
     * }</pre>
     *
     * @param protocolFactory makes the protocol
     * @param pipe            the read end; the transport owns and closes it
     * @param <P>             the protocol's type
     * @return a future of the transport and protocol, set after {@code connectionMade};
     *         cancelling it before it is done closes the pipe, and the protocol is never called
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code pipe} is closed
     * @throws RuntimeException what {@code protocolFactory} throws; the pipe is left untouched
     */
    default <P extends Protocol> LoopFuture<Connection<P>> connectReadPipe(Supplier<P> protocolFactory,
            java.nio.channels.Pipe.SourceChannel pipe) {
        return PipeConnections.read(this, protocolFactory, pipe);
    }

    /**
     * Connects the write end of a pipe to a protocol: asyncio's {@code connect_write_pipe}. Writes
     * are buffered and sent as the pipe takes them; the protocol hears {@code pauseWriting} above
     * the high-water mark (64 KiB by default) and {@code resumeWriting} at the low one, and a
     * broken pipe as {@code connectionLost(error)}. {@link Transport#close()} closes the pipe after
     * the buffer is written. Backends as {@link #connectReadPipe}.
     *
     * @param protocolFactory makes the protocol
     * @param pipe            the write end; the transport owns and closes it
     * @param <P>             the protocol's type
     * @return a future of the transport and protocol, set after {@code connectionMade};
     *         cancelling it before it is done closes the pipe, and the protocol is never called
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code pipe} is closed
     * @throws RuntimeException what {@code protocolFactory} throws; the pipe is left untouched
     */
    default <P extends BaseProtocol> LoopFuture<Connection<P>> connectWritePipe(Supplier<P> protocolFactory,
            java.nio.channels.Pipe.SinkChannel pipe) {
        return PipeConnections.write(this, protocolFactory, pipe);
    }

    /**
     * Opens a FIFO (named pipe) or character device and connects it to a protocol as a read pipe:
     * asyncio's {@code connect_read_pipe} for a pipe the user already has, which asyncio takes as
     * a file object the user opened with {@code O_NONBLOCK} and Java takes by its path. Like
     * asyncio it refuses anything but a FIFO, socket or character device (a socket has no path
     * here). The transport behaves as {@link #connectReadPipe(Supplier,
     * java.nio.channels.Pipe.SourceChannel) the channel one}: bytes as they arrive, pause and resume,
     * {@code eofReceived} and {@code connectionLost(null)} once every writer closed the FIFO.
     *
     * <p>On the native backends on Linux (Java 22 or newer) the file is opened non-blocking and the
     * loop watches its descriptor: the open never waits, even with no writer yet (the end of file
     * then comes only after a writer came and went). Elsewhere (the selector backend) a platform
     * thread opens it in blocking mode, waiting there for a writer, and reads it. Either way nothing
     * blocks the loop's thread. A character device the poller refuses ({@code /dev/null} on epoll)
     * fails the future with the poller's error, the file closed.
     *
     * <pre>{@code
     * Connection<Collect> c = loop.runUntilComplete(loop.connectReadPipe(Collect::new, Path.of("/tmp/fifo")));
     * }</pre>
     *
     * @param protocolFactory makes the protocol, before the file is opened
     * @param path            the FIFO or character device, symbolic links followed; the transport
     *                        owns the descriptor it opens and closes it
     * @param <P>             the protocol's type
     * @return a future of the transport and protocol, set after {@code connectionMade};
     *         cancelling it before it is done closes the file, and the protocol is never called
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code path} is not a FIFO or character device
     * @throws java.io.UncheckedIOException if {@code path} does not exist or cannot be opened, its
     *                                      message naming it
     * @throws RuntimeException what {@code protocolFactory} throws; nothing is opened
     * @throws IllegalStateException if the loop is closed
     */
    default <P extends Protocol> LoopFuture<Connection<P>> connectReadPipe(Supplier<P> protocolFactory,
            java.nio.file.Path path) {
        return PipeConnections.read(this, protocolFactory, path);
    }

    /**
     * Opens a FIFO (named pipe) or character device and connects it to a protocol as a write
     * pipe: asyncio's {@code connect_write_pipe} for a pipe the user already has, taken by its
     * path (see {@link #connectReadPipe(Supplier, java.nio.file.Path)}). The transport behaves as
     * {@link #connectWritePipe(Supplier, java.nio.channels.Pipe.SinkChannel) the channel one}:
     * writes buffered, {@code pauseWriting} above the high-water mark, {@code drain} in streams,
     * a reader that left as {@code connectionLost(error)}.
     *
     * <p>On the native backends on Linux (Java 22 or newer) the file is opened non-blocking, as
     * POSIX opens a FIFO with {@code O_WRONLY|O_NONBLOCK}: a FIFO that no process has open for
     * reading is refused at the call ({@code ENXIO}, named in the message), as asyncio's user
     * sees it from {@code os.open}. Elsewhere (the selector backend) a platform thread opens it in
     * blocking mode at the first write, waiting there for a reader; what is written meanwhile waits
     * in the transport's buffer.
     *
     * <pre>{@code
     * Connection<BaseProtocol> c = loop.runUntilComplete(
     *         loop.connectWritePipe(() -> new BaseProtocol() { }, Path.of("/tmp/fifo")));
     * c.transport().write("hello\n".getBytes(StandardCharsets.UTF_8));
     * }</pre>
     *
     * @param protocolFactory makes the protocol, before the file is opened
     * @param path            the FIFO or character device, symbolic links followed; the transport
     *                        owns the descriptor it opens and closes it
     * @param <P>             the protocol's type
     * @return a future of the transport and protocol, set after {@code connectionMade};
     *         cancelling it before it is done closes the file, and the protocol is never called
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code path} is not a FIFO or character device
     * @throws java.io.UncheckedIOException if {@code path} does not exist or cannot be opened (a
     *                                      FIFO without a reader, on the native backends), its
     *                                      message naming it
     * @throws RuntimeException what {@code protocolFactory} throws; nothing is opened
     * @throws IllegalStateException if the loop is closed
     */
    default <P extends BaseProtocol> LoopFuture<Connection<P>> connectWritePipe(Supplier<P> protocolFactory,
            java.nio.file.Path path) {
        return PipeConnections.write(this, protocolFactory, path);
    }

    /**
     * Starts a child process running {@code command} (the program, then its arguments, looked up
     * on {@code PATH}): asyncio's {@code loop.subprocess_exec}. The JDK starts it; its piped
     * streams become transports read and written off the loop's thread, its exit is noticed
     * through {@link Process#onExit()}, and the protocol hears {@code processExited} at the exit
     * and {@code connectionLost} once the child's stdout and stderr reached their end too (see
     * {@link SubprocessProtocol}). When the
     * loop closes, the pipes are closed and a child still running is left running; a child whose
     * start the loop had not yet taken when it closed is killed (nobody could ever hold it) and
     * its pipes closed.
     *
     * <pre>{@code
     * SubprocessConnection<Collect> c = loop.runUntilComplete(
     *         loop.subprocessExec(Collect::new, List.of("ls", "-l"), SubprocessOptions.pipes()));
     * }</pre>
     *
     * @param protocolFactory makes the protocol
     * @param command         the program and its arguments, not empty
     * @param options         the streams, directory, environment
     * @param <P>             the protocol's type
     * @return a future of the transport and protocol, failed with an {@link java.io.IOException}
     *         naming the program if it cannot start (not found, not executable); cancelling it
     *         before it is done kills the child, which the JDK then reaps, and closes its pipes,
     *         and the protocol is never called
     * @throws NullPointerException if an argument or an element of {@code command} is null
     * @throws IllegalArgumentException if {@code command} is empty
     * @throws RuntimeException what {@code protocolFactory} throws; no child is started
     * @throws IllegalStateException if the loop is closed; no child is started
     */
    default <P extends SubprocessProtocol> LoopFuture<SubprocessConnection<P>> subprocessExec(
            Supplier<P> protocolFactory, List<String> command, SubprocessOptions options) {
        return ProcessTransport.start(this, protocolFactory, command, options);
    }

    /**
     * Starts {@code /bin/sh -c command}: asyncio's {@code loop.subprocess_shell}; otherwise as
     * {@link #subprocessExec}. Quote what the shell must not interpret.
     *
     * @param protocolFactory makes the protocol
     * @param command         the shell command line
     * @param options         the streams, directory, environment
     * @param <P>             the protocol's type
     * @return a future of the transport and protocol
     * @throws NullPointerException if an argument is null
     */
    default <P extends SubprocessProtocol> LoopFuture<SubprocessConnection<P>> subprocessShell(
            Supplier<P> protocolFactory, String command, SubprocessOptions options) {
        return ProcessTransport.start(this, protocolFactory,
                List.of("/bin/sh", "-c", java.util.Objects.requireNonNull(command, "command")), options);
    }

    /**
     * Resolves a host name to every address it has, without blocking the loop. An IP literal
     * ({@code "127.0.0.1"}, {@code "::1"}, {@code "[::1]"}) becomes its address at once, with no
     * lookup and no executor; a name is looked up with {@link java.net.InetAddress#getAllByName}
     * on the default executor (see {@link #setDefaultExecutor}). {@link #createConnection} uses it
     * and tries the addresses in order. Mirrors asyncio's {@code loop.getaddrinfo(host, port)}.
     *
     * <pre>{@code
     * List<InetSocketAddress> addresses = loop.resolve("localhost", 8080).await();
     * }</pre>
     *
     * @param host a name or an IP literal
     * @param port the port every address gets
     * @return a future of the addresses, in the resolver's order and never empty; it fails with
     *         a {@link java.net.UnknownHostException} if the name is unknown
     * @throws NullPointerException if {@code host} is null
     * @throws IllegalArgumentException if {@code port} is out of range
     * @throws IllegalStateException if the loop is closed
     */
    LoopFuture<List<InetSocketAddress>> resolve(String host, int port);

    /**
     * Runs a blocking function on an executor and returns a future of its result, completed on
     * this loop. Cancelling the future does not interrupt the function, as in asyncio. Mirrors
     * asyncio's {@code loop.run_in_executor(executor, func)}.
     *
     * <pre>{@code
     * LoopFuture<byte[]> bytes = loop.runInExecutor(null, () -> Files.readAllBytes(path));
     * }</pre>
     *
     * @param executor where to run it; {@code null} means the loop's default executor
     * @param function what to run
     * @param <T>      the result type
     * @return a future of the function's result or exception
     * @throws NullPointerException if {@code function} is null
     * @throws IllegalStateException if the loop is closed
     * @throws java.util.concurrent.RejectedExecutionException if the executor refuses the work
     */
    <T> LoopFuture<T> runInExecutor(Executor executor, Callable<T> function);

    /**
     * Sets the executor {@link #runInExecutor} uses when given {@code null}. Until one is set, the
     * loop makes a virtual-thread-per-task executor when first needed. The loop shuts its default
     * executor down when it closes, whoever made it. Mirrors asyncio's
     * {@code loop.set_default_executor}.
     *
     * @param executor the executor
     * @throws NullPointerException if {@code executor} is null
     * @throws IllegalStateException if the loop is closed
     */
    void setDefaultExecutor(Executor executor);

    /**
     * Shuts the default executor down and returns a future that completes when its work has
     * finished, or when {@code timeout} has passed (then a warning is logged). Mirrors asyncio's
     * {@code loop.shutdown_default_executor(timeout)}: zero or negative does not wait (the work
     * goes on, unwatched), 73 years or more (up to {@code ChronoUnit.FOREVER}) waits without
     * limit, as asyncio's {@code None}.
     *
     * @param timeout how long to wait for running work
     * @return a future completed on this loop
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalStateException if the loop is closed
     */
    LoopFuture<Void> shutdownDefaultExecutor(Duration timeout);

    /**
     * Runs a callback on this loop's thread whenever the process receives a signal; replaces the
     * loop's earlier handler for it. Mirrors asyncio's {@code loop.add_signal_handler(sig, callback)}.
     * Each loop's handler is its own registration: when several loops handle one signal, each
     * one's callback runs on its loop until that loop removes it or closes, whatever order the
     * loops add and remove theirs in. A callback that throws is reported to the exception handler,
     * the context's message naming the signal, and stays in place. Unlike asyncio, which allows it
     * only on the main thread, it may be called from any thread.
     *
     * <pre>{@code
     * loop.addSignalHandler("TERM", () -> Async.allTasks().forEach(Task::cancel));
     * }</pre>
     *
     * @param signal   the signal's name: {@code "INT"}, {@code "SIGTERM"}, ...
     * @param callback what to run
     * @throws IllegalArgumentException if the signal is unknown here, cannot be caught (KILL,
     *                                  STOP), or is one the JVM keeps for itself
     * @throws NullPointerException if an argument is null
     * @throws IllegalStateException if the loop is closed
     */
    void addSignalHandler(String signal, Runnable callback);

    /**
     * Removes this loop's handler for a signal; its callback does not run again, even for a signal
     * that came before the removal. Other loops' handlers for the signal stay; when the last one
     * goes, the process's disposition from before the first comes back. Closing the loop removes
     * all of its handlers. Mirrors asyncio's {@code loop.remove_signal_handler(sig)}.
     *
     * @param signal the signal's name
     * @return whether there was a handler to remove
     * @throws NullPointerException if {@code signal} is null
     */
    boolean removeSignalHandler(String signal);

    /**
     * Sets the handler for errors nobody else can take; {@code null} restores the default, which
     * logs. Mirrors asyncio's {@code loop.set_exception_handler}.
     *
     * @param handler the handler, or {@code null}
     */
    void setExceptionHandler(ExceptionHandler handler);

    /**
     * The handler set by {@link #setExceptionHandler}. Mirrors asyncio's
     * {@code loop.get_exception_handler()}.
     *
     * @return the custom handler, or {@code null} if the default is in use
     */
    ExceptionHandler getExceptionHandler();

    /**
     * Reports an error to the exception handler. Never throws: a failing handler is logged.
     * Mirrors asyncio's {@code loop.call_exception_handler(context)}.
     *
     * @param context what happened
     * @throws NullPointerException if {@code context} is null
     */
    void callExceptionHandler(ExceptionContext context);

    /**
     * The default handling: logs the message, the context's entries and the exception at ERROR
     * through {@link System.Logger} {@code "dev.evloop"}; in debug mode also where the failing
     * callback was scheduled. Mirrors asyncio's {@code loop.default_exception_handler(context)}.
     *
     * @param context what happened
     * @throws NullPointerException if {@code context} is null
     */
    void defaultExceptionHandler(ExceptionContext context);

    /**
     * Turns debug mode on or off. In debug mode the loop records where each callback was scheduled
     * and logs callbacks that run longer than {@link #slowCallbackDuration()}. The default is the
     * system property {@code loop.debug}. Mirrors asyncio's {@code loop.set_debug}.
     *
     * @param enabled {@code true} for debug mode
     */
    void setDebug(boolean enabled);

    /**
     * Whether debug mode is on. Mirrors asyncio's {@code loop.get_debug()}.
     *
     * @return {@code true} in debug mode
     */
    boolean isDebug();

    /**
     * Sets how long a callback may run before debug mode logs it as slow; 100 ms by default. Zero
     * logs every callback; 73 years or more (up to {@code ChronoUnit.FOREVER}) logs none.
     * Mirrors asyncio's {@code loop.slow_callback_duration}.
     *
     * @param duration the threshold
     * @throws NullPointerException if {@code duration} is null
     * @throws IllegalArgumentException naming {@code duration} if it is negative
     */
    void setSlowCallbackDuration(Duration duration);

    /**
     * The slow-callback threshold of debug mode.
     *
     * @return the threshold, as last set
     */
    Duration slowCallbackDuration();

    /**
     * Installs the observer this loop tells of its iterations, polls, callbacks and tasks; {@code null}
     * removes it. There is one observer per loop; to combine several, write one that forwards. The
     * change takes effect from the next iteration. Safe from any thread. Tokio's runtime hooks
     * ({@code Builder::on_before_task_poll} and friends) are the model; asyncio has none.
     *
     * <pre>{@code
     * loop.setObserver(new LoopObserver() {
     *     @Override public void taskCreated(Task<?> task) { created.increment(); }
     * });
     * }</pre>
     *
     * @param observer the observer, or {@code null}
     */
    void setObserver(LoopObserver observer);

    /**
     * The observer installed with {@link #setObserver}.
     *
     * @return the observer, or {@code null} if none
     */
    LoopObserver observer();

    /**
     * Turns the stall watchdog on or off. When on, a daemon thread logs (as a WARNING of
     * {@code System.Logger} {@code "dev.evloop.watchdog"}) each callback or task step that has held
     * the loop longer than {@code threshold}: the loop, the callback or task (with where it was made,
     * in debug mode), how long so far, and the stack of the code that runs, which names the blocking
     * call. The I/O callbacks a poll runs (protocols, transports, fd readers and writers) are
     * watched together, as one: the stack names the one that blocks. It logs again at 4, 16, 64... times the threshold while the stall lasts, and once when
     * it ends, with the total. {@code Duration.ZERO} turns it off. Without a call, the system
     * property {@code loop.watchdog} (such as {@code -Dloop.watchdog=200ms}) decides for new loops,
     * else debug mode turns it on at one second. Safe from any thread. Vert.x's blocked-thread
     * checker is the model; asyncio has none (its debug mode reports slow callbacks after they end).
     *
     * <pre>{@code
     * loop.setStallThreshold(Duration.ofMillis(200));
     * }</pre>
     *
     * @param threshold how long one callback or task step may run; zero for off
     * @throws NullPointerException if {@code threshold} is null
     * @throws IllegalArgumentException naming {@code threshold} if it is negative
     */
    void setStallThreshold(Duration threshold);

    /**
     * The stall watchdog's threshold in force: set, from {@code loop.watchdog}, or debug mode's.
     *
     * @return the threshold, {@code Duration.ZERO} when the watchdog is off
     */
    Duration stallThreshold();

    /**
     * The stream connections (TCP, TLS, Unix; client and server side) of this loop whose socket is
     * still open, in the order they opened: what a test checks for leaks at its end, as evloop's
     * {@code @LoopTest} does. asyncio keeps the same set privately ({@code _transports}, which
     * its "unclosed transport" warnings come from) and has no method for it. A connection leaves
     * the set when its socket closes, which is after {@link Transport#close()} has flushed its
     * writes, or at once on {@link Transport#abort()}.
     *
     * <pre>{@code
     * loop.openConnections().forEach(Transport::abort);
     * }</pre>
     *
     * @return a snapshot, which later opens and closes do not change
     * @throws IllegalStateException if called from another thread while the loop runs
     */
    Set<Transport> openConnections();

    /**
     * Every task of this loop that is not done, oldest first, as text: each task's name, state
     * ({@code suspended}, {@code running or ready}, {@code scheduled, not started}), age in seconds,
     * and where it waits (its stack, as {@link Task#getStack()}). asyncio has no method for it
     * ({@code all_tasks()} with {@code print_stack} on each is the nearest; aiomonitor's {@code ps}).
     *
     * <pre>{@code
     * loop.callSoonThreadsafe(() -> System.err.println(loop.dumpTasks()));
     * }</pre>
     *
     * @return the dump, several lines
     * @throws IllegalStateException if called from another thread while the loop runs
     */
    String dumpTasks();

    /**
     * Logs {@link #dumpTasks()} at INFO through {@code System.Logger} {@code "dev.evloop"}: what a
     * running server can do on a signal, as
     * {@code loop.addSignalHandler("USR1", loop::logTaskDump)} and then {@code kill -USR1 <pid>}.
     *
     * @throws IllegalStateException if called from another thread while the loop runs
     */
    void logTaskDump();

    /**
     * Counters of this loop: iterations, callbacks, timers, time spent polling.
     *
     * @return a snapshot
     */
    LoopMetrics metrics();

    /**
     * The name of the backend this loop polls I/O with, such as {@code "epoll"}.
     *
     * @return the backend's name
     */
    String backend();
}
