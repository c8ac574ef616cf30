/**
 * Networking on Netty channels: asyncio's {@code selector_events.py}, kept apart from scheduling.
 *
 * <ul>
 *   <li>Connections: {@link dev.evloop.internal.net.Networking} opens them and listens,
 *       {@link dev.evloop.internal.net.StreamTransport} is every TCP, Unix and TLS transport, with
 *       its write side in {@link dev.evloop.internal.net.WriteFlow} and
 *       {@link dev.evloop.internal.net.WriteLimits}; {@link dev.evloop.internal.net.FlushOnPoll}
 *       batches flushes until the loop polls.</li>
 *   <li>Servers: {@link dev.evloop.internal.net.TcpServer}, and
 *       {@link dev.evloop.internal.net.GroupServer} with {@link dev.evloop.internal.net.GroupAcceptor}
 *       for a server spread over a {@link dev.evloop.LoopGroup}.</li>
 *   <li>TLS: {@link dev.evloop.internal.net.TlsHandlers} and {@link dev.evloop.internal.net.StartTls}.</li>
 *   <li>The rest: {@link dev.evloop.internal.net.UnixSockets},
 *       {@link dev.evloop.internal.net.DatagramEndpoints} with
 *       {@link dev.evloop.internal.net.UdpTransport}, {@link dev.evloop.internal.net.Resolver},
 *       {@link dev.evloop.internal.net.FileSender} and {@link dev.evloop.internal.net.FileSlice}
 *       ({@code sendfile}).</li>
 * </ul>
 */
package dev.evloop.internal.net;
