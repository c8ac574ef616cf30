package dev.evloop.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Self-signed certificates for the TLS tests, made once per test JVM with the JDK's own
 * {@code keytool} (no test keys live in the repository) and written as PEM files.
 */
final class TestCertificates {
    /** A certificate and its private key, as PEM files. */
    record Identity(Path certificate, Path privateKey) {
    }

    private static final String PASSWORD = "evloop-test";
    private static final Path DIR;
    /** For {@code localhost} and {@code 127.0.0.1}; the clients of the tests trust it. */
    static final Identity LOCALHOST;
    /** Also for {@code localhost} and {@code 127.0.0.1}, but nobody trusts it. */
    static final Identity STRANGER;

    static {
        try {
            DIR = Files.createTempDirectory("evloop-certs");
            LOCALHOST = make("localhost");
            STRANGER = make("stranger");
            Runtime.getRuntime().addShutdownHook(new Thread(TestCertificates::deleteAll));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private TestCertificates() {
    }

    private static Identity make(String name) throws IOException {
        Path store = DIR.resolve(name + ".p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(List.of(keytool, "-genkeypair", "-alias", name, "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "san=dns:localhost,ip:127.0.0.1",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD))
                .redirectErrorStream(true).start();
        try {
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("keytool failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while keytool ran", e);
        }
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(in, PASSWORD.toCharArray());
            PrivateKey key = (PrivateKey) keys.getKey(name, PASSWORD.toCharArray());
            Path cert = Files.writeString(DIR.resolve(name + ".crt.pem"),
                    pem("CERTIFICATE", keys.getCertificate(name).getEncoded()));
            Path pkcs8 = Files.writeString(DIR.resolve(name + ".key.pem"), pem("PRIVATE KEY", key.getEncoded()));
            return new Identity(cert, pkcs8);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the key store keytool wrote", e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static void deleteAll() {
        try (var files = Files.list(DIR)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(DIR);
        } catch (IOException e) {
            // a temp dir left behind after the JVM ends harms nothing
        }
    }
}
