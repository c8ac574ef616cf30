package dev.evloop.internal.net;

import io.netty.buffer.ByteBuf;
import io.netty.util.internal.PlatformDependent;
import java.nio.ByteBuffer;

/**
 * The bytes one loop's transports are handing a protocol right now ({@code dataReceived},
 * {@code datagramReceived}), kept so that a write of them goes out without a copy, as raw Netty
 * writes back the buffer it read. One per loop, since every receive callback of a loop runs on its
 * thread, one at a time; so a protocol that writes what it received to another transport of its
 * loop (a proxy) copies nothing either.
 *
 * <p>The protocol sees a {@link ByteBuffer} view of the received {@link ByteBuf}. A write of that
 * view, or of a slice or duplicate of it, while the callback runs takes a reference on the
 * {@code ByteBuf} instead of copying its bytes: the buffer itself for the first write of all of
 * it, a retained slice otherwise (a {@code ByteBuf} must not sit twice in a channel's outbound
 * buffer, whose reader index it advances as it sends). Once the callback returns the view is dead:
 * the transport releases the buffer and its memory goes back to the allocator. A write of the dead
 * view object is then refused rather than sending whatever the memory holds by then.
 *
 * <p>Loop thread only.
 */
public final class ReceivedData {
    /**
     * Whether Netty can tell where a direct {@link ByteBuffer}'s memory starts, which recognising
     * a slice of a direct view needs; without it such a slice is copied, as any other buffer is.
     */
    private static final boolean ADDRESSES = probeAddresses();

    /** The buffer being handed over, or {@code null} outside a receive callback. */
    private ByteBuf buf;
    /** The view of it the protocol was given. */
    private ByteBuffer view;
    /** The view's position and limit as given: the received bytes, in the view's indexes. */
    private int start;
    private int end;
    /** The buffer's index of the view's position {@link #start}. */
    private int index;
    /** The buffer itself went into a write: every later write of its bytes takes a slice. */
    private boolean given;
    /** The view of the last callback that returned: dead, so a write of it is refused. */
    private ByteBuffer dead;

    private static boolean probeAddresses() {
        try {
            ByteBuffer probe = ByteBuffer.allocateDirect(2);
            return PlatformDependent.directBufferAddress(probe.slice(1, 1)) == PlatformDependent.directBufferAddress(probe) + 1;
        } catch (Throwable unavailable) {
            return false;
        }
    }

    /**
     * Starts handing {@code received} over as {@code receivedView} (its readable bytes, from the
     * view's position to its limit), unless another callback is handing bytes over already (a
     * receive callback run from inside another, which evloop never does itself): then writes of
     * these bytes copy them, and the caller must not call {@link #end}.
     *
     * @return whether the bytes are handed over through this object
     */
    boolean begin(ByteBuf received, ByteBuffer receivedView) {
        if (buf != null) {
            return false;
        }
        buf = received;
        view = receivedView;
        start = receivedView.position();
        end = receivedView.limit();
        index = received.readerIndex();
        given = false;
        return true;
    }

    /** The callback {@link #begin} started returned: its view is dead. */
    void end() {
        dead = view;
        buf = null;
        view = null;
    }

    /**
     * Empties a receive callback's view once the callback returned (position and limit 0), so that
     * a view the protocol kept shows and sends none of the memory, which the allocator hands to
     * later reads: its dead-view check below catches only the last callback's view.
     *
     * @param view the view the callback was handed
     */
    public static void empty(ByteBuffer view) {
        view.limit(0);
    }

    /**
     * A buffer holding {@code data}'s bytes (position to limit) without a copy, which the caller
     * now owns, if they are received bytes being handed over now; else {@code null}, and the
     * caller copies them. The position of {@code data} is left as it was.
     *
     * @param whole whether the received buffer itself may be written, or only a slice of it: a
     *              handler between the transport and the socket (TLS) may grow a buffer it is
     *              given, moving the memory the view still shows
     * @throws IllegalStateException if {@code data} is a view whose callback has returned
     */
    ByteBuf claim(ByteBuffer data, boolean whole) {
        if (data == dead && data != view) {
            throw new IllegalStateException("data: this ByteBuffer is the view a receive callback was handed,"
                    + " valid only until that callback returned; copy what must be kept past it");
        }
        if (buf == null || data != view && !sharesMemory(data)) {
            return null;
        }
        long from = data == view ? data.position() : offsetInView(data);
        int n = data.remaining();
        if (from < start || from + n > end) {
            return null; // past what was received: the caller copies it, as it always did
        }
        int at = index + (int) (from - start);
        if (whole && !given && at == index && n == end - start) {
            given = true;
            return buf.retain();
        }
        return buf.retainedSlice(at, n);
    }

    private boolean sharesMemory(ByteBuffer data) {
        if (data.isDirect()) {
            return view.isDirect() && ADDRESSES;
        }
        return data.hasArray() && view.hasArray() && data.array() == view.array();
    }

    /** Where {@code data}'s position lies in the view's indexes; both share memory. */
    private long offsetInView(ByteBuffer data) {
        long base = data.isDirect()
                ? PlatformDependent.directBufferAddress(data) - PlatformDependent.directBufferAddress(view)
                : data.arrayOffset() - (long) view.arrayOffset();
        return base + data.position();
    }
}
