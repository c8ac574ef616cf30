package dev.evloop.process;

/**
 * A started child process's transport and protocol: the pair asyncio's
 * {@code loop.subprocess_exec} returns as {@code (transport, protocol)}.
 *
 * @param transport the child's transport
 * @param protocol  the protocol the factory made
 * @param <P>       the protocol's type
 */
public record SubprocessConnection<P extends SubprocessProtocol>(SubprocessTransport transport, P protocol) {
}
