package dev.evloop.internal.net;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;

/**
 * Copies received bytes out of a Netty buffer into an array without making an object per copy,
 * for the buffered protocol's fill and a stream reader's {@code byte[]} reads alike.
 *
 * <p>Where Netty knows the memory's address (it may use {@code sun.misc.Unsafe}; JDK 25 turns that
 * off by default, see the README) its {@code getBytes} copies from it directly. Otherwise its
 * {@code getBytes} into an array would duplicate the pooled memory's view on every call, so the
 * copy reads the buffer's cached view instead ({@code internalNioBuffer}), made at most once per
 * received buffer (the selector's read has made it already), with an absolute get. That is safe
 * only while nothing else uses the buffer, as for the bytes a transport is handing over or a
 * reader keeps.
 */
public final class ReceivedBytes {
    private ReceivedBytes() {
    }

    /**
     * Copies {@code n} bytes of {@code from}, starting at {@code index}, into {@code to} at
     * {@code offset}, moving neither buffer's indexes.
     */
    public static void copy(ByteBuf from, int index, byte[] to, int offset, int n) {
        if (from.hasMemoryAddress() || from.nioBufferCount() != 1) {
            from.getBytes(index, to, offset, n);
            return;
        }
        ByteBuffer view = from.internalNioBuffer(index, n);
        view.get(view.position(), to, offset, n);
    }
}
