package dev.caravan.ops;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.caravan.testing.CaravanTestSupport;

/** Readiness covers the broker, the routes and the route files; liveness the route watcher. */
@QuarkusTest
class HealthTest extends CaravanTestSupport {

    @Test
    void readinessNamesBrokerRoutesAndRouteFiles() {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("broker", "routes", "route-files"))
                .body("checks.find { it.name == 'broker' }.data.mode", equalTo("embedded"))
                .body("checks.find { it.name == 'route-files' }.data.'orders-point-to-point.camel.yaml'",
                        equalTo("LOADED [orders-worker]"));
    }

    @Test
    void livenessWatchesTheRouteWatcher() {
        given().when().get("/q/health/live").then().statusCode(200)
                .body("checks.find { it.name == 'route-watcher' }.status", equalTo("UP"));
    }
}
