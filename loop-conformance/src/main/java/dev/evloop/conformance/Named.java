package dev.evloop.conformance;

/** A callback with a name, as a user would give one to find it in logs and the watchdog's reports. */
record Named(String name, Runnable body) implements Runnable {
    @Override
    public void run() {
        body.run();
    }

    @Override
    public String toString() {
        return name;
    }
}
