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
     * Bytes arrived. Mirrors {@code data_received(data)}.
     *
     * <p>Unlike asyncio's {@code bytes}, {@code data} is a view of the transport's receive buffer,
     * valid only during the call, as a Netty handler's buffer is until it releases it:
     * <ul>
     * <li>Writing it, or a slice or duplicate of it, to a socket transport of this loop (TCP, TLS,
     *     Unix or UDP: {@link Transport#write(ByteBuffer)}, {@link DatagramTransport#sendTo(ByteBuffer,
     *     java.net.SocketAddress)}) during the call sends those bytes without copying them, as raw
     *     Netty writes back the buffer it read: the transport keeps the memory until the bytes are
     *     sent. So do not change bytes of the view after writing them; treat it as read-only. A
     *     subprocess pipe's transport copies them.</li>
     * <li>Anything kept past the call must be copied ({@code byte[] kept = new byte[data.remaining()];
     *     data.get(kept);}), since the memory goes back to the allocator when the call returns.</li>
     * <li>Writing the view object to a socket transport after the call returned throws
     *     {@link IllegalStateException} rather than sending whatever that memory holds by then; a slice or duplicate made from it
     *     is just as dead but is not recognised, so what it would send is undefined.</li>
     * </ul>
     * Moving the view's position or limit is harmless; writes take the bytes between them.
     *
     * @param data the bytes, from its position to its limit
     */
    default void dataReceived(ByteBuffer data) {
    }
}
