package dev.evloop.net;

import java.nio.ByteBuffer;

/**
 * A stream protocol that provides the buffer the transport fills, so that data lands where the
 * protocol wants it without one more copy in user code. Mirrors asyncio's {@code BufferedProtocol}.
 *
 * <pre>{@code
 * class Counter implements BufferedProtocol {
 *     private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
 *     long total;
 *     public ByteBuffer getBuffer(int sizeHint) { return buffer.clear(); }
 *     public void bufferUpdated(int n) { total += n; }
 * }
 * }</pre>
 *
 * <p>While its transport is paused ({@link Transport#pauseReading()}) neither
 * {@link #getBuffer(int)} nor {@link #bufferUpdated(int)} is called; what arrives meanwhile fills
 * the protocol's buffers on resume, in order.
 */
public interface BufferedProtocol extends BaseProtocol {

    /**
     * A buffer to receive into, from its position to its limit; it must have room for at least
     * one byte. Mirrors {@code get_buffer(sizehint)}.
     *
     * @param sizeHint how many bytes are ready, as a hint
     * @return the buffer
     */
    ByteBuffer getBuffer(int sizeHint);

    /**
     * The transport wrote {@code bytes} bytes into the last buffer, starting at the position it
     * had. Mirrors {@code buffer_updated(nbytes)}.
     *
     * @param bytes how many bytes arrived
     */
    void bufferUpdated(int bytes);
}
