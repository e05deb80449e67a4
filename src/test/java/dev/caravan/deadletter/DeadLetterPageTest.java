package dev.caravan.deadletter;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;

import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

import jakarta.jms.Message;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.caravan.testing.Browser;
import dev.caravan.testing.CaravanTestSupport;
import dev.caravan.testing.Jms;

/**
 * The operators' dead-letter page in a real browser (Debian's headless chromium, driven by Selenium through
 * chromedriver): an operator sees the dead letters a failing route made, opens a failure group, browses, fixes one
 * message and replays only the fixed copy, replays a group once the route is fixed, and purges the rest only after
 * typing the DLQ's name. An application user is refused the page.
 */
@QuarkusTest
class DeadLetterPageTest extends CaravanTestSupport {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private static final String IN = "dlq.page.in";
    private static final String OUT = "dlq.page.out";
    private static final String DLQ = "DLQ." + IN;
    private static final String FILE = "dlq-page.camel.yaml";
    /** A dead letter is hostile input: this one would run script if the page ever parsed it as HTML. */
    private static final String HOSTILE = "<img src=x onerror=\"document.title='pwned'\"> bad-markup";

    private static final String FAILING = """
            - route:
                id: dlq-page
                from:
                  uri: "jms:queue:%s"
                  steps:
                    - choice:
                        when:
                          - simple: "${body} contains 'bad'"
                            steps:
                              - throwException:
                                  exceptionType: java.lang.IllegalArgumentException
                                  message: "order ${body} rejected"
                          - simple: "${body} contains 'late'"
                            steps:
                              - throwException:
                                  exceptionType: java.lang.IllegalStateException
                                  message: "order ${body} arrived after the cut-off"
                    - to: "jms:queue:%s"
            """.formatted(IN, OUT);

    private static final String FIXED = """
            - route:
                id: dlq-page
                from:
                  uri: "jms:queue:%s"
                  steps:
                    - to: "jms:queue:%s"
            """.formatted(IN, OUT);

    @TestHTTPResource("/dlq/")
    URL page;

    private Browser session;
    private ChromeDriver browser;

    @BeforeEach
    void startBrowser() {
        session = Browser.start("dlq-page").patience(PATIENCE);
        browser = session.driver();
    }

    @AfterEach
    void stopBrowser(TestInfo test) {
        if (session != null) {
            try {
                screenshot(test.getTestMethod().map(m -> m.getName()).orElse("test") + "-last");
            } finally {
                session.close();
            }
        }
    }

