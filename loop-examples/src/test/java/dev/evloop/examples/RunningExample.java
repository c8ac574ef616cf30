package dev.evloop.examples;

import dev.evloop.conformance.ProcessSignals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * An example server running on a thread of its own as its {@code main} runs it, on 127.0.0.1 and
 * a free port, until {@link #close()} sends this process SIGTERM, which the example handles with
 * its graceful shutdown. Every socket it hands out times out reads, so no test can hang on one.
 *
 * <p>A signal goes to the loop that last asked for it, so a test runs one example at a time.
 */
final class RunningExample implements AutoCloseable {
    /** How long a start, a stop or a read on a client socket may take before the test fails. */
    static final Duration LIMIT = Duration.ofSeconds(30);

    /** An example's entry point: serve until SIGINT or SIGTERM, telling {@code listening} where. */
    @FunctionalInterface
    interface Serve {
        void serve(String host, int port, Consumer<InetSocketAddress> listening) throws Exception;
    }

    /** Puts the JVM's own SIGTERM handler back once the example has ended. */
    private final Runnable restoreJvmHandler;
    private final Thread thread;
    private final InetSocketAddress address;
    private volatile Throwable failure;
    private boolean signalled;

    private RunningExample(String name, Serve serve) {
        // While the example runs, its loop holds SIGTERM; a signal that reaches no example (one that
        // failed, say) must not end the test JVM, so meanwhile the fallback is to ignore it.
        restoreJvmHandler = ProcessSignals.replaceHandler("TERM", () -> { });
        CompletableFuture<InetSocketAddress> listening = new CompletableFuture<>();
        thread = Thread.ofPlatform().name(name).start(() -> {
            try {
                serve.serve("127.0.0.1", 0, listening::complete);
            } catch (Throwable e) {
                failure = e;
                listening.completeExceptionally(e);
            }
        });
        try {
            address = listening.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            restoreJvmHandler.run();
            throw new AssertionError(name + " failed to start", e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError(name + " did not start listening", e);
        }
    }

    /** Starts an example server and waits until it listens. */
    static RunningExample start(String name, Serve serve) {
        return new RunningExample(name, serve);
    }

    /** The port it listens on. */
    int port() {
        return address.getPort();
    }

    /** A new client connection to it. */
    Socket connect() {
        return connect(port());
    }

    /** A client connection to a loopback port, whose reads time out after {@link #LIMIT}. */
    static Socket connect(int port) {
        try {
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout((int) LIMIT.toMillis());
            return socket;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends this process SIGTERM, as {@code kill} would; only once. */
    void signal() {
        if (!signalled) {
            signalled = true;
            ProcessSignals.raise("TERM");
        }
    }

    /** Sends SIGTERM unless {@link #signal()} did, waits for the example to end, and rethrows its failure. */
    @Override
    public void close() {
        signal();
        try {
            thread.join(LIMIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while " + thread.getName() + " shut down", e);
        }
        assertFalse(thread.isAlive(), thread.getName() + " did not end after SIGTERM");
        restoreJvmHandler.run();
        if (failure != null) {
            throw new AssertionError(thread.getName() + " failed", failure);
        }
    }
}
