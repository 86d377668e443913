package netviz.server.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import netviz.server.NetvizServer;
import netviz.server.ServerOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web app keeps the user in control: a running job stops with its Cancel button, and an address
 * that names no image shows the one-line reason in the page instead of an empty page and an uncaught
 * exception. One worker and 2,000 images, so a t-SNE job runs long enough to be cancelled.
 */
class JobControlBrowserTest {
    static final Path MODEL = Path.of("models/fashion-mnist-cnn.onnx");

    @TempDir
    static Path tmp;
    static NetvizServer server;
    static Chromium chromium;
    static WebDriver driver;
    static String base;

    @BeforeAll
    static void start() {
        Chromium.requireInstalled("JobControlBrowserTest");
        server = NetvizServer.start(ServerOptions.of(MODEL, null, tmp.resolve("cache")).withPort(0).withLimit(2000)
                .withWorkers(1));
        base = server.uri().toString();
        chromium = Chromium.start(tmp.resolve("chromium-profile"));
        driver = chromium.driver;
    }

    @AfterAll
    static void stop() {
        Chromium.close(chromium, server);
    }

    @Test
    void aRunningJobStopsWithItsCancelButton() {
        // the page computes the map its address names as soon as it opens: the t-SNE of 2,000 images
        driver.get(base + "embedding.html?method=tsne&n=2000");
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
        wait.until(d -> d.findElements(By.cssSelector("#layer option")).size() > 0);
        assertEquals("tsne", new Select(driver.findElement(By.id("method"))).getFirstSelectedOption().getDomAttribute("value"));
        if (driver.findElements(By.cssSelector("#embed-progress .job")).isEmpty()) {
            driver.findElement(By.id("embed-run")).click();
        }
        WebElement job = wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#embed-progress .job[data-status='running']")));
        wait.until(d -> job.getDomAttribute("title") != null && !job.getDomAttribute("title").isEmpty());
        WebElement cancel = job.findElement(By.cssSelector(".job-cancel"));
        assertTrue(cancel.isDisplayed(), "a running job shows its Cancel button");
        String status = job.findElement(By.cssSelector(".job-status")).getText();
        assertTrue(status.matches("(?s).*\\(\\d+\\.\\d s, estimated about \\d+ (s|min)\\).*"),
                "the job's own elapsed time and its estimate: " + status);
        assertTrue(job.getDomAttribute("title").matches("estimated about \\d+ (s|min) \\(.*t-SNE of 2,000 points.*"),
                job.getDomAttribute("title"));
        cancel.click();
        wait.until(d -> "cancelled".equals(d.findElement(By.cssSelector("#embed-progress .job")).getDomAttribute("data-status")));
        assertTrue(driver.findElement(By.cssSelector("#embed-progress .job-status")).getText().startsWith("cancelled"));
        assertTrue(!driver.findElement(By.cssSelector("#embed-progress .job-cancel")).isDisplayed(),
                "no Cancel button once the job ended");
        String id = driver.findElement(By.cssSelector("#embed-progress .job")).getDomAttribute("data-job");
        assertEquals("cancelled", server.jobs().find(id).status().json(), "the server stopped the job");
        chromium.assertNoConsoleErrors();
    }

    @Test
    void anAddressThatNamesNoImageShowsTheReasonInThePage() {
        driver.get(base + "image.html?image=../../etc/passwd");
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
        WebElement note = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#bad-ref.error")));
        assertTrue(note.getText().contains("../../etc/passwd") && note.getText().contains("dataset:N"), note.getText());
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#pred-bars")));
        chromium.assertNoConsoleErrors();
    }
}
