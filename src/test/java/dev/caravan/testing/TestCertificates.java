package dev.caravan.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away certificate authority and a server certificate it signed (for 127.0.0.1 and localhost), made at test time
 * with the JDK's {@code keytool}: the server's certificate chain and key as PEM files (what a Kubernetes TLS Secret
 * mounts) and as a PKCS12 key store, and a trust store holding only the CA, for clients.
 */
public final class TestCertificates {

    public static final String PASSWORD = "changeit";

    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** Creates the CA and the server certificate under {@code dir}. */
    public static TestCertificates create(Path dir) throws Exception {
        Files.createDirectories(dir);
        TestCertificates certs = new TestCertificates(dir);
        certs.keytool("-genkeypair", "-keystore", "ca.p12", "-alias", "ca", "-dname", "CN=Caravan Test CA",
                "-ext", "bc:c", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2");
        certs.keytool("-exportcert", "-keystore", "ca.p12", "-alias", "ca", "-rfc", "-file", "ca.crt");
        certs.keytool("-genkeypair", "-keystore", "server.p12", "-alias", "server", "-dname", "CN=localhost",
                "-keyalg", "RSA", "-keysize", "2048", "-validity", "2");
        certs.keytool("-certreq", "-keystore", "server.p12", "-alias", "server", "-file", "server.csr");
        certs.keytool("-gencert", "-keystore", "ca.p12", "-alias", "ca", "-infile", "server.csr", "-outfile",
                "server.crt", "-rfc", "-validity", "2", "-ext", "san=ip:127.0.0.1,dns:localhost",
                "-ext", "eku=serverAuth");
        certs.keytool("-importcert", "-keystore", "server.p12", "-alias", "ca", "-file", "ca.crt", "-noprompt");
        certs.keytool("-importcert", "-keystore", "server.p12", "-alias", "server", "-file", "server.crt");
        certs.keytool("-importcert", "-keystore", "trust.p12", "-alias", "ca", "-file", "ca.crt", "-noprompt");
        Files.writeString(certs.certPem(), Files.readString(dir.resolve("server.crt"))
                + Files.readString(dir.resolve("ca.crt")));
        KeyStore server = load(certs.keyStore());
        PrivateKey key = (PrivateKey) server.getKey("server", PASSWORD.toCharArray());
        Files.writeString(certs.keyPem(), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        return certs;
    }

    /** The server's certificate followed by the CA's (PEM), like {@code tls.crt}. */
    public Path certPem() {
        return dir.resolve("tls.crt");
    }

    /** The server's private key, PKCS#8 PEM, like {@code tls.key}. */
    public Path keyPem() {
        return dir.resolve("tls.key");
    }

    /** The server's key and chain as PKCS12, password {@link #PASSWORD}. */
    public Path keyStore() {
        return dir.resolve("server.p12");
    }

    /** Only the CA certificate, PKCS12, password {@link #PASSWORD}. */
    public Path trustStore() {
        return dir.resolve("trust.p12");
    }

    /** A client TLS context that trusts the test CA and nothing else. */
    public SSLContext clientContext() throws Exception {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(load(trustStore()));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static KeyStore load(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD.toCharArray());
            return store;
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot read " + file, e);
        }
    }

    private void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("-storepass", PASSWORD, "-storetype", "PKCS12"));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }
}
