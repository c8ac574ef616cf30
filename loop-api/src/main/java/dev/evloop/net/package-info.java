/**
 * Protocols and transports: asyncio's callback-based networking ({@code protocols.py},
 * {@code transports.py}, and the {@code create_server}/{@code create_connection} family, whose
 * methods are on {@link dev.evloop.EventLoop}).
 *
 * <ul>
 *   <li>What a user implements: {@link dev.evloop.net.Protocol} (data as it arrives),
 *       {@link dev.evloop.net.BufferedProtocol} (reads into your buffer),
 *       {@link dev.evloop.net.DatagramProtocol}; {@link dev.evloop.net.BaseProtocol} is their
 *       common part.</li>
 *   <li>What evloop hands over: {@link dev.evloop.net.Transport} (a connection, TCP, Unix or a
 *       pipe), {@link dev.evloop.net.DatagramTransport}, {@link dev.evloop.net.Server}, and the
 *       pairs {@link dev.evloop.net.Connection} and {@link dev.evloop.net.DatagramEndpoint}.</li>
 *   <li>How to connect: {@link dev.evloop.net.SocketOptions} (asyncio's keyword arguments) and
 *       {@link dev.evloop.net.Tls} (contexts from PEM files or a trust store).</li>
 * </ul>
 *
 * <pre>{@code
 * Server server = loop.runUntilComplete(loop.createServer(EchoProtocol::new, "127.0.0.1", 8888));
 * }</pre>
 *
 * <p>For tasks that read and write in sequence, {@link dev.evloop.streams} is the layer above.
 */
package dev.evloop.net;
