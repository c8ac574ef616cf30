/** The evloop selector backend. */
module dev.evloop.selector {
    requires dev.evloop;

    provides dev.evloop.spi.LoopBackend with dev.evloop.selector.SelectorBackend;
}
