package dev.caravan.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.containsStringIgnoringCase;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

import dev.caravan.testing.CaravanTestSupport;
import dev.caravan.testing.Jms;
import dev.caravan.testing.RouteFiles;

/**
 * The operators' consoles over HTTP: who may enter, and that their Jolokia back end reads and operates Camel and the
 * broker (what the console's tabs and the JMX tree do) for operators only, and never for another site.
 */
@QuarkusTest
class HawtioConsoleTest extends CaravanTestSupport {

    static final String FILE = "console-http.camel.yaml";
    static final String ROUTE = "console-http-probe";
    static final String IN = "console.http.in";
    static final String OUT = "console.http.out";
    static final String MOVED = "console.http.moved";

    private static final String ROUTE_MBEAN = "org.apache.camel:context=caravan,type=routes,name=\"" + ROUTE + "\"";
    private static final String JOLOKIA = "/hawtio/jolokia/";

    @BeforeEach
    void deployProbe() {
        files().deploy(FILE, RouteFiles.relay(ROUTE, IN, OUT));
    }

    @AfterEach
    void undeployProbe() {
        files().undeploy(FILE);
    }

    @Test
    void onlyOperatorsAndAdminsEnter() {
        for (String path : List.of("/hawtio", "/hawtio/", "/hawtio/index.html", "/hawtio/camel/routes",
                "/hawtio/hawtconfig.json", "/hawtio/user", "/hawtio/favicon.ico")) {
            given().get(path).then().statusCode(401).header("WWW-Authenticate", containsStringIgnoringCase("basic"));
            given().auth().preemptive().basic("app", "app").get(path).then().statusCode(403);
            given().auth().preemptive().basic("operator", "wrong").get(path).then().statusCode(401);
            given().auth().preemptive().basic("operator", "operator").get(path).then().statusCode(200);
            given().auth().preemptive().basic("admin", "admin").get(path).then().statusCode(200);
        }
        // Jolokia itself: the same login, not a separate unguarded port.
        given().contentType(ContentType.JSON).body(Map.of("type", "version")).post(JOLOKIA).then().statusCode(401);
        given().get(JOLOKIA + "version").then().statusCode(401);
        given().auth().preemptive().basic("app", "app").contentType(ContentType.JSON).body(Map.of("type", "version"))
                .post(JOLOKIA).then().statusCode(403);
        given().auth().preemptive().basic("app", "app").get(JOLOKIA + "version").then().statusCode(403);
        jolokia("operator").body(Map.of("type", "version")).post(JOLOKIA).then().statusCode(200)
                .body("status", equalTo(200));
        jolokia("admin").body(Map.of("type", "version")).post(JOLOKIA).then().statusCode(200)
                .body("status", equalTo(200));
    }

    @Test
    void theConsolesPagesAreServed() {
        // A page address of the UI (a tab) is the UI's single page, which then shows the tab.
        given().auth().preemptive().basic("operator", "operator").get("/hawtio/camel/routeDiagram").then()
                .statusCode(200).contentType(containsString("text/html"))
                .body(containsString("<base href=\"/hawtio/\">"))
                .header("X-Frame-Options", "DENY")
                .header("Content-Security-Policy", containsString("frame-ancestors 'none'"));
        given().auth().preemptive().basic("operator", "operator").redirects().follow(false).get("/hawtio").then()
                .statusCode(302).header("Location", endsWith("hawtio/"));
        // Caravan's branding, and who is logged in as the console shows it.
        given().auth().preemptive().basic("operator", "operator").get("/hawtio/hawtconfig.json").then()
                .statusCode(200).body("branding.appName", equalTo("Caravan console"));
        given().auth().preemptive().basic("admin", "admin").get("/hawtio/user").then().statusCode(200)
                .body(equalTo("\"admin\""));
    }

