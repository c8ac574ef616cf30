/** The evloop iouring backend. */
module dev.evloop.iouring {
    requires dev.evloop;
    requires io.netty.transport.classes.io_uring;

    provides dev.evloop.spi.LoopBackend with dev.evloop.iouring.IoUringBackend;
}
