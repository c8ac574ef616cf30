/**
 * The core every loop shares, whatever its backend: scheduling, as asyncio's
 * {@code base_events.py}. Not exported; the public API reaches it through {@link
 * dev.evloop.internal.LoopCore}.
 *
 * <ul>
 *   <li>{@link dev.evloop.internal.BaseEventLoop}: the loop proper, the iteration
 *       ({@code _run_once}), running, stopping, closing and the thread it is bound to.</li>
 *   <li>What it schedules: {@link dev.evloop.internal.ReadyQueue} (the ready ring),
 *       {@link dev.evloop.internal.TimerQueue} (the timer heap), the handles
 *       ({@link dev.evloop.internal.SoonHandle}, {@link dev.evloop.internal.CallbackHandle},
 *       {@link dev.evloop.internal.ScheduledCallback}, {@link dev.evloop.internal.ThreadsafeCallback}),
 *       {@link dev.evloop.internal.LoopClock}, {@link dev.evloop.internal.VirtualTime} (the state of a
 *       {@code VirtualClock}: a loop's clock under test) and {@link dev.evloop.internal.Durations}.</li>
 *   <li>Its other concerns, one class each: {@link dev.evloop.internal.LoopContext} (which loop and
 *       task a thread belongs to), {@link dev.evloop.internal.ExceptionReporting},
 *       {@link dev.evloop.internal.DebugMode} (slow callbacks, creation sites),
 *       {@link dev.evloop.internal.DefaultExecutor}, {@link dev.evloop.internal.FdWatchers}
 *       ({@code addReader}/{@code addWriter}) and {@link dev.evloop.internal.SignalHandlers}.</li>
 * </ul>
 *
 * <h2>Layers below</h2>
 * <ul>
 *   <li>{@link dev.evloop.internal.tasks}: how a task's thread takes turns with its loop.</li>
 *   <li>{@link dev.evloop.internal.net}: transports, servers, writes, TLS, Unix sockets, datagrams,
 *       name resolution and sendfile, over Netty channels: asyncio's {@code selector_events.py}.</li>
 *   <li>{@link dev.evloop.internal.process}: subprocesses and pipe transports.</li>
 *   <li>{@link dev.evloop.internal.choice}: which backend a new loop gets, and the on-host
 *       calibration.</li>
 * </ul>
 *
 * <h2>Where a new facility goes</h2>
 * <ol>
 *   <li>Its public types, in the package of its layer ({@code dev.evloop.net}, ...), each with the
 *       asyncio name it mirrors.</li>
 *   <li>The {@link dev.evloop.EventLoop} method, if it is one, and its implementation in
 *       {@code BaseEventLoop}: argument checks, closed and thread checks, then one call.</li>
 *   <li>The facility itself, in a class of its own in the internal package of its layer.</li>
 *   <li>Where backends differ, a default method on {@link dev.evloop.spi.LoopBackend} that the
 *       backends override, never a test of the backend's name.</li>
 *   <li>Its conformance test in {@code loop-conformance}, which runs once per backend and task
 *       mode, using only the public API.</li>
 * </ol>
 */
package dev.evloop.internal;
