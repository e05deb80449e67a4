package dev.caravan.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.caravan.testing.CaravanProcess;
import dev.caravan.testing.Ports;

/** Binding beyond loopback with development passwords refuses to start, says what to change, and never listens. */
class DefaultPasswordRefusalIT {

    @Test
    void wildcardBrokerHostWithDefaultPasswordsRefusesToStart() throws Exception {
        int brokerPort = Ports.free();
        String output = refusedStart(brokerPort, Map.of("caravan.broker.host", "0.0.0.0"));
        assertThat(output).contains("caravan.broker.host=0.0.0.0").contains("CARAVAN_ADMIN_PASSWORD");
        try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), brokerPort)) {
            throw new AssertionError("the broker port is open");
        } catch (ConnectException expected) {
            // refused: the broker never bound
        }
    }

    @Test
    void wildcardHttpHostWithDefaultPasswordsRefusesToStartBeforeListening() throws Exception {
        String output = refusedStart(Ports.free(), Map.of("quarkus.http.host", "0.0.0.0"));
        // Refused while the router was built: the HTTP port was never bound, the broker never started.
        assertThat(output).contains("quarkus.http.host=0.0.0.0").contains("CARAVAN_OPERATOR_PASSWORD")
                .doesNotContain("Listening on").doesNotContain("Embedded broker started");
    }

    /** Starts Caravan with the given properties, expects it to exit non-zero with the refusal, returns its output. */
    private static String refusedStart(int brokerPort, Map<String, String> properties) throws Exception {
        Path run = CaravanProcess.runDir("refusal-");
        try (CaravanProcess caravan = CaravanProcess.start(run, Files.createDirectories(run.resolve("routes")),
                run.resolve("data"), Ports.free(), brokerPort, properties)) {
            assertThat(caravan.awaitExit(Duration.ofSeconds(60))).isNotZero();
            String output = caravan.output();
            assertThat(output).contains("Refusing to start");
            return output;
        }
    }
}
