package dev.evloop.net;

import dev.evloop.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import javax.net.ssl.SSLException;

/**
 * TLS contexts for {@link SocketOptions#ssl} and {@link EventLoop#startTls}, made with the JDK's
 * own TLS provider so no native library is needed: asyncio's {@code ssl.create_default_context()}
 * and {@code SSLContext.load_cert_chain()}.
 *
 * <pre>{@code
 * SslContext serverTls = Tls.serverContext(Path.of("cert.pem"), Path.of("key.pem"));
 * loop.createServer(Echo::new, "0.0.0.0", 8443, SocketOptions.defaults().ssl(serverTls));
 *
 * SslContext clientTls = Tls.clientContext();              // trusts what the JDK trusts
 * loop.createConnection(Client::new, "example.org", 443, SocketOptions.defaults().ssl(clientTls));
 * }</pre>
 *
 * <p>Client contexts check the server's host name (Netty 4.2's default, and asyncio's
 * {@code check_hostname=True}). Any Netty {@link SslContext} works in their place, built with
 * {@link SslContextBuilder}; use {@link SslProvider#JDK} unless netty-tcnative is on the path.
 */
public final class Tls {
    private Tls() {
    }

    /**
     * A server context from PEM files: the certificate chain (the server's certificate first) and
     * its unencrypted PKCS#8 private key ({@code -----BEGIN PRIVATE KEY-----}; convert other
     * formats with {@code openssl pkcs8 -topk8 -nocrypt}).
     *
     * @param certificateChainPem the certificate chain
     * @param privateKeyPem       the private key
     * @return the context
     * @throws IllegalArgumentException if a file cannot be read
     * @throws SSLException if the files hold no usable certificate or key
     */
    public static SslContext serverContext(Path certificateChainPem, Path privateKeyPem) throws SSLException {
        return SslContextBuilder.forServer(readable(certificateChainPem, "certificateChainPem").toFile(),
                        readable(privateKeyPem, "privateKeyPem").toFile())
                .sslProvider(SslProvider.JDK)
                .build();
    }

    /**
     * A client context that trusts the JDK's default certificate authorities and checks the
     * server's host name.
     *
     * @return the context
     * @throws SSLException if the JDK's TLS provider cannot be set up
     */
    public static SslContext clientContext() throws SSLException {
        return SslContextBuilder.forClient().sslProvider(SslProvider.JDK).build();
    }

    /**
     * A client context that trusts only the certificates in a PEM file (a private CA, or a
     * server's self-signed certificate) and checks the server's host name. Mirrors
     * {@code ssl.create_default_context(cafile=...)}.
     *
     * @param trustedCertificatesPem the certificates to trust
     * @return the context
     * @throws IllegalArgumentException if the file cannot be read
     * @throws SSLException if the file holds no usable certificate
     */
    public static SslContext clientContext(Path trustedCertificatesPem) throws SSLException {
        return SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .trustManager(readable(trustedCertificatesPem, "trustedCertificatesPem").toFile())
                .build();
    }

    private static Path readable(Path file, String name) {
        Objects.requireNonNull(file, name);
        if (!Files.isReadable(file) || Files.isDirectory(file)) {
            throw new IllegalArgumentException(name + ": cannot read the file " + file);
        }
        return file;
    }
}
