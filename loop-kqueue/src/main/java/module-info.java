/** The evloop kqueue backend. */
module dev.evloop.kqueue {
    requires dev.evloop;
    requires io.netty.transport.classes.kqueue;
    requires io.netty.transport.unix.common;

    provides dev.evloop.spi.LoopBackend with dev.evloop.kqueue.KQueueBackend;
}
