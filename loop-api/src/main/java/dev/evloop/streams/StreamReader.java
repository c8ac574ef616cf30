package dev.evloop.streams;

import dev.evloop.Async;
import dev.evloop.EventLoop;
import dev.evloop.internal.Failures;
import dev.evloop.internal.LoopContext;
import dev.evloop.internal.net.ReceivedBytes;
import dev.evloop.internal.tasks.Suspension;
import dev.evloop.net.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reads bytes from a connection inside a task, waiting for them to arrive: asyncio's
 * {@code StreamReader}.
 *
 * <pre>{@code
 * Streams s = Async.openConnection("127.0.0.1", 6379, SocketOptions.defaults());
 * s.writer().write("PING\r\n".getBytes());
 * byte[] reply = s.reader().readLine();      // "+PONG\r\n"
 * }</pre>
 *
 * <p>Data waits in a buffer until read. Past twice the {@linkplain #limit() limit} (64 KiB by
 * default) the transport stops reading until the buffer is back under the limit, so a slow reader
 * holds the sender back instead of filling memory: the buffer never holds more than twice the
 * limit plus one read (at most 256 KiB; over TLS, what one read decrypts to), at the peer's close
 * too. Over evloop's transports reads that arrive while the reader's own array is empty stay in
 * the transport's own receive buffers until read, as long as they take at most 256 KiB of pooled
 * memory together or four times the bytes they carry (past that they are copied into the array),
 * so the memory stays within four times the bytes the pause allows. Methods that wait
 * work inside a task, one task at a time, as asyncio's: a second task that waits while one
 * already does gets an {@link IllegalStateException} (asyncio's {@code RuntimeError}); a
 * connection error is thrown by every read from then on, and by a read that was waiting, as an
 * {@link UncheckedIOException} when it is an I/O error. A read woken by data before the error came
 * returns that data, as asyncio's does, if it is all the read needed; one that needs more raises
 * the error rather than wait again (asyncio's would wait for good).
 *
 * <h2>Cancel safety</h2>
 * Every read is cancel safe, as Tokio says: a read whose task is cancelled while it waits returns
 * no bytes and takes none, so whatever had arrived, a partial line or part of an exact count,
 * stays in the buffer for the next read, in order; the next read may come from another task.
 * This holds even when the data arrived and woke the read just before the cancellation, and for
 * {@link #read()} to the end of the stream, which puts back the bytes it had already taken
 * (asyncio's {@code read()} loses them).
 *
 * <h2>Without copies</h2>
 * The {@code byte[]} reads copy what they return out of the connection's buffers, and
 * {@link StreamWriter#write(byte[])} copies it back in. {@link #readRetained(int)} and
 * {@link StreamWriter#write(ByteBuf)} are the same read and write without those copies, in
 * Netty's terms: the read hands over a {@link ByteBuf} the caller owns and must release, the
 * write takes it over and releases it, so an echo passes on the very buffer it received:
 *
 * <pre>{@code
 * ByteBuf chunk;
 * while ((chunk = reader.readRetained(64 * 1024)).isReadable()) {
 *     writer.write(chunk);       // the writer owns it now
 *     writer.drain();
 * }
 * writer.close();
 * }</pre>
 */
public final class StreamReader {
    /** asyncio's default limit. */
    public static final int DEFAULT_LIMIT = 64 * 1024;

    private static final byte[] NONE = new byte[0];
    /** Kept buffers may hold this much of the transport's memory together, however little they carry: one of evloop's largest receive buffers. */
    private static final int MAX_KEPT_CAPACITY = 256 * 1024;
    /** Past {@link #MAX_KEPT_CAPACITY}, kept buffers may hold at most this many bytes of memory per byte they carry. */
    private static final int KEPT_CAPACITY_PER_BYTE = 4;

    private final EventLoop loop;
    private final int limit;

    /**
     * What arrived and was not read yet, from {@code start} to {@code end}. When data arrives to an
     * empty buffer too small for it, the buffer becomes an array of exactly that size, and a read
     * that takes all of it takes the array itself: the common case (one arrival, one read of it)
     * copies the bytes once instead of twice.
     */
    private byte[] buffer = NONE;
    private int start;
    private int end;
    /**
     * Buffers of the transport's, in arrival order, each kept as it came (retained) when
     * {@link #buffer} held nothing, so that {@link #readRetained} hands each on without a copy,
     * however many arrived before the read. While any is here {@link #buffer} holds nothing.
     * Whatever needs the bytes in {@link #buffer} copies them all there first
     * ({@link #copyKeptBuffer(int)}).
     */
    private final ArrayDeque<ByteBuf> kept = new ArrayDeque<>();
    /** The readable bytes of {@link #kept}, together. */
    private int keptBytes;
    /**
     * The capacity of {@link #kept}, together: what they hold of the allocator's memory, which a
     * peer sending many small segments would otherwise multiply past what the pause counts.
     */
    private int keptCapacity;
    private boolean eof;
    private Throwable exception;
    /**
     * Where a read waits for data: one for the reader's life, so that a wait allocates nothing
     * (asyncio makes a future per wait), with the same outcomes as a future's await.
     */
    private final Suspension waiter;
    /** What a wait does once armed: resume a paused transport. Made once, as the waiter is. */
    private final Runnable resumeForWait = this::resumeForWait;
    /**
     * Which wait {@link #setException} woke (the waiter's count of wakes when it was armed), or -1:
     * that read throws, as its failed future would, and no other.
     */
    private long failedWait = -1;
    private Transport transport;
    /** Whether the transport should be paused: what {@link #applyPause()} makes it. */
    private boolean paused;
    /** A callback that brings the transport to {@link #paused} is queued (see {@link #applyPause()}). */
    private boolean pauseChangeQueued;
    private final Runnable pauseChange = this::pauseChange;

    /**
     * A reader fed by {@link #feedData}; {@code Async.openConnection} makes one per connection.
     *
     * @param loop  the loop whose tasks read it
     * @param limit the buffer limit in bytes
     * @throws IllegalArgumentException if {@code limit} is not positive
     */
    public StreamReader(EventLoop loop, int limit) {
        this.loop = Objects.requireNonNull(loop, "loop");
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive, got " + limit);
        }
        this.limit = limit;
        this.waiter = new Suspension(loop);
    }

    /**
     * The buffer limit.
     *
     * @return the limit in bytes
     */
    public int limit() {
        return limit;
    }

    /**
     * The transport to pause and resume; set by the stream protocol.
     *
     * @param transport the transport
     */
    public void setTransport(Transport transport) {
        this.transport = transport;
    }

    /**
     * Adds received bytes. Mirrors {@code feed_data}.
     *
     * @param data the bytes, from position to limit; they are copied
     * @throws IllegalStateException after {@link #feedEof()}
     */
    public void feedData(java.nio.ByteBuffer data) {
        if (eof) {
            throw new IllegalStateException("feedData after feedEof");
        }
        int n = data.remaining();
        if (n == 0) {
            return;
        }
        ensureRoom(n);
        data.get(data.position(), buffer, end, n); // absolute: the caller's position stays, no duplicate to allocate
        end += n;
        arrived();
    }

    /**
     * Adds received bytes from the transport's own buffer: kept as it is (retained) behind any
     * buffers kept before it while the reader's array is empty and the kept buffers' memory stays
     * within bounds ({@link #mayKeep}); else copied into the array behind what is
     * buffered. The caller keeps its own reference.
     */
    void feedBuffer(ByteBuf data) {
        if (eof) {
            throw new IllegalStateException("feedData after feedEof");
        }
        int n = data.readableBytes();
        if (n == 0) {
            return;
        }
        if (start == end && mayKeep(data.capacity(), n)) {
            kept.addLast(data.retain());
            keptBytes += n;
            keptCapacity += data.capacity();
        } else {
            copyKeptBuffer(n);
            ensureRoom(n);
            data.getBytes(data.readerIndex(), buffer, end, n);
            end += n;
        }
        arrived();
    }

    /**
     * Whether a buffer of {@code capacity} holding {@code n} bytes may join the kept ones: while
     * they hold at most {@value #MAX_KEPT_CAPACITY} bytes of memory together, or at most
     * {@value #KEPT_CAPACITY_PER_BYTE} times the bytes they carry. The pause counts bytes, so this
     * bounds the memory too: small segments in large buffers are copied instead, while a message
     * arriving in a few well-filled buffers (100 KiB in 128 KiB buffers) stays uncopied.
     */
    private boolean mayKeep(int capacity, int n) {
        long after = (long) keptCapacity + capacity;
        return after <= MAX_KEPT_CAPACITY || after <= (long) KEPT_CAPACITY_PER_BYTE * (keptBytes + n);
    }

    private void arrived() {
        wakeWaiter();
        pauseIfOverfull();
    }

    /**
     * Moves the kept buffers' bytes into {@link #buffer} and releases them: before anything that
     * works on {@link #buffer}, and when the connection ends, so that no buffer of its channel
     * outlives it in a reader nobody reads.
     */
    void copyKeptBuffer() {
        copyKeptBuffer(0);
    }

    /** As {@link #copyKeptBuffer()}, leaving room for {@code room} more bytes behind them. */
    private void copyKeptBuffer(int room) {
        if (kept.isEmpty()) {
            return;
        }
        int n = keptBytes;
        byte[] bytes = new byte[n + room];
        int at = 0;
        for (ByteBuf k; (k = kept.pollFirst()) != null; ) {
            try {
                int length = k.readableBytes();
                k.getBytes(k.readerIndex(), bytes, at, length);
                at += length;
            } finally {
                k.release();
            }
        }
        keptBytes = 0;
        keptCapacity = 0;
        buffer = bytes; // the buffer held nothing while buffers were kept
        start = 0;
        end = n;
    }

    /** Marks the end of the stream. Mirrors {@code feed_eof}. */
    public void feedEof() {
        eof = true;
        wakeWaiter();
    }

    /**
     * Makes every later read fail with {@code error}. Mirrors {@code set_exception}.
     *
     * @param error the connection's error
     */
    public void setException(Throwable error) {
        exception = Objects.requireNonNull(error, "error");
        if (waiter.hasWaiter()) {
            failedWait = waiter.wakes(); // a read woken by data before this returns that data, as its future would
            waiter.wake();
        }
    }

    /**
     * Whether the stream ended and every byte was read. Mirrors {@code at_eof()}.
     *
     * @return {@code true} at the end
     */
    public boolean atEof() {
        return eof && size() == 0;
    }

    /**
     * Reads up to {@code n} bytes, waiting until at least one is there or the stream ends; with
     * {@code n < 0}, reads until the end of the stream. Mirrors {@code read(n)}.
     *
     * <p><b>Cancel safety.</b> Cancelled while it waits, it takes nothing: the bytes that arrive stay in the
     * buffer for the next read.
     *
     * @param n the most bytes to read, or -1 for all
     * @return the bytes; empty at the end of the stream
     * @throws UncheckedIOException if the connection failed, carrying its error (another error
     *         as it is)
     * @throws IllegalStateException if another task is already waiting on this reader, or it
     *         must wait outside a task
     */
    public byte[] read(int n) {
        throwIfFailed();
        if (n == 0) {
            return new byte[0];
        }
        if (n < 0) {
            // As asyncio: read in chunks of the limit, so the buffer keeps draining and the
            // transport is not left paused while waiting for the end of the stream.
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            byte[] block;
            try {
                while ((block = read(limit)).length > 0) {
                    all.write(block, 0, block.length);
                }
            } catch (RuntimeException | Error e) {
                // asyncio drops the chunks it already took; a cancelled read to the end puts them
                // back, so a later read still sees every byte in order.
                unread(all.toByteArray());
                throw e;
            }
            return all.toByteArray();
        }
        while (size() == 0 && !eof) {
            waitForData("read");
        }
        return take(Math.min(n, size()));
    }

    /**
     * Reads up to {@code n} bytes as a Netty buffer the caller owns, waiting until at least one is
     * there or the stream ends: {@link #read(int)} without its copy. Mirrors {@code read(n)}, in
     * Netty's terms ({@code readRetainedSlice}).
     *
     * <p>Ownership: the caller must release the buffer once, or hand it to something that takes
     * it over, such as {@link StreamWriter#write(ByteBuf)}. Data that arrives while the reader's
     * own array is empty stays in the transport's own receive buffers (within the memory bound
     * the class describes):
     * then this is the first of them (or a retained slice of it, when {@code n} is smaller),
     * without a copy, and the next read hands on the next. Bytes that have gone into the reader's
     * array (as {@link #readLine} and {@link #readUntil} need, {@link #feedData} puts, a cancelled
     * {@link #read(int)} puts back, and receive buffers past the bound and data arriving behind any of
     * these go) are copied into a heap buffer instead, until that array is drained; then
     * buffers are kept again.
     * A buffer not released is a leak that Netty's leak detector reports.
     *
     * <p><b>Cancel safety.</b> Cancelled while it waits, it takes nothing and hands over nothing:
     * there is no buffer to release, and the bytes that arrive stay in the reader for the next
     * read.
     *
     * @param n the most bytes to read, positive (or 0, for an empty buffer)
     * @return the bytes, from the buffer's reader index; empty (and needing no release) at the end
     *         of the stream
     * @throws IllegalArgumentException if {@code n} is negative
     * @throws UncheckedIOException if the connection failed, carrying its error
     * @throws IllegalStateException if another task is already waiting on this reader, or it
     *         must wait outside a task
     */
    public ByteBuf readRetained(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must not be negative, got " + n);
        }
        throwIfFailed();
        if (n == 0) {
            return Unpooled.EMPTY_BUFFER;
        }
        while (size() == 0 && !eof) {
            waitForData("readRetained");
        }
        int count = Math.min(n, size());
        if (count == 0) {
            return Unpooled.EMPTY_BUFFER;
        }
        ByteBuf k = kept.peekFirst();
        if (k == null) {
            return Unpooled.wrappedBuffer(take(count));
        }
        ByteBuf out;
        if (count >= k.readableBytes()) {
            kept.pollFirst();
            keptCapacity -= k.capacity();
            out = k;
        } else {
            out = k.readRetainedSlice(count);
        }
        keptBytes -= out.readableBytes();
        resumeIfDrained();
        return out;
    }

    /**
     * Reads until the end of the stream. Mirrors {@code read()}.
     *
     * <p><b>Cancel safety.</b> Cancelled midway, it puts every byte it had taken back in front of the buffer:
     * nothing is lost, and a later read sees the stream from where this one started.
     *
     * @return every remaining byte
     * @throws UncheckedIOException if the connection failed, carrying its error (another error
     *         as it is)
     * @throws IllegalStateException if another task is already waiting on this reader, or it
     *         must wait outside a task
     */
    public byte[] read() {
        return read(-1);
    }

    /**
     * Reads exactly {@code n} bytes, waiting for them. Mirrors {@code readexactly(n)}.
     *
     * <p><b>Cancel safety.</b> Cancelled while it waits, it takes nothing: the fewer than {@code n} bytes
     * that had arrived stay in the buffer.
     *
     * @param n how many
     * @return the bytes
     * @throws IncompleteReadException if the stream ends first; it carries what arrived
     * @throws IllegalArgumentException if {@code n} is negative
     * @throws UncheckedIOException if the connection failed, carrying its error (another error
     *         as it is)
     * @throws IllegalStateException if another task is already waiting on this reader, or it
     *         must wait outside a task
     */
    public byte[] readExactly(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must not be negative, got " + n);
        }
        throwIfFailed();
        while (size() < n) {
            if (eof) {
                byte[] partial = take(size());
                throw new IncompleteReadException(partial, n);
            }
            waitForData("readExactly");
        }
        return take(n);
    }

    /**
     * Reads one line, ending with {@code \n} (kept), or what is left at the end of the stream.
     * Mirrors {@code readline()}, except that an overlong line stays in the buffer, as
     * {@link #readUntil} leaves it.
     *
     * <p><b>Cancel safety.</b> Cancelled mid-line, it takes nothing: the partial line stays in the buffer,
     * and the next {@code readLine} returns the whole line.
     *
     * @return the line, possibly without a final {@code \n} at the end of the stream; empty at the end
     * @throws LimitOverrunException if the line is longer than the limit
     * @throws UncheckedIOException if the connection failed, carrying its error (another error
     *         as it is)
     * @throws IllegalStateException if another task is already waiting on this reader, or it
     *         must wait outside a task
     */
    public byte[] readLine() {
        try {
            return readUntil(new byte[] {'\n'});
        } catch (IncompleteReadException e) {
            return e.partial();
        }
    }

    /**
     * Reads up to and including {@code separator}. Mirrors {@code readuntil(separator)}.
     *
     * <p><b>Cancel safety.</b> Cancelled before the separator arrives, it takes nothing: the chunk read so far
     * stays in the buffer.
     *
     * @param separator the bytes that end the chunk
     * @return the chunk, separator included
     * @throws LimitOverrunException if no separator is found within the limit; the data stays
     * @throws IncompleteReadException if the stream ends first; it carries (and consumes) the rest
     * @throws IllegalArgumentException if {@code separator} is empty
     * @throws UncheckedIOException if the connection failed, carrying its error (another error
     *         as it is)
     * @throws IllegalStateException if another task is already waiting on this reader, or it
     *         must wait outside a task
     */
    public byte[] readUntil(byte[] separator) {
        Objects.requireNonNull(separator, "separator");
        if (separator.length == 0) {
            throw new IllegalArgumentException("separator must not be empty");
        }
        throwIfFailed();
        int searchFrom = 0;
        while (true) {
            int found = indexOf(separator, searchFrom);
            if (found >= 0) {
                if (found > limit) {
                    throw new LimitOverrunException("separator is found, but the chunk is longer than the limit", found);
                }
                return take(found + separator.length);
            }
            searchFrom = Math.max(0, size() + 1 - separator.length);
            if (searchFrom > limit) {
                throw new LimitOverrunException("separator is not found, and the chunk exceeds the limit", searchFrom);
            }
            if (eof) {
                byte[] rest = take(size());
                throw new IncompleteReadException(rest, -1);
            }
            waitForData("readUntil");
        }
    }

    /**
     * The error the connection ended with, if any. Mirrors {@code exception()}.
     *
     * @return the error, or {@code null}
     */
    public Throwable exception() {
        return exception;
    }

    private int size() {
        return end - start + keptBytes;
    }

    private int indexOf(byte[] separator, int from) {
        copyKeptBuffer();
        outer:
        for (int i = start + from; i <= end - separator.length; i++) {
            for (int j = 0; j < separator.length; j++) {
                if (buffer[i + j] != separator[j]) {
                    continue outer;
                }
            }
            return i - start;
        }
        return -1;
    }

    private byte[] take(int n) {
        byte[] out;
        if (!kept.isEmpty()) {
            out = new byte[n]; // all from the kept buffers: nothing else is buffered beside them
            copyOut(n, out);
        } else if (start == 0 && n == buffer.length) {
            out = buffer; // every byte of it, and nothing else: hand it over
            buffer = NONE;
            end = 0;
        } else {
            out = Arrays.copyOfRange(buffer, start, start + n);
            start += n;
            if (start == end) {
                start = 0;
                end = 0;
            }
        }
        resumeIfDrained();
        return out;
    }

    /**
     * Moves the first {@code n} kept bytes into {@code out}, releasing each buffer it empties,
     * making no object (the reader owns its kept buffers).
     */
    private void copyOut(int n, byte[] out) {
        int at = 0;
        while (at < n) {
            ByteBuf k = kept.peekFirst();
            int length = Math.min(n - at, k.readableBytes());
            ReceivedBytes.copy(k, k.readerIndex(), out, at, length);
            k.skipBytes(length);
            at += length;
            if (!k.isReadable()) {
                kept.pollFirst();
                keptCapacity -= k.capacity();
                k.release();
            }
        }
        keptBytes -= n;
    }

    /** Pauses the transport once more than twice the limit is buffered, as asyncio's {@code feed_data}. */
    private void pauseIfOverfull() {
        if (transport != null && !paused && size() > 2 * limit) {
            paused = true;
            applyPause();
        }
    }

    private void resumeIfDrained() {
        if (paused && size() <= limit) {
            paused = false;
            applyPause();
        }
    }

    /** Puts bytes already taken back in front of the buffer, pausing the transport if that is too much. */
    private void unread(byte[] taken) {
        int n = taken.length;
        if (n == 0) {
            return;
        }
        copyKeptBuffer();
        if (start >= n) {
            start -= n;
        } else {
            byte[] joined = new byte[n + size()];
            System.arraycopy(buffer, start, joined, n, size());
            buffer = joined;
            end = joined.length;
            start = 0;
        }
        System.arraycopy(taken, 0, buffer, start, n);
        pauseIfOverfull();
    }

    private void ensureRoom(int n) {
        copyKeptBuffer(n);
        if (end + n <= buffer.length) {
            return;
        }
        int size = size();
        if (size == 0) {
            buffer = new byte[n];
        } else if (size + n <= buffer.length / 2) {
            System.arraycopy(buffer, start, buffer, 0, size);
        } else {
            byte[] bigger = new byte[Math.max(buffer.length * 2, size + n)];
            System.arraycopy(buffer, start, bigger, 0, size);
            buffer = bigger;
        }
        start = 0;
        end = size;
    }

    private void waitForData(String method) {
        if (waiter.hasWaiter()) {
            throw new IllegalStateException(method + "() called while another task is already waiting for incoming data");
        }
        // A read woken by too little data waits again; an error set since it was woken (the
        // connection lost) means nothing more will come, so it raises instead of waiting for good
        // (asyncio's set_exception reaches only a waiter still armed, and its read hangs there).
        throwIfFailed();
        // Armed before reading resumes (resumeForWait): data that arrives meanwhile wakes it.
        long wait = waiter.wakes(); // what the wait armed next is known by
        waiter.await(resumeForWait);
        if (failedWait == wait) {
            throw Failures.unchecked(exception);
        }
    }

    private void resumeForWait() {
        if (paused) {
            paused = false;
            applyPause();
        }
    }

    /**
     * Pauses or resumes the transport, as {@link #paused} now says: at once on the loop's thread;
     * from a task, in a callback of the loop right after. A task's call to a socket transport
     * suspends the task until the loop's thread has made it, and a cancellation there would raise
     * out of a read that had already taken its bytes, losing them (or out of a wait that is
     * armed): queued, the read never suspends but where it waits for data. The callback applies
     * whatever {@link #paused} says when it runs, so a pause and a resume in between cancel out
     * and the transport ends as the reader wants it.
     */
    private void applyPause() {
        if (LoopContext.currentTask() == null) {
            pauseChange();
        } else if (!pauseChangeQueued) {
            pauseChangeQueued = true;
            loop.callSoon(pauseChange);
        }
    }

    private void pauseChange() {
        pauseChangeQueued = false;
        if (paused) {
            transport.pauseReading();
        } else {
            transport.resumeReading();
        }
    }

    private void wakeWaiter() {
        waiter.wake();
    }

    private void throwIfFailed() {
        if (exception != null) {
            throw Failures.unchecked(exception);
        }
    }
}
