package dev.evloop.conformance;

import dev.evloop.EventLoop;
import dev.evloop.LoopFuture;
import dev.evloop.net.Protocol;
import dev.evloop.net.Transport;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * A client or server protocol that collects what arrives: {@link #received} completes with the
 * bytes once {@code expected} are in, or with what came on loss; {@link #lost} with the loss
 * cause.
 */
class Collector implements Protocol {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final LoopFuture<byte[]> received;
    final LoopFuture<Throwable> lost;
    final int expected;
    Transport transport;
    int lostCalls;

    Collector(EventLoop loop, int expected) {
        this.received = loop.createFuture();
        this.lost = loop.createFuture();
        this.expected = expected;
    }

    @Override
    public void connectionMade(Transport t) {
        transport = t;
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        byte[] chunk = new byte[data.remaining()];
        data.get(chunk);
        bytes.write(chunk, 0, chunk.length);
        if (bytes.size() >= expected && !received.isDone()) {
            received.setResult(bytes.toByteArray());
        }
    }

    @Override
    public void connectionLost(Throwable cause) {
        lostCalls++;
        if (!received.isDone()) {
            received.setResult(bytes.toByteArray());
        }
        lost.setResult(cause);
    }
}
