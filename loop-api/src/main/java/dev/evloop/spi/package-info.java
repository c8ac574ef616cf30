/**
 * The contract an I/O backend implements; users of evloop never need this package.
 *
 * <ul>
 *   <li>{@link dev.evloop.spi.LoopBackend}: a backend's name, rank, whether it runs here and why
 *       not, its Netty {@code IoHandlerFactory} and channel classes; found with
 *       {@link java.util.ServiceLoader}. {@link dev.evloop.spi.AbstractLoopBackend} holds what
 *       backends share, {@link dev.evloop.spi.Availability} the wording of why one cannot run.</li>
 *   <li>{@link dev.evloop.spi.IoWatchFactory} and {@link dev.evloop.spi.IoWatch}: how a backend
 *       watches a raw file descriptor for {@code addReader}/{@code addWriter}.</li>
 * </ul>
 *
 * <p>A backend module is two small classes: its {@code LoopBackend} and, where it watches
 * descriptors natively, its {@code IoWatchFactory}. The conformance suite runs every test once per
 * backend: a new backend is done when that suite passes on it.
 */
package dev.evloop.spi;
