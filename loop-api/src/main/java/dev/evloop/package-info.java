/**
 * evloop: asyncio's event loop for Java, on Netty 4.2 with swappable I/O backends. This package is
 * the loop itself, its futures and tasks, and how a program gets a loop; the layers built on it
 * have packages of their own.
 *
 * <h2>What is here</h2>
 * <ul>
 *   <li><b>The loop:</b> {@link dev.evloop.EventLoop} (asyncio's {@code AbstractEventLoop}),
 *       {@link dev.evloop.Handle} and {@link dev.evloop.TimerHandle} for scheduled callbacks,
 *       {@link dev.evloop.LoopMetrics}, {@link dev.evloop.ExceptionHandler} and
 *       {@link dev.evloop.ExceptionContext} for errors nobody awaited.</li>
 *   <li><b>Futures and tasks:</b> {@link dev.evloop.LoopFuture} ({@code asyncio.Future}),
 *       {@link dev.evloop.Task}, {@link dev.evloop.TaskGroup}, and {@link dev.evloop.Async}, the
 *       module-level functions a task calls ({@code sleep}, {@code gather}, {@code waitFor},
 *       {@code timeout}, {@code openConnection}, ...).</li>
 *   <li><b>Getting and running a loop:</b> {@link dev.evloop.EventLoops} ({@code asyncio.run},
 *       {@code new_event_loop}, {@code get_running_loop}), {@link dev.evloop.Runner}, a loop on a
 *       thread of its own ({@link dev.evloop.BackgroundLoop}) or one per core
 *       ({@link dev.evloop.LoopGroup}), and the policy that picks the backend
 *       ({@link dev.evloop.EventLoopPolicy}, {@link dev.evloop.DefaultEventLoopPolicy},
 *       {@link dev.evloop.BackendInfo}).</li>
 *   <li><b>Testing:</b> {@link dev.evloop.VirtualClock}, a loop's clock that jumps to its next timer
 *       (Trio's {@code MockClock}, Tokio's {@code time::pause}); the {@code loop-test} module has
 *       the JUnit 5 annotation {@code @LoopTest}.</li>
 * </ul>
 *
 * <h2>Elsewhere</h2>
 * <ul>
 *   <li>{@link dev.evloop.sync}: locks, events, conditions, semaphores and queues for tasks.</li>
 *   <li>{@link dev.evloop.net}: protocols and transports, servers, socket options, TLS, datagrams.</li>
 *   <li>{@link dev.evloop.streams}: readers and writers over a connection, for tasks.</li>
 *   <li>{@link dev.evloop.process}: subprocesses, as protocols or as streams.</li>
 *   <li>{@link dev.evloop.spi}: what an I/O backend implements; users never need it.</li>
 * </ul>
 *
 * <pre>{@code
 * String greeting = EventLoops.run(() -> {
 *     Async.sleep(Duration.ofMillis(10));
 *     return "hello";
 * });
 * }</pre>
 *
 * <p>Interfaces a user implements: the protocols of {@link dev.evloop.net} and
 * {@link dev.evloop.process}, {@link dev.evloop.ExceptionHandler},
 * {@link dev.evloop.EventLoopPolicy}. The others ({@link dev.evloop.EventLoop}, the handles,
 * transports and servers) are implemented by evloop only, and evloop refuses a loop it did not
 * make.
 */
package dev.evloop;
