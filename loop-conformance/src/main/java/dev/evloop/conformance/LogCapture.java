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
 * the cleaner's thread must not leak into a later test. {@link #watchdog()} captures the stall
 * watchdog's logger from every thread instead, as the watchdog reports from its own.
 */
final class LogCapture extends Handler implements AutoCloseable {
    private final Logger logger;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    private final boolean parentHandlers;
    /** The thread whose records count, or -1 for every thread. */
    private final long threadId;

    /** Starts capturing; what is captured is kept off the console. */
    LogCapture() {
        this("dev.evloop", Thread.currentThread().threadId());
    }

    private LogCapture(String name, long threadId) {
        this.logger = Logger.getLogger(name);
        this.threadId = threadId;
        this.parentHandlers = logger.getUseParentHandlers();
        logger.addHandler(this);
        logger.setUseParentHandlers(false);
    }

    /** Captures the stall watchdog's logger, {@code dev.evloop.watchdog}, from every thread. */
    static LogCapture watchdog() {
        return new LogCapture("dev.evloop.watchdog", -1);
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
        if (threadId == -1 || record.getLongThreadID() == threadId) {
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
