package dev.evloop.internal.process;

import dev.evloop.net.Transport;
import io.netty.channel.Channel;
import java.net.SocketAddress;

/**
 * What every pipe transport shares: a pipe has no addresses and no Netty channel. The base of
 * {@link ReadPipeTransport} and {@link WritePipeTransport}, asyncio's {@code _UnixReadPipeTransport}
 * and {@code _UnixWritePipeTransport}.
 */
abstract class PipeTransport implements Transport {
    /** A pipe has no address: {@code null}. */
    @Override
    public SocketAddress localAddress() {
        return null;
    }

    /** A pipe has no address: {@code null}. */
    @Override
    public SocketAddress remoteAddress() {
        return null;
    }

    /** A pipe is not a Netty channel: {@code null}. */
    @Override
    public Channel channel() {
        return null;
    }
}