    @Test
    void operatorFixesReplaysAndPurgesDeadLettersInTheBrowser() throws Exception {
        files().deploy(FILE, FAILING);
        try (Jms client = connect("operator")) {
            for (int i = 1; i <= 3; i++) {
                client.sendText(IN, "bad-" + i, "customer", "ada");
            }
            client.sendText(IN, "late-1");
            client.sendText(IN, "late-2");
            client.sendText(IN, HOSTILE, "note", HOSTILE);
            awaitDepth(6);
            long auditBefore = lastAuditId();

            logIn("operator");
            browser.get(pageUrl());

            // The DLQ the route made, with its count.
            WebElement queue = visible("[data-testid=dlq-row][data-dlq='" + DLQ + "']");
            until("the DLQ shows 6 dead letters",
                    () -> text(queue.findElement(By.cssSelector("[data-testid=dlq-count]"))).equals("6"));
            screenshot("01-overview");

            // Open the group of rejected orders: the DLQ is browsed filtered to that route and exception.
            WebElement rejected = until("the group of rejected orders",
                    () -> groupRow(IllegalArgumentException.class, "order bad-<n> rejected"));
            rejected.findElement(By.cssSelector("[data-testid=group-browse]")).click();
            until("the browse view of the DLQ", () -> text(visible("[data-testid=browse-dlq]")).equals(DLQ));
            assertThat(visible("[data-testid=filter-route]").getDomProperty("value")).isEqualTo("dlq-page");
            assertThat(visible("[data-testid=filter-exception]").getDomProperty("value"))
                    .isEqualTo(IllegalArgumentException.class.getName());
            until("the 4 rejected orders are listed", () -> messageRows().size() == 4);
            assertThat(previews()).containsExactlyInAnyOrder("bad-1", "bad-2", "bad-3", HOSTILE);
            assertThat(browser.findElements(By.cssSelector("#message-rows img, #group-rows img")))
                    .as("dead-letter content is shown as text, never parsed as HTML").isEmpty();
            assertThat(browser.getTitle()).isEqualTo("Caravan dead letters");
            screenshot("02-group");

            // Browse: narrow by body text, then view the one message.
            WebElement text = visible("[data-testid=filter-text]");
            text.sendKeys("bad-2");
            visible("[data-testid=filter-apply]").click();
            until("only bad-2 matches", () -> previews().equals(List.of("bad-2")));
            messageRows().get(0).findElement(By.cssSelector("[data-testid=view-message]")).click();
            until("the message is shown", () -> text(visible("[data-testid=message-body]")).equals("bad-2"));
            assertThat(text(visible("[data-testid=message-failure]")))
                    .contains(IllegalArgumentException.class.getName())
                    .contains("order bad-2 rejected").contains("dlq-page");
            assertThat(text(visible("[data-testid=header-row][data-name=customer]"))).contains("ada");
            screenshot("03-message");

            // Edit body and header, replay: exactly the edited copy reaches the route and passes it.
            WebElement body = visible("[data-testid=edit-body]");
            body.clear();
            body.sendKeys("good-2");
            WebElement customer = headerValueInput("customer");
            customer.clear();
            customer.sendKeys("grace");
            screenshot("04-edited");
            visible("[data-testid=edit-replay]").click();
            String edited = awaitStatus("Replayed an edited copy");
            assertThat(edited).contains("replayed 1, skipped 0");
            Message out = client.receive(OUT, 10_000);
            assertThat(out).as("the edited copy arrives").isNotNull();
            assertThat(Jms.text(out)).isEqualTo("good-2");
            assertThat(out.getStringProperty("customer")).isEqualTo("grace");
            assertThat(client.receive(OUT, 500)).as("nothing but the edited copy is sent").isNull();
            awaitDepth(5);

            // The route is fixed; the late orders are replayed as one group.
            files().deploy(FILE, FIXED);
            until("the group of late orders is replayed", () -> click(
                    groupRow(IllegalStateException.class, "late")
                            .findElement(By.cssSelector("[data-testid=group-replay]"))));
            String group = awaitStatus("Replayed group");
            assertThat(group).contains("replayed 2, skipped 0");
            Set<String> replayed = new HashSet<>();
            for (Message message : client.receive(OUT, 2, 10_000)) {
                replayed.add(Jms.text(message));
            }
            assertThat(replayed).containsExactlyInAnyOrder("late-1", "late-2");
            assertThat(client.receive(OUT, 500)).as("each late order once").isNull();
            awaitDepth(3);

            // Purge needs the DLQ's name typed: one click does nothing.
            until("the DLQ is opened", () -> click(visible("[data-testid=dlq-row][data-dlq='" + DLQ
                    + "'] [data-testid=open-dlq]")));
            until("the whole DLQ is browsed", () -> messageRows().size() == 3);
            assertThat(browser.findElement(By.cssSelector("[data-testid=purge-confirm]")).isDisplayed()).isFalse();
            visible("[data-testid=purge-start]").click();
            WebElement purge = visible("[data-testid=purge-do]");
            assertThat(purge.isEnabled()).as("purge is disabled until the DLQ's name is typed").isFalse();
            purge.click();
            WebElement name = visible("[data-testid=purge-name]");
            name.sendKeys("DLQ.dlq.page");
            assertThat(purge.isEnabled()).as("a wrong name does not enable purge").isFalse();
            screenshot("05-purge-confirm");
            assertThat(depth()).as("nothing purged before the confirmation").isEqualTo(3);
            name.sendKeys(".in");
            until("purge is enabled by the exact name", purge::isEnabled);
            purge.click();
            String purged = awaitStatus("Purged");
            assertThat(purged).isEqualTo("Purged " + DLQ + ": deleted 3");
            awaitDepth(0);
            until("the page shows the DLQ empty", () -> text(visible("[data-testid=page-info]"))
                    .equals("this DLQ is empty"));

            // The audit shows what the operator did (audit records outlive test runs: only newer ones count).
            for (String action : List.of("edit-replay", "replay", "purge")) {
                until("the audit shows " + action, () -> browser.findElements(By.cssSelector(
                        "[data-testid=audit-row][data-dlq='" + DLQ + "'][data-action='" + action + "']")).stream()
                        .anyMatch(row -> Long.parseLong(row.getDomAttribute("data-id")) > auditBefore));
            }
            screenshot("06-purged");
        } finally {
            files().undeploy(FILE);
        }
    }

