package dev.evloop.choice;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What evloop logs through {@link System.Logger} (routed to java.util.logging here) at every level,
 * debug included, while it is open; kept off the console.
 */
final class Logged extends Handler implements AutoCloseable {
    private final Logger logger = Logger.getLogger("dev.evloop");
    private final Level level = logger.getLevel();
    private final boolean parentHandlers = logger.getUseParentHandlers();
    private final List<String> lines = new CopyOnWriteArrayList<>();

    Logged() {
        logger.setLevel(Level.ALL);
        logger.setUseParentHandlers(false);
        logger.addHandler(this);
    }

    /** Every record as {@code LEVEL message}, with java.util.logging's names: DEBUG is FINE. */
    List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void publish(LogRecord record) {
        lines.add(record.getLevel() + " " + record.getMessage());
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setUseParentHandlers(parentHandlers);
        logger.setLevel(level);
    }
}
