package dev.evloop.net;

import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * What a UDP endpoint hears from its transport: datagrams, errors, its start and end, and when to
 * stop and resume sending. Mirrors asyncio's {@code DatagramProtocol}.
 *
 * <pre>{@code
 * class EchoServer implements DatagramProtocol {
 *     private DatagramTransport transport;
 *     public void connectionMade(DatagramTransport t) { transport = t; }
 *     public void datagramReceived(ByteBuffer data, SocketAddress from) { transport.sendTo(data, from); }
 * }
 * loop.createDatagramEndpoint(EchoServer::new, new InetSocketAddress("127.0.0.1", 9999), null,
 *         SocketOptions.defaults());
 * }</pre>
 *
 * <p>Unlike asyncio's, this interface does not extend {@link BaseProtocol}: there,
 * {@code connection_made} takes any {@code BaseTransport}, while evloop's
 * {@link BaseProtocol#connectionMade(Transport)} takes a stream {@link Transport}, with writes,
 * half-close and read pausing that a datagram endpoint does not have, and
 * {@link BaseProtocol#eofReceived()} has no meaning for UDP. A separate interface keeps every
 * callback one an endpoint really makes, with the transport type it really has, and the compiler
 * keeps stream protocols out of datagram endpoints and the other way round.
 *
 * <p>Every method runs on the loop's thread. An exception thrown from one goes to the loop's
 * exception handler and aborts that endpoint; the loop goes on.
 */
public interface DatagramProtocol {

    /**
     * The endpoint is bound (and connected, if it has a remote address): it can send and receive.
     * Mirrors {@code connection_made(transport)}.
     *
     * @param transport the endpoint's transport, to send with and close
     */
    default void connectionMade(DatagramTransport transport) {
    }

    /**
     * A datagram arrived. Mirrors {@code datagram_received(data, addr)}.
     *
     * <p>{@code data} is a view of the received buffer, valid only during the call, with the rules
     * of {@link Protocol#dataReceived}: sending it (or a slice of it) through a transport of this
     * loop during the call copies nothing, so treat it as read-only; copy what must be kept; the
     * view is emptied when the call returns, and a send of the last call's view after it returned
     * throws {@link IllegalStateException}.
     *
     * @param data    the datagram's bytes, from its position to its limit
     * @param address who sent it
     */
    default void datagramReceived(ByteBuffer data, SocketAddress address) {
    }

    /**
     * A send or receive failed with an I/O error that leaves the endpoint open, such as a
     * {@link java.net.PortUnreachableException} when the peer of a connected endpoint has nobody
     * listening (the kernel heard an ICMP port unreachable), or an {@link java.io.IOException}
     * saying "Message too long" (EMSGSIZE) for a datagram over the largest UDP payload (65,507
     * bytes over IPv4), which is not sent. Mirrors {@code error_received(exc)}.
     *
     * @param error what failed
     */
    default void errorReceived(Exception error) {
    }

    /**
     * The endpoint is closed; called exactly once, after {@link #connectionMade}. Mirrors
     * {@code connection_lost(exc)}.
     *
     * @param cause the error that ended it, or {@code null} for {@code close} and {@code abort}
     */
    default void connectionLost(Throwable cause) {
    }

    /**
     * The transport's send buffer went over its high-water mark: stop sending until
     * {@link #resumeWriting()}. Mirrors {@code pause_writing()}.
     */
    default void pauseWriting() {
    }

    /**
     * The send buffer drained below its low-water mark: sending may go on. Mirrors
     * {@code resume_writing()}.
     */
    default void resumeWriting() {
    }
}