    @Test
    void applicationUsersAndStrangersAreRefused() throws Exception {
        logIn("app");
        browser.get(pageUrl());
        until("the page load is answered 403", () -> documentStatus(pageUrl()) == 403);
        assertThat(browser.findElements(By.id("dlq-table"))).as("no page for an app user").isEmpty();
        screenshot("07-app-refused");

        for (String path : List.of("/dlq", "/dlq/", "/dlq/index.html", "/dlq/dlq.js", "/dlq/dlq.css")) {
            given().auth().preemptive().basic("app", "app").get(path).then().statusCode(403);
            given().get(path).then().statusCode(401);
        }
        given().auth().preemptive().basic("admin", "admin").get("/dlq/").then().statusCode(200)
                .header("Content-Security-Policy", containsString("script-src 'self'"));
        given().auth().preemptive().basic("operator", "operator").redirects().follow(false).get("/dlq").then()
                .statusCode(302).header("Location", endsWith("dlq/"));
    }

    // --- browser helpers ---------------------------------------------------------------------------------------------

    private String pageUrl() {
        return "http://127.0.0.1:" + page.getPort() + "/dlq/";
    }

    private void logIn(String user) {
        session.logIn(user);
    }

    private <T> T until(String what, Callable<T> probe) {
        return session.until(what, probe);
    }

    private WebElement visible(String css) {
        return session.visible(css);
    }

    private static String text(WebElement element) {
        return element.getText().trim();
    }

    /** Clicks, for use in {@link #until} where a refresh may replace the element between finding and clicking. */
    /**
     * Clicks after scrolling the element to the middle of the window: with many DLQs (the shared boot's other tests
     * leave theirs) a row can sit under the page's sticky status line, which would take the click.
     */
    private boolean click(WebElement element) {
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'center'})", element);
        element.click();
        return true;
    }

    /** The status line once it reports {@code prefix}; fails at once, with the page's words, on an error report. */
    private String awaitStatus(String prefix) {
        WebElement status = browser.findElement(By.cssSelector("[data-testid=status]"));
        return await("the page reports " + prefix).atMost(PATIENCE).pollInterval(Duration.ofMillis(50)).until(() -> {
            String text = text(status);
            if ("error".equals(status.getDomAttribute("data-state"))) {
                throw new AssertionError("the page reported an error: " + text);
            }
            return text.startsWith(prefix) ? text : null;
        }, result -> result != null);
    }

    private WebElement groupRow(Class<?> exception, String patternPart) {
        return browser.findElements(By.cssSelector("[data-testid=group-row][data-dlq='" + DLQ + "'][data-exception='"
                + exception.getName() + "']")).stream().filter(row -> row.getText().contains(patternPart))
                .findFirst().orElse(null);
    }

    private List<WebElement> messageRows() {
        return browser.findElements(By.cssSelector("[data-testid=message-row]"));
    }

    private List<String> previews() {
        return browser.findElements(By.cssSelector("[data-testid=message-body-preview]")).stream()
                .map(DeadLetterPageTest::text).toList();
    }

    private WebElement headerValueInput(String header) {
        return until("the editable header " + header, () -> browser
                .findElements(By.cssSelector("[data-testid=edit-header-row]")).stream()
                .filter(row -> header.equals(row.findElement(By.cssSelector("[data-testid=edit-header-name]"))
                        .getDomProperty("value")))
                .map(row -> row.findElement(By.cssSelector("[data-testid=edit-header-value]"))).findFirst()
                .orElse(null));
    }

    private int documentStatus(String url) throws IOException {
        return session.documentStatus(url);
    }

    private void screenshot(String name) {
        session.screenshot(name);
    }

    /** Audit records outlive test runs (PostgreSQL): the test looks at what came after this id. */
    private static long lastAuditId() {
        List<Number> ids = given().auth().preemptive().basic("operator", "operator").queryParam("limit", 1)
                .get("/api/dlq/audit").then().statusCode(200).extract().path("id");
        return ids.isEmpty() ? 0 : ids.get(0).longValue();
    }

    // --- broker helpers ----------------------------------------------------------------------------------------------

    private void awaitDepth(long count) {
        await(DLQ + " holds " + count).atMost(Duration.ofSeconds(30)).until(() -> depth() == count);
    }

    private long depth() {
        var queue = embeddedBroker.server().locateQueue(SimpleString.of(DLQ));
        return queue == null ? 0 : queue.getMessageCount();
    }
}
