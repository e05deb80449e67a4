package dev.caravan.routing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.jms.Message;

import org.apache.camel.component.http.HttpMethods;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.caravan.testing.CaravanTestSupport;
import dev.caravan.testing.Jms;
import dev.caravan.testing.PartnerStub;

/** HTTP in (platform-http webhook) and HTTP out (partner API with retries on 5xx), with real HTTP on both sides. */
@QuarkusTest
class HttpMediationTest extends CaravanTestSupport {

    /** The http producer's method header is converted by Caravan's direct converter, not Camel's uncached fallback. */
    @Test
    void httpMethodHeaderHasADirectConverter() {
        var converter = camel.getTypeConverterRegistry().lookup(HttpMethods.class, String.class);
        assertThat(converter).as("a registered String -> HttpMethods converter").isNotNull();
        assertThat(converter.convertTo(HttpMethods.class, "post")).isEqualTo(HttpMethods.POST);
    }

    @Test
    void webhookCallIsEnqueuedAndTransportHeadersStayBehind() throws Exception {
        String ref = UUID.randomUUID().toString();
        given().auth().preemptive().basic("app", "app").contentType("application/json").header("X-Carrier", "dhl")
                .body("{\"shipment\": \"" + ref + "\", \"status\": \"delivered\"}")
                .when().post("/hooks/shipping-status")
                .then().statusCode(202).body("status", equalTo("accepted"));
        try (Jms client = connect("app")) {
            Message message = client.receive("shipping.status", 10_000);
            assertThat(message).isNotNull();
            assertThat(Jms.text(message)).contains(ref);
            assertThat(message.getStringProperty("Carrier")).isEqualTo("dhl");
            assertThat(message.propertyExists("Authorization")).isFalse();
            assertThat(message.propertyExists("User_HYPHEN_Agent")).isFalse();
        }
    }

    @Test
    void webhookNeedsTheAppRole() {
        given().contentType("application/json").body("{}").when().post("/hooks/shipping-status")
                .then().statusCode(401);
        given().auth().preemptive().basic("operator", "operator").contentType("application/json").body("{}")
                .when().post("/hooks/shipping-status").then().statusCode(403);
    }

    @Test
    void partnerCallIsRetriedOn5xxUntilItSucceeds() throws Exception {
        String ref = send("flaky", "{\"shipment\": 1}");
        await().atMost(Duration.ofSeconds(15)).until(() -> PartnerStub.calls(ref).size() == 3);
        List<PartnerStub.Call> calls = PartnerStub.calls(ref);
        assertThat(calls).extracting(PartnerStub.Call::status).containsExactly(503, 503, 200);
        assertThat(calls.get(2).body()).isEqualTo("{\"shipment\": 1}");
        assertThat(calls.get(2).headers()).doesNotContainKey("Jmsmessageid");
        // Delivered once, and nothing more: no further calls, nothing dead-lettered.
        try (Jms operator = connect("operator")) {
            assertThat(operator.receive("shipments.partner", 500)).isNull();
        }
        assertThat(PartnerStub.calls(ref)).hasSize(3);
    }

    @Test
    void partnerThatKeepsFailingEndsInTheDeadLetterQueue() throws Exception {
        String down = send("down", "{\"shipment\": 2}");
        String rejected = send("reject", "{\"shipment\": 3}");
        try (Jms operator = connect("operator")) {
            List<String> refs = List.of(down, rejected);
            for (int i = 0; i < 2; i++) {
                Message dead = nextDeadLetter(operator, "shipments.partner", Duration.ofSeconds(30));
                assertThat(refs).contains(dead.getStringProperty("Ref"));
            }
        }
        // 5xx: every broker delivery (3 in tests) tried 4 times by the route; 4xx: once per broker delivery.
        assertThat(PartnerStub.calls(down)).hasSize(12);
        assertThat(PartnerStub.calls(rejected)).hasSize(3);
    }

    private String send(String scenario, String body) throws Exception {
        String ref = UUID.randomUUID().toString();
        try (Jms client = connect("app")) {
            client.sendText("shipments.partner", body, "Ref", ref, "Scenario", scenario);
        }
        return ref;
    }
}
