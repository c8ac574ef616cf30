package dev.evloop;

import java.time.Duration;

/**
 * Counters of one event loop since it was created, from {@link EventLoop#metrics()}. asyncio has no
 * counterpart; libuv's {@code uv_metrics_info} is the nearest.
 *
 * <pre>{@code
 * LoopMetrics m = loop.metrics();
 * System.out.printf("%d iterations, %d polls, %d callbacks, %s polling%n",
 *         m.iterations(), m.polls(), m.callbacksRun(), m.pollTime());
 * }</pre>
 *
 * <p>A snapshot: exact when taken on the loop's thread, approximate from another one.
 *
 * @param iterations      loop iterations run
 * @param polls           I/O polls made; fewer than iterations when a busy loop deferred some
 *                        (after a poll that found nothing, {@code runForever} polls again after
 *                        20 microseconds while callbacks are ready, or up to 64 iterations later
 *                        when iterations turn slow)
 * @param callbacksRun    callbacks run, timers included, cancelled ones not
 * @param timersFired     timers whose callback ran
 * @param timersCancelled timers cancelled before they fired
 * @param pollTime        time spent in the backend's poll, including the I/O events it dispatched
 * @param readyCallbacks  callbacks waiting to run now
 * @param scheduledTimers timers held by the loop, cancelled ones not yet dropped included
 * @param taskMode        how the loop runs its tasks
 */
public record LoopMetrics(
        long iterations,
        long polls,
        long callbacksRun,
        long timersFired,
        long timersCancelled,
        Duration pollTime,
        int readyCallbacks,
        int scheduledTimers,
        TaskMode taskMode) {
}
