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
     *     data.get(kept);}), since the memory goes back to the allocator when the call returns, and
     *     later reads (of any connection or pipe of the loop) reuse it.</li>
     * <li>When the call returns the view is emptied (position and limit 0), on every transport,
     *     pipes included: a view kept past the call shows no bytes and writing it sends none,
     *     rather than whatever that memory holds by then. Writing the view of the callback that
     *     returned last to a socket transport throws {@link IllegalStateException}, to point at
     *     the mistake. A slice or duplicate made from the view is just as dead but is not
     *     emptied, so what it shows or would send is undefined.</li>
     * </ul>
     * Moving the view's position or limit is harmless; writes take the bytes between them.
     *
     * @param data the bytes, from its position to its limit
     */
    default void dataReceived(ByteBuffer data) {
    }
}
