package dev.caravan.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.caravan.testing.CaravanProcess;

/**
 * The packaged jar with its broker's port already taken: Caravan stops with the reason instead of running on unready.
 * Artemis logs an acceptor it cannot bind and carries on without it, so before, Caravan logged "Embedded broker
 * started", never became ready and never exited (seen in CI: bin/aot-cache's training start waited out its 180 s).
 */
class BrokerPortInUseIT {

    @Test
    void aTakenBrokerPortStopsTheStartWithTheReason() throws Exception {
        CaravanProcess.Layout layout = CaravanProcess.Layout.create("port-in-use-");
        try (ServerSocket taken = new ServerSocket(layout.brokerPort(), 50, InetAddress.getLoopbackAddress());
                CaravanProcess caravan = layout.start()) {
            int exit = caravan.awaitExit(Duration.ofSeconds(120));

            assertThat(exit).isNotZero();
            assertThat(caravan.output())
                    .contains("did not become active")
                    .contains("127.0.0.1:" + layout.brokerPort())
                    .contains("is a port already in use?")
                    .doesNotContain("Embedded broker started");
        }
    }
}
