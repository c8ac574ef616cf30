package dev.evloop.net;

import dev.evloop.EventLoop;


/**
 * A UDP endpoint made by {@link EventLoop#createDatagramEndpoint}: its transport and the protocol
 * the factory made for it. asyncio's {@code (transport, protocol)} pair.
 *
 * <pre>{@code
 * DatagramEndpoint<Client> e = loop.createDatagramEndpoint(Client::new, null,
 *         new InetSocketAddress("127.0.0.1", 9999), SocketOptions.defaults()).await();
 * e.transport().sendTo(request, null);
 * }</pre>
 *
 * @param transport the transport
 * @param protocol  the protocol
 * @param <P>       the protocol type
 */
public record DatagramEndpoint<P extends DatagramProtocol>(DatagramTransport transport, P protocol) {
}
