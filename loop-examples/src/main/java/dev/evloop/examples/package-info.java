/**
 * Small programs to copy, written against evloop's public API only. Each has a {@code main} that
 * {@code ./evloop example NAME [args]} builds and runs, listens on 127.0.0.1 by default, prints its
 * address, and shuts down gracefully on Ctrl-C (SIGINT) or SIGTERM:
 *
 * <ul>
 *   <li>{@link dev.evloop.examples.EchoServer} and {@link dev.evloop.examples.EchoClient}: echo in
 *       protocol style ({@code createServer}, {@code createConnection}, callbacks);</li>
 *   <li>{@link dev.evloop.examples.StreamEchoServer} and {@link dev.evloop.examples.StreamEchoClient}:
 *       echo in streams style ({@code Async.startServer}, {@code Async.openConnection}, tasks);</li>
 *   <li>{@link dev.evloop.examples.ChatServer}: a line chat broadcasting to the other members;</li>
 *   <li>{@link dev.evloop.examples.HttpServer}: HTTP/1.1 with keep-alive and pipelining, its own
 *       parser;</li>
 *   <li>{@link dev.evloop.examples.RedisServer}: a key-value server speaking RESP2;</li>
 *   <li>{@link dev.evloop.examples.GracefulShutdown}: the shutdown pattern in full, with a grace
 *       period;</li>
 *   <li>{@link dev.evloop.examples.BackgroundClient}: a loop on a background thread fed from plain
 *       threads;</li>
 *   <li>{@link dev.evloop.examples.BlockingWork}: CPU and blocking work on executors;</li>
 *   <li>{@link dev.evloop.examples.MultiLoopServer}: a loop per core sharing a port;</li>
 *   <li>loops of one's own on {@link dev.evloop.ForwardingEventLoop} (these print and exit):
 *       {@link dev.evloop.examples.MetricsLoop} (counts), {@link dev.evloop.examples.TracingLoop}
 *       (a trace of every scheduling call), {@link dev.evloop.examples.PriorityLoop}
 *       ({@code callSoonWithPriority}) and {@link dev.evloop.examples.CustomPolicy} (a policy that
 *       makes them).</li>
 * </ul>
 *
 * {@link dev.evloop.examples.Shutdown} is the small helper the servers share.
 */
package dev.evloop.examples;

import dev.evloop.Async;

