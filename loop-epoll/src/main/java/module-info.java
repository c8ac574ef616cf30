/** The evloop epoll backend. */
module dev.evloop.epoll {
    requires dev.evloop;
    requires io.netty.transport.classes.epoll;

    provides dev.evloop.spi.LoopBackend with dev.evloop.epoll.EpollBackend;
}
