package dev.caravan.ops;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItems;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import org.apache.activemq.artemis.core.postoffice.impl.LocalQueueBinding;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.caravan.testing.CaravanTestSupport;

/**
 * Readiness covers the broker, the routes, the route files, the database and Kafka (configured in tests); liveness the
 * route watcher. Readiness follows the broker down and back up.
 */
@QuarkusTest
class HealthTest extends CaravanTestSupport {

    @Test
    void readinessNamesBrokerRoutesRouteFilesDatabaseAndKafka() {
        awaitReady();
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("broker", "routes", "route-files", "database", "kafka"))
                .body("checks.find { it.name == 'broker' }.data.mode", equalTo("embedded"))
                .body("checks.find { it.name == 'route-files' }.data.'orders-point-to-point.camel.yaml'",
                        equalTo("LOADED [orders-worker]"))
                .body("checks.find { it.name == 'database' }.data.url",
                        equalTo("jdbc:postgresql://127.0.0.1:5432/test"))
                .body("checks.find { it.name == 'kafka' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'kafka' }.data.nodes", greaterThanOrEqualTo(1));
    }

    @Test
    void livenessWatchesTheRouteWatcher() {
        given().when().get("/q/health/live").then().statusCode(200)
                .body("checks.find { it.name == 'route-watcher' }.status", equalTo("UP"));
    }

    @Test
    void readinessGoesDownWhileTheBrokerIsStoppedAndUpWhenItReturns() throws Exception {
        ActiveMQServer broker = embeddedBroker.server();
        Map<String, Integer> consumersBefore = consumersByAddress(broker);
        boolean graceful = broker.getConfiguration().isGracefulShutdownEnabled();
        try {
            // An abrupt stop, as in a crash: no waiting for Caravan's own connections to close first.
            broker.getConfiguration().setGracefulShutdownEnabled(false);
            broker.stop();
            await("readiness DOWN").atMost(Duration.ofSeconds(10))
                    .until(() -> given().get("/q/health/ready").statusCode() == 503);
            given().get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name == 'broker' }.status", equalTo("DOWN"));
            // Liveness is not about the broker: restarting Caravan would not bring it back.
            given().get("/q/health/live").then().statusCode(200);
        } finally {
            broker.getConfiguration().setGracefulShutdownEnabled(graceful);
            if (!broker.isStarted()) {
                broker.start();
            }
        }
        awaitReady();
        // The tests that share this boot need every consumer back: routes, reply queue, subscriptions.
        await("consumers back on every address").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    Map<String, Integer> now = consumersByAddress(broker);
                    return consumersBefore.entrySet().stream()
                            .allMatch(e -> now.getOrDefault(e.getKey(), 0) >= e.getValue());
                });
        // And the gateway's own connection: request-reply through a route, replies on the instance's reply queue.
        given().auth().preemptive().basic("app", "app").contentType("application/json")
                .body("{\"sku\": \"B-2\", \"quantity\": 3}").post("/api/requests/pricing?timeout=20s").then()
                .statusCode(200).body("totalCents", equalTo(3000));
    }

    private static void awaitReady() {
        await("readiness UP").atMost(Duration.ofSeconds(60))
                .until(() -> given().get("/q/health/ready").statusCode() == 200);
    }

    /** Consumers per address (a topic's subscription queues added up; their names may change on reconnect). */
    private static Map<String, Integer> consumersByAddress(ActiveMQServer broker) {
        Map<String, Integer> consumers = new TreeMap<>();
        broker.getPostOffice().getAllBindings().forEach(binding -> {
            if (binding instanceof LocalQueueBinding local && local.getQueue().getConsumerCount() > 0) {
                consumers.merge(local.getAddress().toString(), local.getQueue().getConsumerCount(), Integer::sum);
            }
        });
        return consumers;
    }
}
