package dev.evloop.conformance;

import dev.evloop.EventLoop;
import dev.evloop.LoopFuture;
import dev.evloop.Task;



/**
 * Runs a step of a task and then a callback in one loop iteration, with no poll between them, so
 * no flush either: how a callback meets what a task has just written and the loop's thread has
 * not yet handed to the channel.
 */
final class SameIteration {
    private SameIteration() {
    }

    /** Runs {@code inTask} in a task, then {@code callback}, in one iteration; rethrows a failure of either. */
    static void taskThenCallback(EventLoop loop, Runnable inTask, Runnable callback) {
        LoopFuture<Void> waiting = loop.createFuture();
        LoopFuture<Void> go = loop.createFuture();
        LoopFuture<Void> called = loop.createFuture();
        Task<Void> task = loop.createTask(() -> {
            waiting.setResult(null);
            go.await();
            inTask.run();
            return null;
        });
        waiting.addDoneCallback(f -> { // the task is suspended in go.await()
            go.setResult(null); // its next step joins the ready queue at once...
            loop.callSoon(() -> { // ...and the callback right behind it
                try {
                    callback.run();
                    called.setResult(null);
                } catch (RuntimeException e) {
                    called.setException(e);
                }
            });
        });
        loop.runUntilComplete(task);
        loop.runUntilComplete(called);
    }
}
