package dev.evloop;

/**
 * How a loop runs its tasks; see {@link Task}. Both modes give the same API, the same order of
 * steps and the same cancellation semantics; they differ in what a blocking JDK call inside a task
 * does. asyncio has one mode, the fallback's.
 *
 * <pre>{@code
 * System.out.println(loop.metrics().taskMode());   // FAST when the JVM has the flag
 * }</pre>
 */
public enum TaskMode {
    /**
     * Each task is a virtual thread whose scheduler is its loop: its steps run on the loop thread,
     * and a blocking JDK call ({@code Thread.sleep}, a socket read, a lock) parks that task only.
     * Needs {@code --add-opens java.base/java.lang=ALL-UNNAMED}.
     */
    FAST,
    /**
     * Each task is an ordinary virtual thread that runs only while the loop thread hands it the
     * baton, so tasks and callbacks still never overlap; a blocking JDK call inside a task then
     * stalls the loop, as it would in asyncio, and debug mode reports it as a slow step.
     */
    FALLBACK
}
