package dev.evloop.internal.net;

import dev.evloop.ExceptionContext;
import dev.evloop.internal.BaseEventLoop;
import dev.evloop.net.DatagramProtocol;
import dev.evloop.net.DatagramTransport;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A datagram transport on a Netty datagram channel: the last handler of the channel's pipeline,
 * turning received packets into protocol calls and sends into Netty writes. asyncio's
 * {@code _SelectorDatagramTransport}.
 *
 * <p>Sends are flushed before the loop's next poll, as {@link StreamTransport}'s writes are. Each
 * carries a promise (one small object) because its outcome matters twice: an I/O error becomes
 * {@link DatagramProtocol#errorReceived}, and {@link #close()} closes the channel only once every
 * send has left, which on io_uring is a later completion, not the flush itself. Netty's own way
 * to wait, writing an empty buffer behind the rest, would send an empty datagram here.
 */
final class UdpTransport extends ChannelInboundHandlerAdapter implements DatagramTransport {
    private static final System.Logger LOG = System.getLogger("dev.evloop");

    private final BaseEventLoop loop;
    private final DatagramChannel channel;
    private final DatagramProtocol protocol;
    /** The connected peer as it was resolved, or null for an endpoint that sends anywhere. */
    private final InetSocketAddress remote;
    private final ChannelFutureListener onSent = this::sent;
    private final WriteFlow flow;
    private final ReceivedData received;
    /** The bound address, kept for after the close, as asyncio keeps {@code sockname}. */
    private SocketAddress local;
    /** Sends handed to Netty whose outcome is not known yet: a close waits for them. */
    private int inFlight;
    private boolean made;
    private boolean closing;
    private boolean lost;
    private Throwable error;
    /** The last I/O error the protocol heard of: the cause if Netty then closes the channel itself. */
    private IOException lastIoError;
    private boolean warnedDroppedSend;

    UdpTransport(BaseEventLoop loop, DatagramChannel channel, DatagramProtocol protocol, InetSocketAddress remote) {
        this.loop = loop;
        this.channel = channel;
        this.protocol = protocol;
        this.remote = remote;
        this.flow = new WriteFlow(loop, channel, () -> guarded("pauseWriting", protocol::pauseWriting),
                () -> guarded("resumeWriting", protocol::resumeWriting), () -> !lost);
        this.received = loop.networking().received();
    }

    /**
     * Tells the protocol the endpoint is up: once, on the first of the channel going active and
     * its bind or connect completing, and never once it is closing. Either comes before any read.
     */
    void connectionMade() {
        if (made || closing) {
            return;
        }
        made = true;
        local = channel.localAddress();
        guarded("connectionMade", () -> protocol.connectionMade(this));
    }

    // ---- Netty events -----------------------------------------------------------------------

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        connectionMade();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        DatagramPacket packet = (DatagramPacket) msg;
        try {
            // As asyncio, which stops reading when close() is called: nothing arrives after it.
            if (made && !closing) {
                ByteBuf content = packet.content();
                ByteBuffer view = StreamTransport.view(content);
                boolean handing = received.begin(content, view);
                try { // not through guarded(): no lambda to allocate per datagram
                    protocol.datagramReceived(view, packet.sender());
                } catch (Throwable t) {
                    fault("datagramReceived", t);
                } finally {
                    if (handing) {
                        received.end();
                    }
                    ReceivedData.empty(view);
                }
            }
        } finally {
            packet.release();
        }
    }

    /** What the protocol sent while this read batch was handed over leaves now (see {@link WriteFlow#flushAfterReads()}). */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flow.flushAfterReads();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        flow.writabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        failed(cause);
    }

    /**
     * A read or send failed: an I/O error (asyncio's {@code OSError}) goes to
     * {@code errorReceived} and the endpoint stays open, as asyncio's does; anything else is
     * fatal to the endpoint.
     */
    private void failed(Throwable cause) {
        if (cause instanceof IOException io) {
            ioError(io);
        } else if (!lost && channel.isOpen()) {
            if (error == null) {
                error = cause;
            }
            closing = true;
            channel.close();
        }
    }

    private void ioError(IOException io) {
        if (lost || !channel.isOpen()) {
            return; // the closed channel failing what was pending tells the protocol nothing
        }
        lastIoError = io;
        if (made) {
            guarded("errorReceived", () -> protocol.errorReceived(io));
        }
    }

    private void sent(ChannelFuture f) {
        inFlight--;
        flow.datagramSent();
        if (!f.isSuccess()) {
            failed(f.cause());
        }
        if (inFlight == 0 && closing) {
            channel.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (lost) {
            return;
        }
        // Closed neither by us nor by the loop closing: Netty closed it after the error it reported.
        Throwable cause = closing || loop.isClosed() ? error : lastIoError;
        lost = true;
        closing = true;
        // Sends of tasks still waiting meet the closed channel, which releases and fails them.
        flow.movePending();
        if (made) {
            guarded("connectionLost", () -> protocol.connectionLost(cause));
        }
    }

    /**
     * Runs a protocol callback; a fault in it is reported and aborts this endpoint, as asyncio's
     * {@code _fatal_error} does, and its {@code connectionLost} hears of the fault. The fault
     * never reaches Netty or the loop.
     */
    private void guarded(String callback, Runnable call) {
        try {
            call.run();
        } catch (Throwable t) {
            fault(callback, t);
        }
    }

    private void fault(String callback, Throwable t) {
        loop.callExceptionHandler(ExceptionContext.of("Fatal error: protocol." + callback + "() call failed.", t)
                .with(ExceptionContext.PROTOCOL, protocol)
                .with(ExceptionContext.TRANSPORT, this));
        if (!lost) {
            if (error == null) {
                error = t;
            }
            closing = true;
            channel.close();
        }
    }

    // ---- DatagramTransport ------------------------------------------------------------------

    @Override
    public void sendTo(byte[] data, SocketAddress addr) {
        Objects.requireNonNull(data, "data");
        InetSocketAddress to = target(addr);
        if (sendable(data.length)) {
            send(channel.alloc().ioBuffer(data.length).writeBytes(data), to);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Received bytes being handed to a protocol of this loop now go out without a copy (see
     * {@link ReceivedData}).
     */
    @Override
    public void sendTo(ByteBuffer data, SocketAddress addr) {
        Objects.requireNonNull(data, "data");
        InetSocketAddress to = target(addr);
        int n = data.remaining();
        flow.checkCaller(); // before the loop's state is read: a stranger's send is refused first
        ByteBuf own = received.claim(data, true);
        if (own != null) {
            sendTo(own, to);
            return;
        }
        if (sendable(n)) {
            send(StreamTransport.copyInto(channel.alloc().ioBuffer(n), data), to);
        }
    }

    @Override
    public void sendTo(ByteBuf data, SocketAddress addr) {
        OwnedBuffers.alive(data);
        InetSocketAddress to;
        boolean accepted;
        try {
            to = target(addr);
            accepted = sendable(data.readableBytes());
        } catch (RuntimeException e) {
            data.release(); // the transport owns it from the call on, refused or not
            throw e;
        }
        if (accepted) {
            send(data, to);
        } else {
            data.release();
        }
    }

    /**
     * Where a datagram goes: {@code null} for the connected peer (the socket knows it), else the
     * address. The checks of asyncio's {@code sendto}, which raises {@code ValueError} for an
     * address other than the connected one.
     */
    private InetSocketAddress target(SocketAddress addr) {
        if (addr == null) {
            if (remote == null) {
                throw new NullPointerException("addr: this endpoint has no remote address, so each datagram needs one");
            }
            return null;
        }
        if (!(addr instanceof InetSocketAddress inet)) {
            throw new IllegalArgumentException("addr: a UDP endpoint sends to an InetSocketAddress, got "
                    + addr.getClass().getName() + " " + addr);
        }
        if (inet.isUnresolved()) {
            throw new IllegalArgumentException("addr: " + addr + " is unresolved; resolve it first, off the loop");
        }
        if (remote != null) {
            if (!remote.equals(inet)) {
                throw new IllegalArgumentException("addr: must be null or " + remote
                        + ", the remote address of this connected endpoint, got " + addr);
            }
            return null;
        }
        return inet;
    }

    /**
     * Whether a datagram may be sent now: only from the loop's thread or its tasks; an empty one
     * never is (Netty's NIO transport drops them, so no backend sends them); once the transport is
     * closing it is dropped, as asyncio drops it, and that is logged once.
     */
    private boolean sendable(int bytes) {
        flow.checkCaller();
        if (closing && bytes > 0 && !warnedDroppedSend) {
            warnedDroppedSend = true;
            LOG.log(System.Logger.Level.WARNING, "dropping datagrams sent to " + this + ": it is closing");
        }
        return !closing && bytes > 0;
    }

    /** Channel operations run on the loop's own thread; see {@link BaseEventLoop#runOnLoopThread}. */
    private void onLoopThread(Runnable op) {
        if (channel.eventLoop().inEventLoop()) {
            op.run();
        } else {
            loop.runOnLoopThread(op);
        }
    }

    /** Into the channel from the loop's thread; from a task, into the flow's pending list, without waiting. */
    private void send(ByteBuf buf, InetSocketAddress to) {
        inFlight++;
        ChannelPromise sent = channel.newPromise();
        sent.addListener(onSent);
        flow.write(to == null ? buf : new DatagramPacket(buf, to), buf.readableBytes(), sent);
    }

    /** Sends what was handed over so far, by callbacks and tasks. */
    void flushNow() {
        flow.flushNow();
    }

    @Override
    public void close() {
        onLoopThread(this::close0);
    }

    private void close0() {
        if (closing) {
            return;
        }
        closing = true;
        flushNow();
        if (inFlight == 0) {
            channel.close();
        } // else the last send's outcome closes it
    }

    @Override
    public void abort() {
        onLoopThread(() -> {
            closing = true;
            // The tasks' sends join the channel's unsent ones, which the close drops and fails.
            flow.movePending();
            channel.close();
        });
    }

    @Override
    public boolean isClosing() {
        return closing;
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
        return local;
    }

    @Override
    public SocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public DatagramChannel channel() {
        return channel;
    }

    @Override
    public String toString() {
        return "<DatagramTransport " + local + (remote == null ? "" : " -> " + remote)
                + (lost ? " closed" : closing ? " closing" : "") + ">";
    }
}
