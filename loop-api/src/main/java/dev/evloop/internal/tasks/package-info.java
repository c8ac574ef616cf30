/**
 * How a task runs: asyncio's {@code tasks.py} below the public {@link dev.evloop.Task}. A task is a
 * thread that takes strict turns with its loop.
 *
 * <ul>
 *   <li>{@link dev.evloop.internal.tasks.LoopTasks}: one loop's tasks and the mode they run in.</li>
 *   <li>{@link dev.evloop.internal.tasks.TaskRun}: one task's turns, in either mode:
 *       {@link dev.evloop.internal.tasks.VirtualThreadTasks} (fast: a virtual thread whose
 *       scheduler is the loop) or {@link dev.evloop.internal.tasks.BatonTasks} (fallback: a
 *       virtual thread handed a baton).</li>
 *   <li>{@link dev.evloop.internal.tasks.TaskModes}: which mode new loops get, and why.</li>
 *   <li>{@link dev.evloop.internal.tasks.Suspension}: a reusable place to wait, for an object that
 *       waits again and again (a stream reader) without a future per wait.</li>
 * </ul>
 */
package dev.evloop.internal.tasks;
