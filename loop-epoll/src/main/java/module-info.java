/** The evloop epoll backend. */
module dev.evloop.epoll {
    requires dev.evloop;
    requires io.netty.transport.classes.epoll;
    requires io.netty.transport.unix.common;

    provides dev.evloop.spi.LoopBackend with dev.evloop.epoll.EpollBackend;
}
