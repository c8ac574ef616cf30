/**
 * evloop: an asyncio-style event loop for Java on Netty 4.2, with swappable I/O backends.
 * {@code dev.evloop} is the API, {@code dev.evloop.spi} the contract backends implement.
 */
module dev.evloop {
    requires transitive io.netty.transport;
    requires transitive io.netty.common;
    // ByteBuf appears in Transport.write and DatagramTransport.sendTo
    requires transitive io.netty.buffer;
    // SslContext appears in SocketOptions and EventLoop.startTls
    requires transitive io.netty.handler;
    // sun.misc.Signal, reached at run time (internal/JvmSignals): the JDK's only way for a program
    // to handle SIGINT, SIGTERM, ...
    requires jdk.unsupported;
    // FileDescriptor, for the children's pipes of the native backends (spi/NativeChildPipes); they bring it
    requires static io.netty.transport.unix.common;
    // evloop's Flight Recorder events (internal/jfr)
    requires jdk.jfr;

    exports dev.evloop;
    exports dev.evloop.sync;
    exports dev.evloop.net;
    exports dev.evloop.streams;
    exports dev.evloop.process;
    exports dev.evloop.spi;

    uses dev.evloop.spi.LoopBackend;
}