    @Test
    void jolokiaReadsAndOperatesRoutesAndQueuesForOperators() throws Exception {
        try (Jms client = connect("app")) {
            client.sendText(IN, "one");
            client.sendText(IN, "two");
            client.sendText(IN, "three");
            awaitDepth(OUT, 3);
        }

        // The route's statistics, as the Camel tabs and the route diagram read them.
        await("ExchangesTotal of " + ROUTE).atMost(Duration.ofSeconds(20)).until(() -> read(ROUTE_MBEAN,
                "ExchangesTotal").getLong("value") >= 3);
        assertThat(read(ROUTE_MBEAN, "RouteId").getString("value")).isEqualTo(ROUTE);
        String diagram = exec("operator", ROUTE_MBEAN, "dumpRouteStatsAsXml(boolean,boolean)", false, true)
                .getString("value");
        assertThat(diagram).contains("id=\"" + ROUTE + "\"").contains("exchangesCompleted=\"3\"");

        // Stop and start the route, as the console's buttons do.
        exec("operator", ROUTE_MBEAN, "stop()");
        assertThat(camel.getRouteController().getRouteStatus(ROUTE)).isEqualTo(ServiceStatus.Stopped);
        exec("operator", ROUTE_MBEAN, "start()");
        assertThat(camel.getRouteController().getRouteStatus(ROUTE)).isEqualTo(ServiceStatus.Started);

        // The queue's operations, as the JMX tree invokes them: count, browse, move, delete.
        if (embeddedBroker.server().locateQueue(SimpleString.of(MOVED)) == null) {
            embeddedBroker.server().createQueue(QueueConfiguration.of(MOVED).setRoutingType(RoutingType.ANYCAST));
        }
        String out = queueMBean(OUT);
        assertThat(exec("operator", out, "countMessages()").getLong("value")).isEqualTo(3);
        List<Map<String, Object>> browsed = exec("operator", out, "browse()").getList("value");
        assertThat(browsed).hasSize(3);
        assertThat(exec("operator", out, "moveMessages(java.lang.String,java.lang.String)", "", MOVED)
                .getInt("value")).isEqualTo(3);
        awaitDepth(OUT, 0);
        awaitDepth(MOVED, 3);
        assertThat(exec("admin", queueMBean(MOVED), "removeMessages(java.lang.String)", "").getInt("value"))
                .isEqualTo(3);
        awaitDepth(MOVED, 0);
    }

    @Test
    void jolokiaRefusesOtherSitesAndTheJvmItself() {
        jolokia("operator").header("Origin", "http://evil.example").body(Map.of("type", "version")).post(JOLOKIA)
                .then().statusCode(403).body("error", containsString("cross-origin"));
        jolokia("operator").header("Sec-Fetch-Site", "cross-site").body(Map.of("type", "version")).post(JOLOKIA)
                .then().statusCode(403).body("error", containsString("cross-site"));
        // The console's own page calls it from the same origin.
        jolokia("operator").header("Sec-Fetch-Site", "same-origin").body(Map.of("type", "version")).post(JOLOKIA)
                .then().statusCode(200);

        // Operations that would hand out the JVM (agents, files, heap dumps) are not Caravan's to give.
        JsonPath denied = jolokia("admin").body(Map.of("type", "exec", "mbean",
                "com.sun.management:type=DiagnosticCommand", "operation", "vmVersion")).post(JOLOKIA).then()
                .statusCode(200).extract().jsonPath();
        assertThat(denied.getInt("status")).isEqualTo(403);
    }

    // --- Jolokia ---------------------------------------------------------------------------------------------------

    static RequestSpecification jolokia(String user) {
        return given().auth().preemptive().basic(user, user).contentType(ContentType.JSON);
    }

    private static JsonPath read(String mbean, String attribute) {
        return call("operator", Map.of("type", "read", "mbean", mbean, "attribute", attribute));
    }

    static JsonPath exec(String user, String mbean, String operation, Object... arguments) {
        return call(user, Map.of("type", "exec", "mbean", mbean, "operation", operation, "arguments",
                List.of(arguments)));
    }

    private static JsonPath call(String user, Map<String, Object> request) {
        JsonPath response = jolokia(user).body(request).post(JOLOKIA).then().statusCode(200).extract().jsonPath();
        assertThat(response.getInt("status")).as("Jolokia answer to %s: %s", request, response.prettify())
                .isEqualTo(200);
        return response;
    }

    static String queueMBean(String queue) {
        return "org.apache.activemq.artemis:broker=\"caravan\",component=addresses,address=\"" + queue
                + "\",subcomponent=queues,routing-type=\"anycast\",queue=\"" + queue + "\"";
    }
}
