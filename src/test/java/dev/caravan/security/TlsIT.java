package dev.caravan.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import javax.net.ssl.SSLHandshakeException;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Session;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.caravan.testing.CaravanProcess;
import dev.caravan.testing.Jms;
import dev.caravan.testing.LocalHttp;
import dev.caravan.testing.Ports;
import dev.caravan.testing.TestCertificates;

/**
 * TLS switched on by configuration, with a CA made at test time: the broker's acceptor from PEM files (as a Kubernetes
 * TLS Secret mounts them) speaks TLS to a core JMS and an AMQP client that trust the CA and refuses plain clients; the
 * API answers over HTTPS only, still on 127.0.0.1.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsIT {

    private TestCertificates certs;
    private CaravanProcess caravan;
    private HttpClient https;
    private int httpPort;
    private int httpsPort;
    private int brokerPort;

    @BeforeAll
    void start() throws Exception {
        Path run = CaravanProcess.runDir("tls-");
        certs = TestCertificates.create(run.resolve("certs"));
        httpPort = Ports.free();
        httpsPort = Ports.free();
        brokerPort = Ports.free();
        caravan = CaravanProcess.start(run, Files.createDirectories(run.resolve("routes")), run.resolve("data"),
                httpPort, brokerPort, Map.of(
                        "caravan.broker.tls.enabled", "true",
                        "caravan.broker.tls.cert", certs.certPem().toString(),
                        "caravan.broker.tls.key", certs.keyPem().toString(),
                        "quarkus.tls.key-store.pem.0.cert", certs.certPem().toString(),
                        "quarkus.tls.key-store.pem.0.key", certs.keyPem().toString(),
                        "quarkus.http.ssl-port", Integer.toString(httpsPort),
                        "quarkus.http.insecure-requests", "disabled"));
        https = HttpClient.newBuilder().sslContext(certs.clientContext()).connectTimeout(Duration.ofSeconds(2))
                .build();
        caravan.awaitReady(Duration.ofMinutes(3), URI.create("https://127.0.0.1:" + httpsPort + "/q/health/ready"),
                https);
    }

    @AfterAll
    void stop() throws Exception {
        if (caravan != null) {
            caravan.close();
        }
    }

    @Test
    void apiAnswersOverHttpsOnLoopbackOnly() throws Exception {
        HttpResponse<String> response = https.send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + httpsPort + "/api/routes/files"))
                .header("Authorization", basic("operator", "operator")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        // No plain HTTP port (insecure-requests=disabled), and a client that does not trust the CA gets nowhere.
        assertThatThrownBy(() -> new Socket("127.0.0.1", httpPort).close()).isInstanceOf(ConnectException.class);
        HttpClient untrusting = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        assertThatThrownBy(() -> untrusting.send(HttpRequest.newBuilder(
                URI.create("https://127.0.0.1:" + httpsPort + "/q/health")).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(SSLHandshakeException.class);
        assertThat(caravan.output()).contains("https://127.0.0.1:" + httpsPort);
        nonLoopbackAddress().ifPresent(address -> {
            assertThatThrownBy(() -> connect(address, httpsPort)).isInstanceOf(ConnectException.class);
            assertThatThrownBy(() -> connect(address, brokerPort)).isInstanceOf(ConnectException.class);
        });
    }

    @Test
    void coreJmsClientTrustingTheCaSendsAndReceivesOverTls() throws Exception {
        ActiveMQConnectionFactory tls = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort
                + "?sslEnabled=true;verifyHost=true;trustStoreType=PKCS12;trustStorePath=" + certs.trustStore()
                + ";trustStorePassword=" + TestCertificates.PASSWORD + ";reconnectAttempts=0", "app", "app");
        assertRoundTrip(tls, "tls.core");
    }

    @Test
    void amqpClientTrustingTheCaSendsAndReceivesOverTls() throws Exception {
        JmsConnectionFactory tls = new JmsConnectionFactory("app", "app", "amqps://127.0.0.1:" + brokerPort
                + "?transport.verifyHost=true&transport.trustStoreType=PKCS12&transport.trustStoreLocation="
                + certs.trustStore() + "&transport.trustStorePassword=" + TestCertificates.PASSWORD);
        assertRoundTrip(tls, "tls.amqp");
    }

    @Test
    void plainClientsAreRefusedOnTheTlsAcceptor() {
        ActiveMQConnectionFactory plainCore = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort
                + "?reconnectAttempts=0;callTimeout=5000;callFailoverTimeout=5000", "app", "app");
        assertThatThrownBy(() -> plainCore.createConnection().close()).isInstanceOf(JMSException.class);
        JmsConnectionFactory plainAmqp = new JmsConnectionFactory("app", "app",
                "amqp://127.0.0.1:" + brokerPort + "?jms.connectTimeout=5000");
        assertThatThrownBy(() -> plainAmqp.createConnection().start()).isInstanceOf(JMSException.class);
    }

    private static void assertRoundTrip(ConnectionFactory factory, String queue) throws JMSException {
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            session.createProducer(session.createQueue(queue)).send(session.createTextMessage("over tls"));
            assertThat(Jms.text(session.createConsumer(session.createQueue(queue)).receive(10_000)))
                    .isEqualTo("over tls");
        }
    }

    private static String basic(String user, String password) {
        return LocalHttp.basicAuth(user, password);
    }

    private static void connect(InetAddress address, int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 2_000);
        }
    }

    /** An address of this machine other than loopback, if it has one: nothing may listen there by default. */
    private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
        return NetworkInterface.networkInterfaces().filter(i -> {
            try {
                return i.isUp() && !i.isLoopback();
            } catch (IOException e) {
                return false;
            }
        }).flatMap(NetworkInterface::inetAddresses).filter(a -> a instanceof Inet4Address).findFirst();
    }
}
