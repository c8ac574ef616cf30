package dev.evloop.internal.jfr;

import dev.evloop.Task;
import jdk.jfr.Category;
import jdk.jfr.Label;
import jdk.jfr.Name;

/**
 * A task was created; the stack says where. Committed straight from the loop: without a recording
 * the event's class is not instrumented and the check costs nothing once compiled.
 */
@Name("evloop.TaskCreated")
@Label("Task Created")
@Category("evloop")
public final class TaskCreatedEvent extends jdk.jfr.Event {
    @Label("Loop")
    public String loop;
    @Label("Task")
    public String task;

    /** Records a task's creation, if a recording wants it. */
    public static void emit(Object loop, Task<?> task) {
        TaskCreatedEvent e = new TaskCreatedEvent();
        if (e.shouldCommit()) {
            e.loop = loop.toString();
            e.task = task.getName();
            e.commit();
        }
    }
}
