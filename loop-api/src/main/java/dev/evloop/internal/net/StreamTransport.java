package dev.evloop.internal.net;

import dev.evloop.ExceptionContext;
import dev.evloop.InvalidStateException;
import dev.evloop.LoopFuture;
import dev.evloop.internal.BaseEventLoop;
import dev.evloop.internal.jfr.ConnectionEvent;
import dev.evloop.net.BaseProtocol;
import dev.evloop.net.BufferedProtocol;
import dev.evloop.net.Protocol;
import dev.evloop.net.Transport;
import dev.evloop.streams.StreamProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * A stream transport on a Netty channel: the last handler of the channel's pipeline, turning
 * Netty's events into protocol calls and the protocol's writes into Netty writes. asyncio's
 * {@code _SelectorSocketTransport}.
 *
 * <p>Writes are not flushed one by one: the transport asks its loop for a flush before its next
 * poll, so a burst of small writes leaves in one system call, and flushes at once past
 * {@link WriteFlow#FLUSH_THRESHOLD} bytes. A write from one of the loop's tasks does not wait for
 * the loop's thread: it joins the {@link WriteFlow}'s pending list, which goes into the channel
 * before the next poll and before any other operation on the channel.
 *
 * <p>{@link #pauseReading()} turns Netty's auto-read off, but that alone does not stop delivery:
 * {@link SslHandler} fires one read per record it decrypts from a socket read, and the epoll and
 * io_uring channels read to the end once the peer has closed. So a paused transport holds what
 * still arrives, the peer's EOF and the channel's end included, in the order it came, and hands it
 * over on resume, as Netty's {@code FlowControlHandler} does but without a handler of its own: an
 * unpaused read costs one more branch and nothing more. A transport the user closes while paused
 * drops what it held, as asyncio never reads a closing transport.
 *
 * <p>Nor does it read one that is not paused: asyncio's {@code close()} removes the reader, so the
 * protocol of a closing transport hears {@code connectionLost} and nothing else, however long its
 * unsent data keeps the connection open. {@link #close()} turns auto-read off, and whatever Netty
 * still hands over once the transport is closing is dropped: bytes read in the same batch, records
 * the {@link SslHandler} decrypts from one socket read, an io_uring read that completes in a later
 * poll, the rest of the peer's stream that epoll and io_uring read after its end, the end itself.
 * Over TLS too, which asyncio's {@code SSLProtocol} does not quite do: it calls the protocol's
 * {@code eof_received} once the shutdown its close began is over, an EOF whose answer it ignores.
 * Here a TLS transport keeps the plain transport's promise, so that a protocol hears the same
 * whatever runs below it.
 */
final class StreamTransport extends ChannelInboundHandlerAdapter implements Transport {
    private static final System.Logger LOG = System.getLogger("dev.evloop");

    private final BaseEventLoop loop;
    private final Channel channel;
    private final BaseProtocol protocol;
    private final Runnable onLost;
    private final WriteFlow flow;
    private final ReceivedData received;
    private boolean closing;
    private boolean eofWritten;
    private boolean eofReceived;
    private boolean lost;
    private Throwable error;
    private boolean warnedDroppedWrite;
    /** connectionMade was called: only then does the protocol hear of the connection's end. */
    private boolean made;
    /** TLS runs below this transport: connectionMade waits for its handshake; no half-close. */
    private boolean tls;
    /**
     * The backend whose channel closes itself on the peer's end of stream instead of half-closing
     * (see {@link #closedByPeerEof}); {@code null} for a channel that half-closes as TCP does.
     */
    private String closesOnPeerEof;
    /** The peer's end closed this connection under us: every later write is refused, loudly. */
    private boolean writesEndedByPeer;
    /** How Netty failed the writes still queued when it closed such a channel at the peer's end. */
    private ClosedChannelException unsentAtPeerEof;
    /** The channel's input ended (Netty's input-shutdown event), whether the protocol heard of it yet or not. */
    private boolean inputEnded;
    /** pauseReading() was called and resumeReading() not yet. */
    private boolean paused;
    /**
     * What arrived while paused, oldest first: {@link ByteBuf}s, then perhaps {@link #HELD_EOF},
     * then perhaps {@link #HELD_LOSS}. Made at the first pause that needs it; empty while not held.
     */
    private ArrayDeque<Object> held;
    /** The user closed or aborted the transport: what was held is dropped, nothing more is held. */
    private boolean closedByUser;
    /** The channel's end was held; whether it was the peer's end of stream (see {@link #closedByPeerEof}). */
    private boolean heldLossByPeerEof;
    /** A drain of {@link #held} is scheduled on the loop. */
    private boolean drainScheduled;
    /** {@link #drainHeld()} is handing held events over: a resume inside one must not start another. */
    private boolean draining;
    /** connectionLost was called (or the connection was never made and ended): nothing follows it. */
    private boolean ended;

    /** The peer's end of stream, held while paused. */
    private static final Object HELD_EOF = new Object();
    /** The channel's end, held while paused; always the last held event. */
    private static final Object HELD_LOSS = new Object();

    /** Bytes received, and bytes handed to {@link #write} and friends: for the JFR connection event. */
    private long bytesRead;
    private long bytesWritten;

    StreamTransport(BaseEventLoop loop, Channel channel, BaseProtocol protocol, Runnable onLost) {
        this.loop = loop;
        this.channel = channel;
        this.protocol = protocol;
        this.onLost = onLost;
        this.flow = new WriteFlow(loop, channel, () -> guarded("pauseWriting", protocol::pauseWriting),
                () -> guarded("resumeWriting", protocol::resumeWriting), () -> !lost);
        this.tls = channel.pipeline().get(SslHandler.class) != null;
        loop.networking().opened(this, channel);
        this.received = loop.networking().received();
    }

    // ---- Netty events -----------------------------------------------------------------------

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (!tls) {
            made();
        }
    }

    private void made() {
        made = true;
        ConnectionEvent.opened(channel.localAddress(), channel.remoteAddress());
        guarded("connectionMade", () -> protocol.connectionMade(this));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        if (closing || !buf.isReadable()) {
            buf.release();
            return;
        }
        bytesRead += buf.readableBytes();
        if (paused || held != null && !held.isEmpty()) {
            hold(buf); // newer data waits behind what is held
            return;
        }
        try {
            deliver(buf);
        } finally {
            buf.release();
        }
    }

    /** Hands received bytes to the protocol. Not through guarded(): no lambda to allocate per read. */
    private void deliver(ByteBuf buf) {
        if (protocol instanceof StreamProtocol streams) {
            try {
                streams.bufferReceived(buf); // the reader keeps the buffer rather than copy from a view
            } catch (Throwable t) {
                callbackFailed("dataReceived", t);
            }
        } else if (protocol instanceof Protocol plain) {
            ByteBuffer view = view(buf);
            boolean handing = received.begin(buf, view);
            try {
                plain.dataReceived(view);
            } catch (Throwable t) {
                callbackFailed("dataReceived", t);
            } finally {
                if (handing) {
                    received.end();
                }
                ReceivedData.empty(view);
            }
        } else if (protocol instanceof BufferedProtocol buffered) {
            try {
                fill(buffered, buf);
            } catch (Throwable t) {
                callbackFailed("bufferUpdated", t);
            }
        }
    }

    /**
     * Keeps an event that arrived while paused (or behind held ones) for {@link #drainHeld()}; once
     * the user closed the transport, drops it instead, releasing a buffer.
     */
    private void hold(Object event) {
        if (closedByUser) {
            if (event instanceof ByteBuf buf) {
                buf.release();
            }
            return;
        }
        held().add(event);
    }

    private ArrayDeque<Object> held() {
        if (held == null) {
            held = new ArrayDeque<>();
        }
        return held;
    }

    /**
     * The bytes of a received buffer as a {@link ByteBuffer} of its own, valid until the buffer is
     * released. Not the buffer's cached internal view ({@code internalNioBuffer}): a write of the
     * received buffer (see {@link ReceivedData}) puts it into the channel, whose NIO flush moves
     * that very view's position as it sends, under the protocol still reading it.
     */
    static ByteBuffer view(ByteBuf buf) {
        return buf.nioBuffer();
    }

    /**
     * Fills the protocol's buffers with the received bytes, one {@code bufferUpdated} per buffer, as
     * asyncio's {@code recv_into} does; a protocol that pauses inside one gets the rest on resume,
     * before anything newer.
     */
    private void fill(BufferedProtocol protocol, ByteBuf buf) {
        // A close or abort in bufferUpdated ends the read: asyncio reads no more after either.
        while (buf.isReadable() && !closedByUser) {
            if (paused) {
                held().addFirst(buf.retain()); // older than anything held: it came before
                return;
            }
            ByteBuffer target = protocol.getBuffer(buf.readableBytes());
            if (target == null || !target.hasRemaining()) {
                throw new IllegalStateException("getBuffer() returned a buffer with no room");
            }
            int n = Math.min(target.remaining(), buf.readableBytes());
            copy(buf, target, n);
            buf.skipBytes(n);
            protocol.bufferUpdated(n);
        }
    }

    /**
     * Copies {@code n} received bytes into {@code target} at its position, leaving both buffers'
     * positions and limits alone and making no object: into an array as {@link ReceivedBytes}
     * does, into a direct buffer with an absolute put from the received buffer's cached view
     * ({@code nioBuffer()} would make one per call). Safe here: nothing else holds this buffer
     * while the copy runs.
     */
    private static void copy(ByteBuf buf, ByteBuffer target, int n) {
        if (target.hasArray()) {
            ReceivedBytes.copy(buf, buf.readerIndex(), target.array(), target.arrayOffset() + target.position(), n);
            return;
        }
        ByteBuffer source = buf.nioBufferCount() == 1 ? buf.internalNioBuffer(buf.readerIndex(), n)
                : buf.nioBuffer(buf.readerIndex(), n);
        target.put(target.position(), source, source.position(), n);
    }

    /** What the protocol wrote while this read batch was handed over leaves now (see {@link WriteFlow#flushAfterReads()}). */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flow.flushAfterReads();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent handshake) {
            // A failed handshake closes the channel; the protocol never hears of it, as in asyncio.
            if (handshake.isSuccess() && !made && !lost) {
                made();
            }
        } else if (evt == ChannelInputShutdownEvent.INSTANCE) {
            inputEnded = true;
            if (closing) {
                return;
            }
            if (paused || held != null && !held.isEmpty()) {
                hold(HELD_EOF);
            } else {
                deliverEof();
            }
        }
    }

    private void deliverEof() {
        eofReceived = true;
        boolean[] keepOpen = {false};
        guarded("eofReceived", () -> keepOpen[0] = protocol.eofReceived());
        if (!keepOpen[0] || eofWritten) {
            close(); // nothing more can travel either way
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        flow.writabilityChanged();
    }

    /**
     * Marks this transport's channel as one that cannot receive a half-close: Netty closes it
     * itself when the peer ends its side (Unix sockets on some backends), so the transport reports
     * that end as the peer's EOF and refuses writes after it. Must run before the channel is active.
     */
    void closesOnPeerEof(String backend) {
        closesOnPeerEof = backend;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (closesOnPeerEof != null && !closing && !channel.isOpen() && cause instanceof ClosedChannelException closed) {
            // Netty closed the channel itself at the peer's end of stream and fails what we had
            // queued: not an error of the connection, but data lost, which connectionLost reports.
            if (unsentAtPeerEof == null) {
                unsentAtPeerEof = closed;
            }
            return;
        }
        if (error == null && !closing) {
            error = cause; // an error after we chose to close ends nothing the protocol cares about
        }
        closing = true;
        channel.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (lost) {
            return;
        }
        // Writes of tasks still waiting meet the closed channel, which releases them and reports
        // them as unsent, as it did the writes it held.
        movePending();
        lost = true;
        boolean byPeerEof = closedByPeerEof();
        closing = true;
        if (made && !closedByUser && (paused || held != null && !held.isEmpty())) {
            // The protocol hears of the end after what it has not yet heard, on resume. The held
            // bytes leave the channel's allocator now, so nothing of the connection outlives it
            // should the protocol never resume.
            copyHeldToHeap();
            heldLossByPeerEof = byPeerEof;
            hold(HELD_LOSS);
            return;
        }
        connectionEnded(byPeerEof);
    }

    /** Tells the protocol the connection ended, once: asyncio's {@code connection_lost} and what precedes it. */
    private void connectionEnded(boolean byPeerEof) {
        if (ended) {
            return;
        }
        ended = true;
        if (made) {
            ConnectionEvent.closed(channel.localAddress(), channel.remoteAddress(), bytesRead, bytesWritten);
        }
        if (made && byPeerEof) {
            writesEndedByPeer = true;
            Throwable cause = unsentAtPeerEof == null ? null
                    : new IOException(peerEndedWrites() + "; data still queued was not sent", unsentAtPeerEof);
            // asyncio's order, eof_received then connection_lost; its answer cannot keep a closed channel open
            guarded("eofReceived", protocol::eofReceived);
            guarded("connectionLost", () -> protocol.connectionLost(cause));
        } else if (made) {
            guarded("connectionLost", () -> protocol.connectionLost(error));
        } else if (error != null) {
            // asyncio logs a failed TLS handshake only in debug mode: it is the peer's doing.
            LOG.log(System.Logger.Level.DEBUG, () -> "connection with " + channel.remoteAddress()
                    + " ended before it was made", error);
        }
        if (onLost != null) {
            onLost.run();
        }
    }

    /**
     * Whether the channel that just went inactive was closed by Netty on the peer's end of stream,
     * on a channel that cannot half-close: we were not closing it, no EOF arrived, and there
     * was no I/O error (a reset or a failed read would have come through exceptionCaught first).
     */
    private boolean closedByPeerEof() {
        return closesOnPeerEof != null && !closing && !inputEnded && error == null;
    }

    /** Replaces each held buffer by an unpooled heap copy and releases the original. */
    private void copyHeldToHeap() {
        if (held == null) {
            return;
        }
        for (int i = held.size(); i > 0; i--) {
            Object event = held.poll();
            if (event instanceof ByteBuf buf) {
                try {
                    event = Unpooled.wrappedBuffer(ByteBufUtil.getBytes(buf));
                } finally {
                    buf.release();
                }
            }
            held.add(event);
        }
    }

    /**
     * Drops what was held when the user closes: data and EOF are released unread. A held end of
     * the channel stays, to be reported soon, as asyncio's {@code close()} reports the loss with
     * {@code call_soon}.
     */
    private void dropHeld() {
        if (held == null || held.isEmpty()) {
            return;
        }
        boolean lossHeld = false;
        Object event;
        while ((event = held.poll()) != null) {
            if (event instanceof ByteBuf buf) {
                buf.release();
            } else if (event == HELD_LOSS) {
                lossHeld = true;
            }
        }
        if (lossHeld) {
            held.add(HELD_LOSS);
            scheduleDrain();
        }
    }

    private void scheduleDrain() {
        if (!drainScheduled && !draining) {
            drainScheduled = true;
            loop.callSoonFromAnyThread(this::drainHeld);
        }
    }

    /**
     * Hands over what was held, oldest first, until the protocol pauses again (a held end of the
     * channel still comes once the user closed); then reads again if nothing is left. A callback
     * that resumes inside it only clears the pause: this loop goes on, so nothing overtakes.
     */
    private void drainHeld() {
        drainScheduled = false;
        draining = true;
        try {
            Object event;
            while ((!paused || closedByUser) && (event = held.poll()) != null) {
                if (event instanceof ByteBuf buf) {
                    try {
                        deliver(buf);
                    } finally {
                        buf.release();
                    }
                } else if (event == HELD_EOF) {
                    deliverEof();
                } else {
                    connectionEnded(heldLossByPeerEof);
                }
            }
        } finally {
            draining = false;
        }
        if (!paused && !closedByUser && held.isEmpty()) {
            readAgain();
        }
    }

    /** Why nothing can be written after the peer's EOF on such a channel. */
    private String peerEndedWrites() {
        return "the peer ended its side of the connection and the " + closesOnPeerEof
                + " backend's Unix sockets cannot keep writing after that (Netty 4.2.18);"
                + " the epoll and kqueue backends can (-Dloop.backend=epoll)";
    }

    /**
     * Runs a protocol callback; a fault in it is reported and aborts this connection, as asyncio's
     * {@code _fatal_error} does, and never reaches Netty or the loop.
     */
    private void guarded(String callback, Runnable call) {
        try {
            call.run();
        } catch (Throwable t) {
            callbackFailed(callback, t);
        }
    }

    private void callbackFailed(String callback, Throwable t) {
        loop.callExceptionHandler(ExceptionContext.of("Fatal error: protocol." + callback + "() call failed.", t)
                .with(ExceptionContext.PROTOCOL, protocol)
                .with(ExceptionContext.TRANSPORT, this));
        if (!ended) {
            abort();
        }
    }

    // ---- Transport --------------------------------------------------------------------------

    @Override
    public void write(byte[] data) {
        Objects.requireNonNull(data, "data");
        if (writable(data.length)) {
            send(channel.alloc().buffer(data.length).writeBytes(data));
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Received bytes being handed to a protocol of this loop now go out without a copy (see
     * {@link ReceivedData}). Over TLS only a slice of the received buffer is written, never the
     * buffer itself: {@link SslHandler} may grow a buffer it is given, which would move the bytes
     * the protocol's view still shows.
     */
    @Override
    public void write(ByteBuffer data) {
        Objects.requireNonNull(data, "data");
        int n = data.remaining();
        flow.checkCaller(); // before the loop's state is read: a stranger's write is refused first
        ByteBuf own = received.claim(data, !tls);
        if (own != null) {
            write(own);
            return;
        }
        if (writable(n)) {
            send(copyInto(channel.alloc().buffer(n), data));
        }
    }

    /**
     * Appends a copy of {@code data}'s bytes (position to limit) to {@code to} and returns it,
     * leaving {@code data}'s position as it was. A heap buffer's bytes go in as an array: Netty
     * copies an array into its pooled memory through that memory's own cached view, where a
     * {@code ByteBuffer} source costs a new view of the fresh buffer (or a duplicate of the source)
     * on every write.
     */
    static ByteBuf copyInto(ByteBuf to, ByteBuffer data) {
        int position = data.position();
        if (data.hasArray()) {
            return to.writeBytes(data.array(), data.arrayOffset() + position, data.remaining());
        }
        to.writeBytes(data);
        data.position(position); // without a duplicate to allocate
        return to;
    }

    @Override
    public void write(ByteBuf data) {
        OwnedBuffers.alive(data);
        boolean accepted;
        try {
            accepted = writable(data.readableBytes());
        } catch (IllegalStateException refused) {
            data.release(); // the transport owns it from the call on, refused or not
            throw refused;
        }
        if (accepted) {
            send(data);
        } else {
            data.release();
        }
    }

    /**
     * Channel operations run on the loop's own thread: Netty treats a task's virtual thread as a
     * foreign one and would queue them, out of order with the rest.
     */
    private void onLoopThread(Runnable op) {
        if (channel.eventLoop().inEventLoop()) {
            op.run();
        } else {
            loop.runOnLoopThread(op);
        }
    }

    /**
     * Whether data may be written now: only from the loop's thread or its tasks; never after
     * writeEof; once the transport is closing the data is dropped, as asyncio drops it, and that
     * is logged once.
     */
    private boolean writable(int bytes) {
        flow.checkCaller();
        if (eofWritten) {
            throw new IllegalStateException("cannot write after writeEof()");
        }
        refuseIfEndedByPeer();
        if (closing && bytes > 0 && !warnedDroppedWrite) {
            warnedDroppedWrite = true;
            LOG.log(System.Logger.Level.WARNING, "dropping writes to " + this + ": it is closing");
        }
        return !closing && bytes > 0;
    }

    /** Into the channel from the loop's thread; from a task, into the flow's pending list, without waiting. */
    private void send(ByteBuf buf) {
        bytesWritten += buf.readableBytes();
        flow.write(buf, buf.readableBytes(), channel.voidPromise());
    }

    /** Sends what was written so far, by callbacks and tasks. */
    void flushNow() {
        flow.flushNow();
    }

    /**
     * Hands the writes tasks made to the channel, unflushed, so that a channel operation made next
     * comes after them. On the loop thread.
     */
    void movePending() {
        flow.movePending();
    }

    /** After the peer's end closed a channel that cannot half-close, a write would be lost: say so at the call. */
    private void refuseIfEndedByPeer() {
        if (writesEndedByPeer) {
            throw new IllegalStateException("cannot write: " + peerEndedWrites());
        }
    }

    @Override
    public void writeEof() {
        // Before anything else, closing or not: asyncio's SSL transport raises whatever its state,
        // where a socket transport ignores a write_eof once closing.
        refuseUnlessCanHalfClose();
        if (!eofWritten) {
            refuseIfEndedByPeer(); // a half-close already sent was not lost: repeating it stays harmless
        }
        onLoopThread(this::writeEof0);
    }

    private void writeEof0() {
        refuseUnlessCanHalfClose(); // again: a task's call waits for the loop's thread, and TLS may have started meanwhile
        if (eofWritten || closing) {
            return;
        }
        DuplexChannel duplex = (DuplexChannel) channel;
        eofWritten = true;
        flushNow();
        if (eofReceived) {
            close(); // the peer has finished too: a half-close is a close
            return;
        }
        // Netty fails writes still queued when the output shuts down: shut it after they are sent.
        flow.writeEnd(f -> duplex.shutdownOutput());
    }

    private void refuseUnlessCanHalfClose() {
        if (!canWriteEof()) {
            throw new UnsupportedOperationException("this transport cannot half-close" + (tls ? ": it is TLS" : ""));
        }
    }

    @Override
    public LoopFuture<Long> sendfile(Path path, long offset, long count) {
        checkCanSendfile();
        return FileSender.sendfile(loop, this, path, offset, count);
    }

    @Override
    public LoopFuture<Long> sendfile(FileChannel file, long offset, long count) {
        checkCanSendfile();
        return FileSender.sendfile(loop, this, file, offset, count);
    }

    /** A file joins the stream where a write could: not after writeEof, and not once closing. */
    private void checkCanSendfile() {
        if (eofWritten) {
            throw new IllegalStateException("cannot sendfile after writeEof()");
        }
        refuseIfEndedByPeer();
        if (closing) {
            throw new IllegalStateException("cannot sendfile: " + this + " is closing");
        }
    }

    @Override
    public boolean canWriteEof() {
        return !tls && channel instanceof DuplexChannel;
    }

    @Override
    public void close() {
        onLoopThread(this::close0);
    }

    private void close0() {
        closedByUser = true;
        dropHeld();
        if (closing) {
            return;
        }
        closing = true;
        // The channel stays open until the unsent data has left; it reads nothing meanwhile.
        channel.config().setAutoRead(false);
        flushNow();
        flow.writeEnd(ChannelFutureListener.CLOSE);
    }

    @Override
    public void abort() {
        onLoopThread(() -> {
            closedByUser = true;
            dropHeld();
            closing = true;
            // The tasks' writes join the channel's unsent ones, which the close drops and releases.
            movePending();
            channel.close();
        });
    }

    @Override
    public boolean isClosing() {
        return closing;
    }

    /**
     * {@inheritDoc}
     *
     * <p>From the call on, the protocol hears nothing until {@link #resumeReading()}: what still
     * arrives (bytes Netty or TLS had already read, the peer's EOF, the channel's end) is held.
     */
    @Override
    public void pauseReading() {
        onLoopThread(() -> {
            // asyncio: a closing transport neither pauses nor resumes
            if (paused || closedByUser || ended) {
                return;
            }
            paused = true;
            channel.config().setAutoRead(false);
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>What was held while paused comes first, from a callback of the loop, before anything the
     * channel reads after it.
     */
    @Override
    public void resumeReading() {
        onLoopThread(() -> {
            if (!paused || closedByUser) {
                return;
            }
            paused = false;
            if (held != null && !held.isEmpty()) {
                scheduleDrain(); // reading starts again once it is all handed over
            } else {
                readAgain();
            }
        });
    }

    /** Turns auto-read back on, if the channel can still read: it is open and the peer has not ended. */
    private void readAgain() {
        if (!lost && !inputEnded && channel.isActive() && !channel.config().isAutoRead()
                && !(channel instanceof DuplexChannel duplex && duplex.isInputShutdown())) {
            channel.config().setAutoRead(true);
            channel.read();
        }
    }

    @Override
    public boolean isReading() {
        return !paused && !closing;
    }

    @Override
    public void setWriteBufferLimits(int high, int low) {
        WriteBufferWaterMark marks = WriteLimits.waterMark(high, low);
        onLoopThread(() -> flow.setLimits(marks));
    }

    @Override
    public long writeBufferSize() {
        return flow.bufferSize();
    }

    @Override
    public SocketAddress localAddress() {
        return channel.localAddress();
    }

    @Override
    public SocketAddress remoteAddress() {
        return channel.remoteAddress();
    }

    @Override
    public Channel channel() {
        return channel;
    }

    /**
     * Puts TLS under this live transport: plain writes made so far leave first, later ones are
     * encrypted (held until the handshake is done). Must run on the loop thread.
     */
    void startTls(SslHandler handler, LoopFuture<Transport> result) {
        if (closing) {
            result.setException(new InvalidStateException("the transport is closing"));
            return;
        }
        if (tls) {
            result.setException(new InvalidStateException("the transport already runs TLS"));
            return;
        }
        FileSender sender = channel.pipeline().get(FileSender.class);
        if (sender != null && sender.busy()) {
            // The rest of the file would be encrypted mid-stream.
            result.setException(new InvalidStateException("a sendfile is still in progress on the transport"));
            return;
        }
        tls = true;
        flushNow();
        channel.pipeline().addFirst(handler);
        if (!channel.config().isAutoRead()) {
            // A paused transport must still read the handshake: SslHandler asks for more reads
            // itself until it is done, once one has started.
            channel.read();
        }
        handler.handshakeFuture().addListener(h -> {
            if (result.isDone()) {
                abort(); // the caller gave up on it
            } else if (h.isSuccess()) {
                result.setResult(this);
            } else {
                result.setException(h.cause());
                abort();
            }
        });
    }

    @Override
    public String toString() {
        return "<Transport " + channel.localAddress() + " -> " + channel.remoteAddress()
                + (lost ? " closed" : closing ? " closing" : "") + ">";
    }
}
