package dev.caravan.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.caravan.testing.Browser;
import dev.caravan.testing.CaravanTestSupport;
import dev.caravan.testing.Jms;

/**
 * Hawtio in a real browser, as an operator uses it: the Camel routes (shipped ones and one deployed here), the route
 * diagram with the live counters of the messages sent, and the broker's queue with its depth and its operations in the
 * JMX tree. An application user gets no console.
 */
@QuarkusTest
class HawtioConsolePageTest extends CaravanTestSupport {

    private static final String FILE = "console-page.camel.yaml";
    private static final String ROUTE = "console-page-probe";
    private static final String IN = "console.page.in";
    private static final String OUT = "console.page.out";
    /** The console loads its whole JMX tree first; on a busy 2-core machine that takes a while. */
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @TestHTTPResource("/hawtio/")
    URL console;

    private Browser browser;

    @BeforeEach
    void deployRouteAndStartBrowser() throws Exception {
        files().deploy(FILE, """
                - route:
                    id: %s
                    from:
                      uri: "jms:queue:%s"
                      steps:
                        - setHeader:
                            name: seenBy
                            constant: console-page-probe
                        - to: "jms:queue:%s"
                """.formatted(ROUTE, IN, OUT));
        browser = Browser.start("hawtio").patience(PATIENCE);
    }

    @AfterEach
    void stopBrowserAndUndeploy(TestInfo test) {
        try {
            if (browser != null) {
                try {
                    browser.screenshot(test.getTestMethod().map(m -> m.getName()).orElse("test") + "-last");
                } finally {
                    browser.close();
                }
            }
        } finally {
            files().undeploy(FILE);
        }
    }

    @Test
    void operatorSeesRoutesTheirDiagramWithCountersAndTheQueues() throws Exception {
        try (Jms client = connect("app")) {
            client.sendText(IN, "first");
            client.sendText(IN, "second");
        }
        awaitDepth(OUT, 2);
        browser.logIn("operator");
        browser.driver().get(url("camel"));

        // The Camel tree: Caravan's context and its routes, by their ids.
        treeNode("caravan");
        treeNode("routes").click();
        WebElement routes = browser.visible(By.xpath("//table[.//td[normalize-space()='" + ROUTE + "']]"));
        assertThat(routes.getText()).contains("orders-intake", "orders-worker", "pricing-service");
        assertThat(text("header")).as("Caravan's branding and the logged-in user").contains("Caravan console")
                .contains("operator");
        browser.screenshot("01-camel-routes");

        // The route diagram: one box per step, each with its live count of completed exchanges.
        treeNode(ROUTE).click();
        tab("Route Diagram").click();
        List<String> counts = browser.until("the diagram counts the 2 messages", () -> {
            List<String> numbers = browser.driver()
                    .findElements(By.cssSelector(".react-flow__node-camel .camel-node-content .number")).stream()
                    .map(e -> e.getText().trim()).toList();
            return numbers.size() >= 3 && numbers.stream().allMatch("2"::equals) ? numbers : null;
        });
        assertThat(counts).as("from, setHeader and to, each passed twice").hasSize(3);
        assertThat(browser.driver().findElements(By.cssSelector(".camel-node-label")).stream()
                .map(WebElement::getText).toList()).anyMatch(label -> label.startsWith("From jms:queue:"))
                .anyMatch(label -> label.startsWith("Set Header"));
        browser.screenshot("02-route-diagram");

        // The Debug and Trace tabs are there for this route, ready to be switched on.
        tab("Debug").click();
        browser.visible(By.xpath("//button[normalize-space()='Start Debugging']"));
        tab("Trace").click();
        browser.visible(By.xpath("//button[normalize-space()='Start Tracing']"));
        browser.screenshot("03-trace");

        // The broker in the JMX tree: the queue the route wrote to, its depth, and the operations operators use.
        browser.driver().get(url("jmx"));
        treeNode("org.apache.activemq.artemis");
        browser.visible(By.xpath("//button[normalize-space()='Expand all']")).click();
        queueNode(OUT).click();
        WebElement depth = browser
                .visible(By.xpath("//*[@id='jmx-content-main']//tr[td[normalize-space()='MessageCount']]"));
        assertThat(depth.getText()).as("the queue's depth").isEqualTo("MessageCount 2");
        assertThat(text("#jmx-content-header")).contains("queue=\"" + OUT + "\"");
        browser.driver().executeScript("arguments[0].scrollIntoView({block: 'center'})", depth);
        browser.screenshot("04-jmx-queue");
        tab("Operations").click();
        browser.until("the queue's operations are listed", () -> List.of("browse()", "moveMessages(String, String)",
                "retryMessages()", "removeMessages(String)").stream().allMatch(text("#jmx-content-main")::contains));
        browser.screenshot("05-jmx-queue-operations");
    }

    @Test
    void applicationUsersGetNoConsole() throws Exception {
        browser.logIn("app");
        browser.driver().get(url(""));
        browser.until("the console is answered 403", () -> browser.documentStatus(url("")) == 403);
        assertThat(browser.driver().findElements(By.cssSelector("#root"))).as("no console for an app user").isEmpty();
        browser.screenshot("06-app-refused");
        given().auth().preemptive().basic("app", "app").get("/hawtio/").then().statusCode(403);
    }

    // --- helpers -----------------------------------------------------------------------------------------------------

    private String url(String page) {
        return "http://127.0.0.1:" + console.getPort() + "/hawtio/" + page;
    }

    private WebElement treeNode(String label) {
        return browser.visible(By.xpath("//button[contains(@class,'tree-view__node-text') and normalize-space()='"
                + label + "']"));
    }

    /** The queue's own node: the tree also has a node of the same name for its address. */
    private WebElement queueNode(String queue) {
        String id = "org.apache.activemq.artemis-folder-caravan-folder-addresses-folder-" + queue
                + "-folder-queues-folder-anycast-folder-" + queue;
        return browser.visible(By.xpath("//li[@id='" + id + "']/div//button[contains(@class,'tree-view__node-text')]"));
    }

    private WebElement tab(String name) {
        // The tabs of the selected node, right of the tree (the sidebar's links are plugins, not tabs).
        return browser.visible(By.xpath("//main//*[(self::a or self::button) and normalize-space()='" + name + "']"));
    }

    private String text(String css) {
        return browser.driver().findElement(By.cssSelector(css)).getText();
    }
}
