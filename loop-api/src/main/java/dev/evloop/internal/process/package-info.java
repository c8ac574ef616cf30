/**
 * Subprocesses and pipes under {@link dev.evloop.process}: asyncio's {@code base_subprocess.py} and
 * the pipe transports of {@code unix_events.py}.
 *
 * <ul>
 *   <li>{@link dev.evloop.internal.process.ProcessTransport}: one child, its pipes and its exit.</li>
 *   <li>{@link dev.evloop.internal.process.PipeConnections}: {@code connectReadPipe} and
 *       {@code connectWritePipe}, with the transports {@link dev.evloop.internal.process.ReadPipeTransport}
 *       and {@link dev.evloop.internal.process.WritePipeTransport} over a
 *       {@link dev.evloop.internal.process.PipeSource} or {@link dev.evloop.internal.process.PipeSink}.</li>
 *   <li>How the bytes move: {@link dev.evloop.internal.process.ChannelPipes} (a selectable pipe the
 *       backend watches) or {@link dev.evloop.internal.process.Pumps} (a stream the JDK only offers
 *       blocking, read and written off the loop thread).</li>
 * </ul>
 */
package dev.evloop.internal.process;
