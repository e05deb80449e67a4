package dev.caravan.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.caravan.testing.CaravanProcess;
import dev.caravan.testing.Ports;

/** Binding the broker beyond loopback with development passwords refuses to start, and says what to change. */
class DefaultPasswordRefusalIT {

    @Test
    void wildcardBrokerHostWithDefaultPasswordsRefusesToStart() throws Exception {
        Path run = Files.createTempDirectory(Files.createDirectories(Path.of("target", "caravan-it")), "refusal-");
        int brokerPort = Ports.free();
        try (CaravanProcess caravan = CaravanProcess.start(run, Files.createDirectories(run.resolve("routes")),
                run.resolve("data"), Ports.free(), brokerPort, Map.of("caravan.broker.host", "0.0.0.0"))) {
            int exit = caravan.awaitExit(Duration.ofSeconds(60));
            assertThat(exit).isNotZero();
            assertThat(caravan.output()).contains("Refusing to start").contains("caravan.broker.host=0.0.0.0")
                    .contains("CARAVAN_ADMIN_PASSWORD");
        }
        // Nothing was left listening.
        try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), brokerPort)) {
            throw new AssertionError("the broker port is open");
        } catch (java.net.ConnectException expected) {
            // refused: the broker never bound
        }
    }

    @Test
    void wildcardHttpHostWithDefaultPasswordsRefusesToStartBeforeListening() throws Exception {
        Path run = Files.createTempDirectory(Files.createDirectories(Path.of("target", "caravan-it")), "refusal-");
        int brokerPort = Ports.free();
        try (CaravanProcess caravan = CaravanProcess.start(run, Files.createDirectories(run.resolve("routes")),
                run.resolve("data"), Ports.free(), brokerPort, Map.of("quarkus.http.host", "0.0.0.0"))) {
            int exit = caravan.awaitExit(Duration.ofSeconds(60));
            assertThat(exit).isNotZero();
            assertThat(caravan.output()).contains("Refusing to start").contains("quarkus.http.host=0.0.0.0")
                    .contains("CARAVAN_OPERATOR_PASSWORD")
                    // refused while the router was built: the HTTP port was never bound, the broker never started
                    .doesNotContain("Listening on").doesNotContain("Embedded broker started");
        }
    }
}
