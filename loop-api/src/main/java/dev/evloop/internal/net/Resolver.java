package dev.evloop.internal.net;

import dev.evloop.LoopFuture;
import dev.evloop.internal.BaseEventLoop;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Name resolution that never blocks the loop, asyncio's {@code loop.getaddrinfo}: an IP literal
 * is turned into an address at once, without the resolver or the executor; a name is looked up by
 * {@link InetAddress#getAllByName} on the loop's default executor, as asyncio runs
 * {@code socket.getaddrinfo} there. Every address the resolver gives comes back, in its order.
 */
public final class Resolver {
    private Resolver() {
    }

    /**
     * The addresses of {@code host} at {@code port}.
     *
     * @throws NullPointerException if {@code host} is null
     * @throws IllegalArgumentException if {@code port} is out of range
     */
    public static LoopFuture<List<InetSocketAddress>> resolve(BaseEventLoop loop, String host, int port) {
        Objects.requireNonNull(host, "host");
        checkPort(port);
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(host);
        if (literal == null) {
            return loop.runInExecutor(null, () -> withPort(InetAddress.getAllByName(host), port));
        }
        LoopFuture<List<InetSocketAddress>> result = loop.createFuture();
        try {
            // The literal doubles as the host name, so nothing ever looks it up in reverse.
            result.setResult(List.of(new InetSocketAddress(InetAddress.getByAddress(host, literal), port)));
        } catch (UnknownHostException e) {
            result.setException(e);
        }
        return result;
    }

    static void checkPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be within 0..65535, got " + port);
        }
    }

    private static List<InetSocketAddress> withPort(InetAddress[] addresses, int port) {
        List<InetSocketAddress> result = new ArrayList<>(addresses.length);
        for (InetAddress address : addresses) {
            result.add(new InetSocketAddress(address, port));
        }
        return List.copyOf(result);
    }
}
