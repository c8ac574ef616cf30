package dev.evloop.examples;

import dev.evloop.Async;
import dev.evloop.DefaultEventLoopPolicy;
import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import java.time.Duration;

/**
 * A policy that makes every new loop a {@link MetricsLoop} around a {@link TracingLoop}, so that
 * {@link EventLoops#run}, {@link dev.evloop.Runner}, {@link dev.evloop.LoopGroup} and
 * {@link dev.evloop.BackgroundLoop} all run custom loops without knowing it. Mirrors an asyncio
 * policy whose {@code new_event_loop} returns a subclass of the standard loop.
 *
 * <pre>{@code
 * ./evloop example CustomPolicy
 * }</pre>
 */
public class CustomPolicy extends DefaultEventLoopPolicy {

    @Override
    public EventLoop newEventLoop() {
        return new MetricsLoop(new TracingLoop(super.newEventLoop(), System.out));
    }

    /**
     * Runs a small program on the policy's loop and prints its counts.
     *
     * @param args none
     */
    public static void main(String[] args) {
        EventLoops.setPolicy(new CustomPolicy());
        String counts = EventLoops.run(() -> {
            Async.spawn(() -> {
                Async.sleep(Duration.ofMillis(5));
                return null;
            }).await();
            return Async.currentLoop().toString(); // the running loop is the MetricsLoop
        });
        System.out.println(counts);
    }
}
