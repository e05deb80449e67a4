package dev.caravan.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.caravan.testing.CaravanProcess;
import dev.caravan.testing.Jms;
import dev.caravan.testing.Ports;

/**
 * The prod profile starts no broker of its own and runs its routes against an external one. The "external" broker here
 * is a second Caravan's embedded Artemis, configured from the same broker-config/.
 */
class ExternalBrokerIT {

    @Test
    void prodProfileUsesTheExternalBrokerAndStartsNone() throws Exception {
        Path run = CaravanProcess.runDir("external-");
        int externalBrokerPort = Ports.free();
        int ownBrokerPort = Ports.free();
        int prodHttpPort = Ports.free();
        try (CaravanProcess broker = CaravanProcess.start(run.resolve("broker"),
                Files.createDirectories(run.resolve("broker/routes")), run.resolve("broker/data"), Ports.free(),
                externalBrokerPort, Map.of())) {
            broker.awaitReady(Duration.ofSeconds(60));

            Path routes = Files.createDirectories(run.resolve("prod/routes"));
            Files.writeString(routes.resolve("external-echo.camel.yaml"), """
                    - route:
                        id: external-echo
                        from:
                          uri: "jms:queue:external.in"
                          steps:
                            - setBody:
                                simple: "via-prod:${body}"
                            - to: "jms:queue:external.out"
                    """);
            try (CaravanProcess prod = CaravanProcess.start(run.resolve("prod"), routes, run.resolve("prod/data"),
                    prodHttpPort, ownBrokerPort, Map.of(
                            "quarkus.profile", "prod",
                            "caravan.broker.url", "tcp://127.0.0.1:" + externalBrokerPort))) {
                prod.awaitReady(Duration.ofSeconds(60));

                String health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + prodHttpPort + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                assertThat(health).contains("\"mode\": \"external\"");

                // Its routes consume from and send to the external broker.
                try (Jms client = Jms.connect(externalBrokerPort, "app", "app")) {
                    client.sendText("external.in", "hello");
                    var reply = client.receive("external.out", 20_000);
                    assertThat(reply).isNotNull();
                    assertThat(Jms.text(reply)).isEqualTo("via-prod:hello");
                }
                // And it has no broker of its own: nothing listens on the port it would have used.
                try (var socket = new java.net.Socket(InetAddress.getLoopbackAddress(), ownBrokerPort)) {
                    throw new AssertionError("the prod instance opened a broker port");
                } catch (java.net.ConnectException expected) {
                    // refused
                }
                assertThat(Files.exists(run.resolve("prod/data/broker"))).as("no journal written").isFalse();
                prod.stop(Duration.ofSeconds(60));
            }
            broker.stop(Duration.ofSeconds(60));
        }
    }
}
