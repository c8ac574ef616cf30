/** The evloop iouring backend. */
module dev.evloop.iouring {
    requires dev.evloop;
    requires io.netty.transport.classes.io_uring;
    requires io.netty.transport.unix.common;

    provides dev.evloop.spi.LoopBackend with dev.evloop.iouring.IoUringBackend;
}
