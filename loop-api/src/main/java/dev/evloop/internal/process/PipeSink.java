package dev.evloop.internal.process;

import java.nio.ByteBuffer;

/**
 * Where a {@link WritePipeTransport}'s bytes go: a pipe the loop watches, or one a pump thread
 * writes. Every method is called on the loop's thread; a sink reports to its transport
 * ({@code written}, {@code finished}, {@code failed}) on the loop's thread too.
 */
interface PipeSink {

    /** Binds the sink to its transport, before the first write. */
    void start(WritePipeTransport transport);

    /** Queues bytes the sink now owns; {@code written} reports each part that left. */
    void write(ByteBuffer data);

    /** Closes the pipe's end once every queued byte left, then reports {@code finished}. */
    void finish();

    /** Drops what is queued and closes the pipe's end now; calling it again does nothing. */
    void abort();
}
