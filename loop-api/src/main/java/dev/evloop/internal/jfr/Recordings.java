package dev.evloop.internal.jfr;

import dev.evloop.LoopMetrics;
import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;
import jdk.jfr.Recording;
import jdk.jfr.RecordingState;

/**
 * Which of evloop's per-callback events the running JFR recordings want, and the loops to tell
 * when that changes (the rarer events, per task or connection, are committed straight away). A loop watches itself for JFR only while a recording wants one of them, so
 * that without a recording JFR costs a loop nothing. Loops are held weakly: a loop dropped without
 * {@code close} does not stay alive for JFR's sake.
 */
public final class Recordings {
    private static final System.Logger LOG = System.getLogger("dev.evloop");

    /** A loop, as JFR sees it. */
    public interface Loop {
        /** What recordings want changed: rebuild how the loop watches itself. */
        void recordingsChanged();

        /** The loop's counters, for the periodic event; from the recorder's thread. */
        LoopMetrics metrics();
    }

    private static final Set<Loop> LOOPS = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    private static volatile boolean slowCallbacks;
    private static volatile boolean polls;
    private static boolean registered;

    private static final AtomicBoolean LISTENING = new AtomicBoolean();

    private Recordings() {
    }

    /**
     * A loop was made: tell it when recordings change. The first call starts listening to JFR, on
     * a thread of its own: that loads JFR's classes and native glue, milliseconds that making a
     * loop need not wait for.
     */
    public static void register(Loop loop) {
        LOOPS.add(loop);
        if (LISTENING.compareAndSet(false, true)) {
            Thread.ofPlatform().daemon().name("evloop-jfr-listener").start(Recordings::listen);
        }
    }

    private static void listen() {
        try {
            FlightRecorder.addListener(new FlightRecorderListener() {
                @Override
                public void recordingStateChanged(Recording recording) {
                    changed();
                }
            });
            if (FlightRecorder.isInitialized()) {
                changed(); // a recording that started before the listener (-XX:StartFlightRecording)
            }
        } catch (RuntimeException | LinkageError e) {
            LOG.log(System.Logger.Level.DEBUG, "JFR events of evloop are off: " + e);
        }
    }

    /** A loop was closed. */
    public static void unregister(Loop loop) {
        LOOPS.remove(loop);
    }

    /** Whether a recording wants {@link SlowCallbackEvent}s. */
    public static boolean slowCallbacks() {
        return slowCallbacks;
    }

    /** Whether a recording wants {@link PollEvent}s. */
    public static boolean polls() {
        return polls;
    }

    private static synchronized void changed() {
        boolean running = false;
        for (Recording r : FlightRecorder.getFlightRecorder().getRecordings()) {
            running |= r.getState() == RecordingState.RUNNING;
        }
        if (running && !registered) {
            // Registered once a recording runs, not before: a JVM that never records pays nothing.
            // An event class JFR has not registered reports itself disabled, whatever the settings.
            List<Class<? extends jdk.jfr.Event>> events = List.of(SlowCallbackEvent.class, StallEvent.class,
                    PollEvent.class, TaskCreatedEvent.class, TaskDoneEvent.class, ConnectionEvent.class);
            for (Class<? extends jdk.jfr.Event> event : events) {
                // Initialised first, outside JFR's metadata lock: under a recording an event class's
                // initialiser takes that lock, and register holds it while it waits for the
                // initialisation, so a loop's thread initialising TaskCreatedEvent at the same
                // moment deadlocked with this thread (seen with -XX:StartFlightRecording on io_uring).
                initialise(event);
            }
            initialise(LoopMetricsEvent.class);
            for (Class<? extends jdk.jfr.Event> event : events) {
                FlightRecorder.register(event);
            }
            FlightRecorder.addPeriodicEvent(LoopMetricsEvent.class, Recordings::emitMetrics);
            registered = true;
        }
        slowCallbacks = running && EventType.getEventType(SlowCallbackEvent.class).isEnabled();
        polls = running && EventType.getEventType(PollEvent.class).isEnabled();
        for (Loop loop : snapshot()) {
            loop.recordingsChanged();
        }
    }

    private static void initialise(Class<?> event) {
        try {
            MethodHandles.lookup().ensureInitialized(event);
        } catch (IllegalAccessException e) {
            throw new AssertionError(event + " is in this package", e);
        }
    }

    private static List<Loop> snapshot() {
        synchronized (LOOPS) {
            return new ArrayList<>(LOOPS);
        }
    }

    private static void emitMetrics() {
        for (Loop loop : snapshot()) {
            LoopMetrics m = loop.metrics();
            LoopMetricsEvent e = new LoopMetricsEvent();
            e.loop = loop.toString();
            e.iterations = m.iterations();
            e.polls = m.polls();
            e.callbacksRun = m.callbacksRun();
            e.timersFired = m.timersFired();
            e.timersCancelled = m.timersCancelled();
            e.pollTime = m.pollTime().toNanos();
            e.readyCallbacks = m.readyCallbacks();
            e.scheduledTimers = m.scheduledTimers();
            e.commit();
        }
    }
}
