package dev.evloop;

import dev.evloop.internal.LoopCore;
import dev.evloop.net.BaseProtocol;
import dev.evloop.net.Connection;
import dev.evloop.net.DatagramEndpoint;
import dev.evloop.net.DatagramProtocol;
import dev.evloop.net.Protocol;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.net.Transport;
import dev.evloop.process.SubprocessConnection;
import dev.evloop.process.SubprocessOptions;
import dev.evloop.process.SubprocessProtocol;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * An event loop of one's own, built on one of evloop's: every call is forwarded to the loop
 * underneath, and a subclass overrides what it wants to change, as an asyncio user subclasses
 * {@code asyncio.SelectorEventLoop} (the Java shape is Guava's {@code ForwardingObject}).
 *
 * <pre>{@code
 * final class CountingLoop extends ForwardingEventLoop {
 *     long scheduled;
 *     CountingLoop(EventLoop loop) { super(loop); }
 *     @Override public Handle callSoon(Runnable callback) {
 *         scheduled++;
 *         return super.callSoon(callback);
 *     }
 * }
 * try (EventLoop loop = new CountingLoop(EventLoops.newEventLoop())) {
 *     loop.runUntilComplete(() -> { Async.sleep(0.01); return null; });
 * }
 * }</pre>
 *
 * <h2>The decorator is the loop</h2>
 * Once made, the decorator is the loop everyone sees: {@link EventLoops#getRunningLoop()},
 * {@link Async#currentLoop()}, {@link LoopFuture#loop()} and {@link Task#loop()} answer with it
 * inside its tasks and callbacks, and every method that takes a loop ({@code Task} and
 * {@code LoopFuture} constructors, {@link EventLoops#run(Callable, Supplier)}, {@link Runner},
 * {@link EventLoopPolicy#setEventLoop}, a policy's {@code newEventLoop} for {@link LoopGroup} and
 * {@link BackgroundLoop}) accepts it. Decorators stack: a decorator of a decorator is the
 * outermost, and each one sees every call once.
 *
 * <h2>Which of evloop's own calls go through it</h2>
 * As asyncio's loop calls {@code self.call_soon} where a subclass can see it, evloop makes these
 * calls on the decorator, so an override sees them:
 * <ul>
 * <li>{@link #callSoon} (or, from outside the running loop: another thread, or before the loop
 *     runs, {@link #callSoonThreadsafe}) for every step of
 *     every task (asyncio's {@code Task.__step}): its first, each one after an await, and each
 *     {@link Async#yieldNow()}; the callback's {@code toString()} is {@code "step of task NAME"};</li>
 * <li>{@link #callSoon} (or, from outside, {@link #callSoonThreadsafe}) for every done callback of every future
 *     (asyncio's {@code Future.__schedule_callbacks});</li>
 * <li>{@link #callLater} for {@link Async#sleep}, {@link Async#timeout}, {@link Async#waitFor} and
 *     {@link Async#wait} (asyncio's {@code sleep} and {@code timeout} call {@code loop.call_later}
 *     and {@code call_at});</li>
 * <li>{@link #createTask} for {@link Async#spawn}, {@link TaskGroup}, {@link #runUntilComplete(Callable)},
 *     {@link EventLoops#run} and the stream servers' handlers (asyncio's {@code ensure_future} and
 *     {@code create_task} call {@code loop.create_task}).</li>
 * </ul>
 * I/O callbacks (protocols, readers and writers, signal handlers) run straight from the poll, not
 * through {@code callSoon}, as in uvloop. An eager task's first step (see {@link TaskFactory#eager()})
 * runs inside {@code createTask}, through no scheduling call, as in asyncio.
 *
 * <p>An override must schedule what it is given, or throw: a task step it drops leaves that task
 * suspended for good, as an asyncio {@code call_soon} that drops {@code __step} would. It may run a
 * callback later than asked, or in another order (a priority loop does), as long as it runs it on
 * the loop's thread through the loop underneath. The guarantees of the loop underneath (ordering,
 * thread rules, the closed loop's errors) then hold through the decorator.
 *
 * <h2>Rules</h2>
 * Wrap a loop before it runs and before it has tasks; a loop can have one front at a time, so
 * wrap the outermost decorator, not the loop under it. Close the decorator (or the loop: they are
 * one loop).
 */
public abstract class ForwardingEventLoop implements EventLoop {
    private final EventLoop delegate;

    /**
     * Decorates a loop, which from now on is seen as this one.
     *
     * @param delegate an evloop loop, or the outermost decorator of one
     * @throws NullPointerException if {@code delegate} is null
     * @throws IllegalArgumentException if evloop did not make the loop, or {@code delegate} is
     *                                  already decorated (decorate the decorator instead)
     * @throws IllegalStateException if the loop is closed, running, or has unfinished tasks
     */
    // The core keeps a reference to this decorator before a subclass's constructor has run. It
    // calls it once the loop is used (it runs, or makes a task), which can come only afterwards,
    // unless another thread completes a future of the loop meanwhile: decorate a loop before
    // sharing its futures, as the class description says.
    @SuppressWarnings("this-escape")
    protected ForwardingEventLoop(EventLoop delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        LoopCore.of(delegate).decorate(delegate, this);
    }

    /**
     * The loop this one forwards to.
     *
     * @return the loop given to the constructor
     */
    public final EventLoop delegate() {
        return delegate;
    }

    @Override
    public Handle callSoon(Runnable callback) {
        return delegate.callSoon(callback);
    }

    @Override
    public Handle callSoonThreadsafe(Runnable callback) {
        return delegate.callSoonThreadsafe(callback);
    }

    @Override
    public TimerHandle callLater(Duration delay, Runnable callback) {
        return delegate.callLater(delay, callback);
    }

    @Override
    public TimerHandle callLater(double delaySeconds, Runnable callback) {
        return delegate.callLater(delaySeconds, callback);
    }

    @Override
    public TimerHandle callAt(double when, Runnable callback) {
        return delegate.callAt(when, callback);
    }

    @Override
    public double time() {
        return delegate.time();
    }

    @Override
    public void runForever() {
        delegate.runForever();
    }

    @Override
    public <T> T runUntilComplete(LoopFuture<T> future) {
        return delegate.runUntilComplete(future);
    }

    @Override
    public int runOnce() {
        return delegate.runOnce();
    }

    @Override
    public int runOnce(boolean block) {
        return delegate.runOnce(block);
    }

    @Override
    public void stop() {
        delegate.stop();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public boolean isRunning() {
        return delegate.isRunning();
    }

    @Override
    public boolean isClosed() {
        return delegate.isClosed();
    }

    @Override
    public <T> LoopFuture<T> createFuture() {
        return delegate.createFuture();
    }

    @Override
    public <T> Task<T> createTask(Callable<T> callable) {
        return delegate.createTask(callable);
    }

    @Override
    public <T> Task<T> createTask(String name, Callable<T> callable) {
        return delegate.createTask(name, callable);
    }

    @Override
    public void setTaskFactory(TaskFactory factory) {
        delegate.setTaskFactory(factory);
    }

    @Override
    public TaskFactory getTaskFactory() {
        return delegate.getTaskFactory();
    }

    @Override
    public <T> T runUntilComplete(Callable<T> callable) {
        return delegate.runUntilComplete(callable);
    }

    @Override
    public LoopFuture<Server> createServer(Supplier<? extends BaseProtocol> protocolFactory, String host, int port,
                                           SocketOptions options) {
        return delegate.createServer(protocolFactory, host, port, options);
    }

    @Override
    public LoopFuture<Transport> startTls(Transport transport, SslContext sslContext) {
        return delegate.startTls(transport, sslContext);
    }

    @Override
    public LoopFuture<Transport> startTls(Transport transport, SslContext sslContext, String serverHostname,
                                          Duration handshakeTimeout) {
        return delegate.startTls(transport, sslContext, serverHostname, handshakeTimeout);
    }

    @Override
    public <P extends BaseProtocol> LoopFuture<Connection<P>> createConnection(Supplier<P> protocolFactory,
                                                                             String host, int port,
                                                                             SocketOptions options) {
        return delegate.createConnection(protocolFactory, host, port, options);
    }

    @Override
    public void addReader(int fd, Runnable callback) {
        delegate.addReader(fd, callback);
    }

    @Override
    public boolean removeReader(int fd) {
        return delegate.removeReader(fd);
    }

    @Override
    public void addWriter(int fd, Runnable callback) {
        delegate.addWriter(fd, callback);
    }

    @Override
    public boolean removeWriter(int fd) {
        return delegate.removeWriter(fd);
    }

    @Override
    public void addReader(SelectableChannel channel, Runnable callback) {
        delegate.addReader(channel, callback);
    }

    @Override
    public boolean removeReader(SelectableChannel channel) {
        return delegate.removeReader(channel);
    }

    @Override
    public void addWriter(SelectableChannel channel, Runnable callback) {
        delegate.addWriter(channel, callback);
    }

    @Override
    public boolean removeWriter(SelectableChannel channel) {
        return delegate.removeWriter(channel);
    }

    @Override
    public LoopFuture<Server> createUnixServer(Supplier<? extends BaseProtocol> protocolFactory, Path path,
                                               SocketOptions options) {
        return delegate.createUnixServer(protocolFactory, path, options);
    }

    @Override
    public <P extends BaseProtocol> LoopFuture<Connection<P>> createUnixConnection(Supplier<P> protocolFactory,
                                                                                 Path path, SocketOptions options) {
        return delegate.createUnixConnection(protocolFactory, path, options);
    }

    @Override
    public <P extends DatagramProtocol> LoopFuture<DatagramEndpoint<P>> createDatagramEndpoint(
            Supplier<P> protocolFactory, InetSocketAddress localAddress, InetSocketAddress remoteAddress,
            SocketOptions options) {
        return delegate.createDatagramEndpoint(protocolFactory, localAddress, remoteAddress, options);
    }

    @Override
    public <P extends Protocol> LoopFuture<Connection<P>> connectReadPipe(Supplier<P> protocolFactory,
                                                                        Pipe.SourceChannel pipe) {
        return delegate.connectReadPipe(protocolFactory, pipe);
    }

    @Override
    public <P extends BaseProtocol> LoopFuture<Connection<P>> connectWritePipe(Supplier<P> protocolFactory,
                                                                             Pipe.SinkChannel pipe) {
        return delegate.connectWritePipe(protocolFactory, pipe);
    }

    @Override
    public <P extends Protocol> LoopFuture<Connection<P>> connectReadPipe(Supplier<P> protocolFactory,
                                                                        java.nio.file.Path path) {
        return delegate.connectReadPipe(protocolFactory, path);
    }

    @Override
    public <P extends BaseProtocol> LoopFuture<Connection<P>> connectWritePipe(Supplier<P> protocolFactory,
                                                                             java.nio.file.Path path) {
        return delegate.connectWritePipe(protocolFactory, path);
    }

    @Override
    public <P extends SubprocessProtocol> LoopFuture<SubprocessConnection<P>> subprocessExec(
            Supplier<P> protocolFactory, List<String> command, SubprocessOptions options) {
        return delegate.subprocessExec(protocolFactory, command, options);
    }

    @Override
    public <P extends SubprocessProtocol> LoopFuture<SubprocessConnection<P>> subprocessShell(
            Supplier<P> protocolFactory, String command, SubprocessOptions options) {
        return delegate.subprocessShell(protocolFactory, command, options);
    }

    @Override
    public LoopFuture<List<InetSocketAddress>> resolve(String host, int port) {
        return delegate.resolve(host, port);
    }

    @Override
    public <T> LoopFuture<T> runInExecutor(Executor executor, Callable<T> function) {
        return delegate.runInExecutor(executor, function);
    }

    @Override
    public void setDefaultExecutor(Executor executor) {
        delegate.setDefaultExecutor(executor);
    }

    @Override
    public LoopFuture<Void> shutdownDefaultExecutor(Duration timeout) {
        return delegate.shutdownDefaultExecutor(timeout);
    }

    @Override
    public void addSignalHandler(String signal, Runnable callback) {
        delegate.addSignalHandler(signal, callback);
    }

    @Override
    public boolean removeSignalHandler(String signal) {
        return delegate.removeSignalHandler(signal);
    }

    @Override
    public void setExceptionHandler(ExceptionHandler handler) {
        delegate.setExceptionHandler(handler);
    }

    @Override
    public ExceptionHandler getExceptionHandler() {
        return delegate.getExceptionHandler();
    }

    @Override
    public void callExceptionHandler(ExceptionContext context) {
        delegate.callExceptionHandler(context);
    }

    @Override
    public void defaultExceptionHandler(ExceptionContext context) {
        delegate.defaultExceptionHandler(context);
    }

    @Override
    public void setDebug(boolean enabled) {
        delegate.setDebug(enabled);
    }

    @Override
    public boolean isDebug() {
        return delegate.isDebug();
    }

    @Override
    public void setSlowCallbackDuration(Duration duration) {
        delegate.setSlowCallbackDuration(duration);
    }

    @Override
    public Duration slowCallbackDuration() {
        return delegate.slowCallbackDuration();
    }

    @Override
    public void setObserver(LoopObserver observer) {
        delegate.setObserver(observer);
    }

    @Override
    public LoopObserver observer() {
        return delegate.observer();
    }

    @Override
    public void setStallThreshold(Duration threshold) {
        delegate.setStallThreshold(threshold);
    }

    @Override
    public Duration stallThreshold() {
        return delegate.stallThreshold();
    }

    @Override
    public Set<Transport> openConnections() {
        return delegate.openConnections();
    }

    @Override
    public String dumpTasks() {
        return delegate.dumpTasks();
    }

    @Override
    public void logTaskDump() {
        delegate.logTaskDump();
    }

    @Override
    public LoopMetrics metrics() {
        return delegate.metrics();
    }

    @Override
    public String backend() {
        return delegate.backend();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + delegate + "]";
    }
}
