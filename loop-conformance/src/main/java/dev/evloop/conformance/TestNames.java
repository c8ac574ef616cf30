package dev.evloop.conformance;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.stream.Stream;

/**
 * The test JVM's name resolver: the system's, plus names with known addresses in a known order:
 * {@value #TWO_ADDRESSES} so that tests can see {@code createConnection} move on to the next
 * address and {@code createServer} listen on each, {@value #UNASSIGNABLE_FIRST} and
 * {@value #UNASSIGNABLE_ONLY} so that they can see {@code createServer} skip an address no
 * interface has ({@code 192.0.2.1}, from TEST-NET-1). Installed through
 * {@code META-INF/services}; {@code .test} is reserved for testing, so no real name is shadowed.
 */
public final class TestNames extends InetAddressResolverProvider {
    /** Resolves to {@code ::1}, then {@code 127.0.0.1}. */
    static final String TWO_ADDRESSES = "two-addresses.evloop.test";
    /** Resolves to {@code 192.0.2.1}, then {@code 127.0.0.1}. */
    static final String UNASSIGNABLE_FIRST = "unassignable-first.evloop.test";
    /** Resolves to {@code 192.0.2.1} only. */
    static final String UNASSIGNABLE_ONLY = "unassignable-only.evloop.test";

    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver system = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                if (TWO_ADDRESSES.equalsIgnoreCase(host)) {
                    return Stream.of(InetAddress.getByAddress(host, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}),
                            InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}));
                }
                if (UNASSIGNABLE_FIRST.equalsIgnoreCase(host)) {
                    return Stream.of(InetAddress.getByAddress(host, new byte[] {(byte) 192, 0, 2, 1}),
                            InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}));
                }
                if (UNASSIGNABLE_ONLY.equalsIgnoreCase(host)) {
                    return Stream.of(InetAddress.getByAddress(host, new byte[] {(byte) 192, 0, 2, 1}));
                }
                return system.lookupByName(host, policy);
            }

            @Override
            public String lookupByAddress(byte[] address) throws UnknownHostException {
                return system.lookupByAddress(address);
            }
        };
    }

    @Override
    public String name() {
        return "evloop test names";
    }
}
