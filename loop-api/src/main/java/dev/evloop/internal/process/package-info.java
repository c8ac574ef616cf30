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
 *   <li>How the bytes move: {@link dev.evloop.internal.process.WatchedPipes} (a pipe end the loop
 *       watches: a selectable channel, the loop's end of a child's pipe made by the backend's
 *       {@link dev.evloop.spi.ChildPipes}, or a FIFO opened by its {@link dev.evloop.spi.PipeFiles})
 *       or {@link dev.evloop.internal.process.Pumps} (a stream the JDK only offers blocking, read and
 *       written off the loop thread; a FIFO's through {@link dev.evloop.internal.process.PipeFileStreams}),
 *       the fallback.</li>
 * </ul>
 */
package dev.evloop.internal.process;
