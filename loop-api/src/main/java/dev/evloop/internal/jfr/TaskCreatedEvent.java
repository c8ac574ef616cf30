package dev.evloop.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** A task was created; the stack says where. */
@Name("evloop.TaskCreated")
@Label("Task Created")
@Category("evloop")
public final class TaskCreatedEvent extends jdk.jfr.Event {
    @Label("Loop")
    public String loop;
    @Label("Task")
    public String task;
}
