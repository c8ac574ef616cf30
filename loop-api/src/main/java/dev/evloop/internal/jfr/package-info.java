/**
 * evloop's JDK Flight Recorder events, all in the {@code evloop} category:
 * {@link dev.evloop.internal.jfr.SlowCallbackEvent}, {@link dev.evloop.internal.jfr.StallEvent},
 * {@link dev.evloop.internal.jfr.PollEvent} (off by default),
 * {@link dev.evloop.internal.jfr.TaskCreatedEvent}, {@link dev.evloop.internal.jfr.TaskDoneEvent},
 * {@link dev.evloop.internal.jfr.ConnectionEvent} and the periodic
 * {@link dev.evloop.internal.jfr.LoopMetricsEvent}. {@link dev.evloop.internal.jfr.Recordings}
 * tells the loops when a recording starts or stops, so that a loop watches itself for JFR only
 * while one runs.
 */
package dev.evloop.internal.jfr;
