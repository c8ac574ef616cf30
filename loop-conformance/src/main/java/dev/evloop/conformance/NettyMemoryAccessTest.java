package dev.evloop.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.internal.PlatformDependent;
import org.junit.jupiter.api.Test;

/**
 * The build's run of the data path with Netty's {@code sun.misc.Unsafe} paths on (the
 * {@code conformance-unsafe} execution, property {@value #PROPERTY}) really has them on: Netty
 * takes them, and the buffers it reads into know their memory's address, so the copies out of
 * received buffers that the other classes of that run check take their by-address branch. Without
 * the property there is nothing to check: which paths Netty takes then depends on the JDK.
 */
class NettyMemoryAccessTest extends BackendTest {
    /** Set by the execution that runs the JVM with {@code --sun-misc-unsafe-memory-access=allow}. */
    static final String PROPERTY = "evloop.conformance.unsafe";

    @Test
    void aRunWithUnsafeAllowedHasNettysUnsafePaths() {
        assumeTrue(Boolean.getBoolean(PROPERTY), "this run does not allow sun.misc.Unsafe");
        assertTrue(PlatformDependent.hasUnsafe(), () -> "Netty refused it: " + PlatformDependent.getUnsafeUnavailabilityCause());
    }

    @Test
    void aRunWithUnsafeAllowedReadsIntoBuffersThatKnowTheirAddress() {
        assumeTrue(Boolean.getBoolean(PROPERTY), "this run does not allow sun.misc.Unsafe");
        ByteBuf buf = ByteBufAllocator.DEFAULT.ioBuffer(1024);
        try {
            assertTrue(buf.hasMemoryAddress(), buf::toString);
        } finally {
            buf.release();
        }
    }
}
