package netviz.server.browser;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import netviz.server.NetvizServer;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * A headless Debian Chromium driven by Selenium for the browser tests. Without the browser the tests
 * fail when the environment says {@code CI=true} and are skipped (with the reason) elsewhere; the
 * driver and browser paths are explicit, so Selenium Manager never downloads anything.
 */
final class Chromium implements AutoCloseable {
    static final Path CHROMIUM = Path.of(System.getProperty("netviz.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("netviz.chromedriver", "/usr/bin/chromedriver"));

    final ChromeDriverService service;
    final WebDriver driver;

    private Chromium(ChromeDriverService service, WebDriver driver) {
        this.service = service;
        this.driver = driver;
    }

    /** Skips (or, with CI=true, fails) the calling test class when the browser is not installed. */
    static void requireInstalled(String testClass) {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(CHROMIUM)) {
            missing.add(CHROMIUM + " (Debian package chromium)");
        }
        if (!Files.isExecutable(CHROMEDRIVER)) {
            missing.add(CHROMEDRIVER + " (Debian package chromium-driver)");
        }
        if (!missing.isEmpty()) {
            String msg = "the browser tests of netviz serve need " + String.join(" and ", missing)
                    + ": install them with `apt-get install chromium chromium-driver` (.ci/run does)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(msg);
            }
            System.err.println(testClass + " skipped: " + msg + " (with CI=true this fails)");
            Assumptions.abort(msg + "; skipped because CI is not set");
        }
    }

    /** Starts the driver with a fresh profile under {@code profile}. */
    static Chromium start(Path profile) {
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, CHROMEDRIVER.toString());
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,1000", "--no-first-run", "--no-default-browser-check",
                "--disable-extensions", "--disable-background-networking", "--disable-sync",
                "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, java.util.logging.Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        WebDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        return new Chromium(service, driver);
    }

    /** Fails on any error in the browser console since the last call (an uncaught exception, a failed load). */
    void assertNoConsoleErrors() {
        List<String> errors = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()) {
                errors.add(e.getMessage());
            }
        }
        assertTrue(errors.isEmpty(), "errors in the browser console: " + errors);
    }

    /** Closes the browser (when started), then the server (when started). */
    static void close(Chromium chromium, NetvizServer server) {
        try {
            if (chromium != null) {
                chromium.close();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
        }
    }
}
