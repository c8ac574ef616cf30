package dev.evloop.conformance;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects what evloop logs through {@link System.Logger}, which the JDK routes to
 * java.util.logging when no other logging backend is installed, as in these tests. Only records
 * logged on the thread that made the capture count: reports that earlier tests' garbage makes on
 * the cleaner's thread must not leak into a later test.
 */
final class LogCapture extends Handler implements AutoCloseable {
    private final Logger logger = Logger.getLogger("dev.evloop");
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    private final boolean parentHandlers = logger.getUseParentHandlers();
    private final long threadId = Thread.currentThread().threadId();

    /** Starts capturing; what is captured is kept off the console. */
    LogCapture() {
        logger.addHandler(this);
        logger.setUseParentHandlers(false);
    }

    List<LogRecord> records() {
        return records;
    }

    /** Every message with its thrown exception's toString, one string per record. */
    List<String> lines() {
        return records.stream()
                .map(r -> r.getLevel() + " " + r.getMessage() + (r.getThrown() == null ? "" : " " + r.getThrown()))
                .toList();
    }

    @Override
    public void publish(LogRecord record) {
        if (record.getLongThreadID() == threadId) {
            records.add(record);
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.setUseParentHandlers(parentHandlers);
        logger.removeHandler(this);
    }
}
