package dev.caravan.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.remoting.impl.netty.TransportConstants;

/**
 * Switches TLS on for the embedded broker's all-protocol acceptor ({@code caravan} in broker.xml) from
 * {@code caravan.broker.tls.*}. Done in code rather than in broker.xml so that TLS stays one switch in Caravan's
 * configuration and broker.xml keeps working unchanged for an external broker.
 * <p>
 * PEM files are handed to Artemis as a {@code PEMCFG} key store (the pem-keystore provider Artemis ships with): a small
 * properties file that only names the certificate and key files, so the private key is never copied, and a renewed
 * Secret is read at the next start.
 */
final class AcceptorTls {

    static final String ACCEPTOR = "caravan";

    private AcceptorTls() {
    }

    /** Adds the TLS parameters to the acceptor; fails with a clear message when the files are not usable. */
    static void apply(Configuration configuration, BrokerConfig.Tls tls, Path dataDir) {
        if (!tls.enabled()) {
            return;
        }
        TransportConfiguration acceptor = configuration.getAcceptorConfigurations().stream()
                .filter(a -> ACCEPTOR.equals(a.getName())).findFirst()
                .orElseThrow(() -> new IllegalStateException("caravan.broker.tls.enabled=true, but broker.xml has no"
                        + " acceptor named '" + ACCEPTOR + "'"));
        Map<String, Object> params = acceptor.getParams();
        params.put(TransportConstants.SSL_ENABLED_PROP_NAME, true);
        if (tls.keyStore().isPresent()) {
            Path store = readable(tls.keyStore().get(), "caravan.broker.tls.key-store");
            params.put(TransportConstants.KEYSTORE_PATH_PROP_NAME, store.toString());
            params.put(TransportConstants.KEYSTORE_TYPE_PROP_NAME, "PKCS12");
            params.put(TransportConstants.KEYSTORE_PASSWORD_PROP_NAME, tls.keyStorePassword().orElseThrow(
                    () -> new IllegalStateException("caravan.broker.tls.key-store needs caravan.broker.tls"
                            + ".key-store-password")));
        } else {
            Path cert = readable(tls.cert().orElseThrow(() -> new IllegalStateException(
                    "caravan.broker.tls.enabled=true needs caravan.broker.tls.cert and .key (PEM) or .key-store"
                            + " (PKCS12)")),
                    "caravan.broker.tls.cert");
            Path key = readable(tls.key().orElseThrow(() -> new IllegalStateException(
                    "caravan.broker.tls.cert needs caravan.broker.tls.key")), "caravan.broker.tls.key");
            params.put(TransportConstants.KEYSTORE_PATH_PROP_NAME, pemConfig(cert, key, dataDir).toString());
            params.put(TransportConstants.KEYSTORE_TYPE_PROP_NAME, "PEMCFG");
            // The PEM store has no password; Artemis' key manager still wants one.
            params.put(TransportConstants.KEYSTORE_PASSWORD_PROP_NAME, "unused");
        }
    }

    private static Path readable(String file, String key) {
        Path path = Path.of(file).toAbsolutePath();
        if (!Files.isReadable(path)) {
            throw new IllegalStateException(key + ": cannot read " + path);
        }
        return path;
    }

    private static Path pemConfig(Path cert, Path key, Path dataDir) {
        try {
            Path dir = Files.createDirectories(dataDir.resolve("broker").resolve("tls"));
            Path file = dir.resolve("acceptor-pem.properties");
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, "alias=caravan\nsource.key=" + escape(key) + "\nsource.cert=" + escape(cert)
                    + "\n");
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the broker's PEM key store configuration", e);
        }
    }

    /** A path as a java.util.Properties value. */
    private static String escape(Path path) {
        return path.toString().replace("\\", "\\\\");
    }
}
