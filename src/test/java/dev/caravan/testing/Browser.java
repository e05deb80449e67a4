package dev.caravan.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.logging.Level;

import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A real browser for page tests: Debian's headless chromium driven by Selenium through Debian's chromedriver (nothing
 * is downloaded). Tests are skipped where chromium is not installed; {@code .ci/run} installs it.
 */
public final class Browser implements AutoCloseable {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final ChromeDriver driver;
    private final String screenshotPrefix;
    private Duration patience = Duration.ofSeconds(20);

    private Browser(ChromeDriver driver, String screenshotPrefix) {
        this.driver = driver;
        this.screenshotPrefix = screenshotPrefix;
    }

    /**
     * Starts a headless browser, or skips the calling test when chromium is not installed.
     *
     * @param screenshotPrefix prefix of this test's screenshot files under {@code target/screenshots/}
     */
    public static Browser start(String screenshotPrefix) {
        assumeTrue(Files.isExecutable(CHROMIUM), "skipped: " + CHROMIUM + " is not installed; pages are tested in a"
                + " real browser (apt-get install chromium chromium-driver, as .ci/run does)");
        assertThat(CHROMEDRIVER).as("chromium is installed but chromedriver is not: apt-get install chromium-driver")
                .isExecutable();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toString());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-proxy-server", "--window-size=1400,1400");
        // The performance log carries each response's status: how a test sees a refused page load.
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.PERFORMANCE, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        // The driver is given, so Selenium Manager never tries to download one.
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        return new Browser(new ChromeDriver(service, options), screenshotPrefix);
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** How long {@link #until} and {@link #visible} wait; 20 s unless changed. */
    public Browser patience(Duration patience) {
        this.patience = patience;
        return this;
    }

    /**
     * Every request of this browser carries the user's basic login (password = user name, the development default),
     * as a browser does after its login prompt.
     */
    public void logIn(String user) {
        String login = Base64.getEncoder().encodeToString((user + ":" + user).getBytes(StandardCharsets.UTF_8));
        driver.executeCdpCommand("Network.enable", Map.of());
        driver.executeCdpCommand("Network.setExtraHTTPHeaders",
                Map.of("headers", Map.of("Authorization", "Basic " + login)));
    }

    /** Waits until {@code probe} returns something other than null or false, and returns that. */
    public <T> T until(String what, Callable<T> probe) {
        return await(what).atMost(patience).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                .until(probe, result -> result != null && !Boolean.FALSE.equals(result));
    }

    /** The first element matching {@code css} once it is displayed. */
    public WebElement visible(String css) {
        return visible(By.cssSelector(css));
    }

    /** The first element found by {@code by} once it is displayed. */
    public WebElement visible(By by) {
        return until(by.toString(), () -> {
            WebElement element = driver.findElement(by);
            return element.isDisplayed() ? element : null;
        });
    }

    /** Saves a screenshot as {@code target/screenshots/<prefix>-<name>.png}. */
    public Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path target = SCREENSHOTS.resolve(screenshotPrefix + "-" + name + ".png");
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("could not save screenshot " + name, e);
        }
    }

    /** The HTTP status of the last document load of {@code url}, from the browser's performance log; 0 if none. */
    public int documentStatus(String url) throws IOException {
        ObjectMapper json = new ObjectMapper();
        int status = 0;
        for (LogEntry entry : driver.manage().logs().get(LogType.PERFORMANCE)) {
            JsonNode message = json.readTree(entry.getMessage()).path("message");
            JsonNode params = message.path("params");
            if ("Network.responseReceived".equals(message.path("method").asText())
                    && "Document".equals(params.path("type").asText())
                    && url.equals(params.path("response").path("url").asText())) {
                status = params.path("response").path("status").asInt();
            }
        }
        return status;
    }

    @Override
    public void close() {
        driver.quit();
    }
}
