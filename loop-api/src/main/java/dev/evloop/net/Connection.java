package dev.evloop.net;

import dev.evloop.EventLoop;


/**
 * A connection made by {@link EventLoop#createConnection}: its transport and the protocol the
 * factory made for it. asyncio's {@code (transport, protocol)} pair.
 *
 * <pre>{@code
 * Connection<Client> c = loop.createConnection(Client::new, "127.0.0.1", 8888, SocketOptions.defaults()).await();
 * c.transport().write(request);
 * }</pre>
 *
 * @param transport the transport
 * @param protocol  the protocol
 * @param <P>       the protocol type
 */
public record Connection<P extends BaseProtocol>(Transport transport, P protocol) {
}
