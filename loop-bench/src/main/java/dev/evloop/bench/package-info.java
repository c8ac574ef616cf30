/**
 * evloop's commands and benchmarks: {@code ./evloop report}, {@code bench} and {@code calibrate}.
 *
 * <ul>
 *   <li>{@link dev.evloop.bench.Info}: the backend report, {@code ./evloop report}.</li>
 *   <li>{@link dev.evloop.bench.Compare}: {@code ./evloop bench}, the echo comparison measured from
 *       outside ({@code EchoComparison}, {@code EchoProcesses}: every server in a JVM of its own,
 *       driven in turns by one load client in another, {@code EchoLoadMain}), the HTTP comparison
 *       ({@code HttpComparison}: the HttpServer example against raw Netty's HTTP server,
 *       {@link dev.evloop.bench.NettyHttpServerMain}, measured the same way) and the JMH suites
 *       ({@link dev.evloop.bench.SchedulerBenchmark}, {@link dev.evloop.bench.TaskBenchmark}), written
 *       up by {@code Report}; {@code EchoPlacement} is the check of what the retired in-process echo
 *       suite measured differently.</li>
 *   <li>{@link dev.evloop.bench.Calibrate}: {@code ./evloop calibrate}, one shape measured the same
 *       way, written for the default policy.</li>
 *   <li>{@link dev.evloop.bench.EchoServerMain}: an echo server in every style, for outside load
 *       generators.</li>
 * </ul>
 */
package dev.evloop.bench;
