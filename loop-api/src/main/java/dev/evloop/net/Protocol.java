package dev.evloop.net;

import java.nio.ByteBuffer;

/**
 * A stream protocol that is handed the bytes as they arrive. Mirrors asyncio's {@code Protocol}.
 *
 * <pre>{@code
 * class Echo implements Protocol {
 *     private Transport transport;
 *     public void connectionMade(Transport t) { transport = t; }
 *     public void dataReceived(ByteBuffer data) { transport.write(data); }
 * }
 * Server server = loop.runUntilComplete(loop.createServer(Echo::new, "127.0.0.1", 8888, SocketOptions.defaults()));
 * }</pre>
 */
public interface Protocol extends BaseProtocol {

    /**
     * Bytes arrived. The buffer is a view that is valid only during the call: copy what must be
     * kept (writing it to a transport copies it). Mirrors {@code data_received(data)}.
     *
     * @param data the bytes, from its position to its limit
     */
    default void dataReceived(ByteBuffer data) {
    }
}
