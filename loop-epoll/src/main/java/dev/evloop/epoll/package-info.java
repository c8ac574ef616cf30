/**
 * The epoll backend: Linux's epoll through Netty's native epoll transport. Two classes, as every backend has:
 * {@link dev.evloop.epoll.EpollBackend}, the {@link dev.evloop.spi.LoopBackend} that names Netty's
 * {@code IoHandlerFactory} and channel classes, says whether it runs on this host and why not, and is
 * registered with {@link java.util.ServiceLoader}; and {@link dev.evloop.epoll.EpollWatches}, how it
 * watches descriptors for {@code addReader}/{@code addWriter}. Nothing else of evloop depends on this
 * package: put the jar on the class path to make the backend available.
 */
package dev.evloop.epoll;
