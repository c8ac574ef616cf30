/**
 * Subprocesses: asyncio's {@code subprocess.py} and {@code base_subprocess.py}. A child's pipes
 * never block the loop: each backend watches them or pumps them off the loop thread.
 *
 * <ul>
 *   <li>As streams, for tasks: {@link dev.evloop.process.Subprocess}, from
 *       {@link dev.evloop.Async#createSubprocessExec} and
 *       {@link dev.evloop.Async#createSubprocessShell}.</li>
 *   <li>As a protocol: {@link dev.evloop.process.SubprocessProtocol} (what a user implements) and
 *       {@link dev.evloop.process.SubprocessTransport}, paired in a
 *       {@link dev.evloop.process.SubprocessConnection} by {@link dev.evloop.EventLoop#subprocessExec}.</li>
 *   <li>{@link dev.evloop.process.SubprocessOptions}: each pipe's {@code PIPE}, {@code DEVNULL},
 *       {@code STDOUT} or inherit, the directory and the environment.</li>
 * </ul>
 *
 * <pre>{@code
 * Subprocess p = Async.createSubprocessExec(List.of("ls", "-l"), SubprocessOptions.pipes());
 * byte[] listing = p.stdout().read();
 * int status = p.waitFor();
 * }</pre>
 */
package dev.evloop.process;
