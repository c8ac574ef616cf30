package dev.evloop.internal.net;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * The check every transport makes of a Netty buffer a write takes over: it must still be alive.
 * Netty itself would accept a released buffer at the write and fail it only at the flush, away
 * from the call, where its failure path releases it once more and throws out of the loop.
 */
public final class OwnedBuffers {
    private OwnedBuffers() {
    }

    /**
     * Returns {@code data} if the caller still holds a reference to it.
     *
     * @param data a buffer handed to a write
     * @return {@code data}
     * @throws NullPointerException if {@code data} is null
     * @throws IllegalArgumentException naming {@code data} if it is already released
     */
    public static ByteBuf alive(ByteBuf data) {
        Objects.requireNonNull(data, "data");
        if (data.refCnt() == 0) {
            throw new IllegalArgumentException("data: the buffer is already released (refCnt 0); a write takes"
                    + " over a buffer the caller still holds, so pass it before releasing it, or retain() it");
        }
        return data;
    }
}
