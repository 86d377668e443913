package netviz.server.browser;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import netviz.Progress;
import netviz.engine.Tensor;
import netviz.figures.AttributionFigure;
import netviz.figures.RawArray;
import netviz.io.Npy;
import netviz.server.Job;
import netviz.server.NetvizServer;
import netviz.server.ServerOptions;
import netviz.session.Session;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The image page's attribution options: Integrated Gradients' baseline and steps and SmoothGrad's
 * samples and noise become the job's parameters; a second class shows the same method's map for both
 * classes side by side; and the "Download .npy" link of a result fetches the raw attributions, equal
 * to the recipe's array for the same options.
 */
class ImagePageOptionsBrowserTest {
    static final Path MODEL = Path.of("models/fashion-mnist-cnn.onnx");
    static final Duration JOB_WAIT = Duration.ofSeconds(90);

    @TempDir
    static Path tmp;
    static NetvizServer server;
    static Chromium chromium;
    static WebDriver driver;
    static String base;

    @BeforeAll
    static void start() {
        Chromium.requireInstalled("ImagePageOptionsBrowserTest");
        server = NetvizServer.start(ServerOptions.of(MODEL, null, tmp.resolve("cache")).withPort(0).withLimit(50));
        base = server.uri().toString();
        chromium = Chromium.start(tmp.resolve("chromium-profile"));
        driver = chromium.driver;
    }

    @AfterAll
    static void stop() {
        Chromium.close(chromium, server);
    }

    /** Opens the image page on a dataset image with a method's tab, once its class lists are filled. */
    static void open(int index, String method) {
        driver.get(base + "image.html?image=dataset:" + index + "&method=" + method);
        new WebDriverWait(driver, JOB_WAIT).until(d -> d.findElements(By.cssSelector("#target2 option")).size() > 1
                && !d.findElements(By.id("pred-bars")).isEmpty());
    }

    static void type(String id, String value) {
        WebElement e = driver.findElement(By.id(id));
        e.clear();
        e.sendKeys(value);
    }

    static WebElement await(By what, String scope) {
        return new WebDriverWait(driver, JOB_WAIT).until(d -> {
            List<WebElement> errors = d.findElements(By.cssSelector(scope + " .error"));
            if (!errors.isEmpty()) {
                throw new AssertionError("the page shows an error in " + scope + ": " + errors.get(0).getText());
            }
            List<WebElement> found = d.findElements(what);
            return found.isEmpty() ? null : found.get(0);
        });
    }

    /** The server's job behind the first progress bar of a method's panel. */
    static Job job(String method) {
        return server.jobs().find(driver.findElement(By.cssSelector("#panel-" + method + " .job")).getDomAttribute("data-job"));
    }

    @Test
    void integratedGradientsBaselineAndStepsBecomeTheJobsParameters() {
        open(5, "integrated-gradients");
        assertTrue(driver.findElement(By.id("ig-options")).isDisplayed(), "the IG options show on its tab");
        assertTrue(!driver.findElement(By.id("smoothgrad-options")).isDisplayed());
        new Select(driver.findElement(By.id("ig-baseline"))).selectByValue("blur");
        type("ig-steps", "8");
        driver.findElement(By.id("run-method")).click();
        await(By.cssSelector("#result-integrated-gradients img[data-file='map.png'][data-loaded='true']"),
                "#panel-integrated-gradients");
        Job j = job("integrated-gradients");
        assertEquals("blur", j.params().get("baseline"));
        assertEquals(8, ((Number) j.params().get("steps")).intValue());
        String text = driver.findElement(By.id("result-integrated-gradients")).getText();
        assertTrue(text.contains("blur baseline (8 steps)"), text);

        // back to the defaults: the job is the default one, whose parameters name neither
        new Select(driver.findElement(By.id("ig-baseline"))).selectByValue("zero");
        type("ig-steps", "50");
        driver.findElement(By.id("run-method")).click();
        await(By.cssSelector("#result-integrated-gradients [data-job] img[data-file='map.png'][data-loaded='true']"),
                "#panel-integrated-gradients");
        new WebDriverWait(driver, JOB_WAIT).until(d -> !j.id().equals(job("integrated-gradients").id()));
        assertEquals(Map.of("image", "dataset:5"), job("integrated-gradients").params());
        chromium.assertNoConsoleErrors();
    }

    @Test
    void smoothGradSamplesAndNoiseBecomeTheJobsParameters() {
        open(6, "smoothgrad");
        assertTrue(driver.findElement(By.id("smoothgrad-options")).isDisplayed());
        type("sg-samples", "4");
        type("sg-noise", "0.3");
        driver.findElement(By.id("run-method")).click();
        await(By.cssSelector("#result-smoothgrad img[data-file='overlay.png'][data-loaded='true']"), "#panel-smoothgrad");
        Job j = job("smoothgrad");
        assertEquals(4, ((Number) j.params().get("samples")).intValue());
        assertEquals(0.3, ((Number) j.params().get("noise")).doubleValue());
        String text = driver.findElement(By.id("result-smoothgrad")).getText();
        assertTrue(text.contains("Averaged over 4 noisy copies, noise 0.3"), text);

        // a noise level out of range: the server's one line in the page
        type("sg-noise", "2");
        driver.findElement(By.id("run-method")).click();
        WebElement error = new WebDriverWait(driver, JOB_WAIT).until(d -> {
            List<WebElement> e = d.findElements(By.cssSelector("#result-smoothgrad .error"));
            return e.isEmpty() ? null : e.get(0);
        });
        assertTrue(error.getText().contains("noise of a smoothgrad job must be a number from 0 to 1"), error.getText());
        // the refused request is the console's only error (reading the log empties it for the next test)
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= Level.SEVERE.intValue()) {
                assertTrue(e.getMessage().contains("/api/jobs") && e.getMessage().contains("400"), e.getMessage());
            }
        }
    }

    @Test
    void aSecondClassShowsBothMapsSideBySide() {
        open(7, "saliency");
        new Select(driver.findElement(By.id("target"))).selectByValue("2");
        new Select(driver.findElement(By.id("target2"))).selectByValue("7");
        driver.findElement(By.id("run-method")).click();
        WebElement left = await(By.cssSelector("#pair-saliency .pair-col[data-slot='0'] img[data-file='map.png'][data-loaded='true']"),
                "#panel-saliency");
        WebElement right = await(By.cssSelector("#pair-saliency .pair-col[data-slot='1'] img[data-file='map.png'][data-loaded='true']"),
                "#panel-saliency");
        assertEquals(2, driver.findElements(By.cssSelector("#panel-saliency .job[data-status='done']")).size(), "two jobs");
        List<WebElement> cols = driver.findElements(By.cssSelector("#pair-saliency .pair-col"));
        assertEquals(2, cols.size());
        assertEquals(cols.get(0).getLocation().getY(), cols.get(1).getLocation().getY(), "side by side");
        assertTrue(cols.get(0).getLocation().getX() < cols.get(1).getLocation().getX(), "the first class on the left");
        String[] names = {"Pullover", "Sneaker"};
        int[] classes = {2, 7};
        for (int i = 0; i < 2; i++) {
            Job j = server.jobs().find(cols.get(i).getDomAttribute("data-job"));
            assertEquals(classes[i], ((Number) j.params().get("target")).intValue());
            double p = ((Number) j.result().get("probability")).doubleValue();
            String head = cols.get(i).findElement(By.cssSelector("h3")).getText();
            assertTrue(head.startsWith(names[i] + " (class " + classes[i] + ")") && head.contains(" · p "), head);
            assertTrue(head.contains(String.format(java.util.Locale.ROOT, "%.1f", 100 * p))
                    || head.contains(String.format(java.util.Locale.ROOT, "%.2f", 100 * p))
                    || p < 0.001, head + " shows p = " + p);
        }
        assertNotEquals(left.getDomAttribute("src"), right.getDomAttribute("src"), "two maps");
        chromium.assertNoConsoleErrors();
    }

    @Test
    void theDownloadLinkFetchesTheRawAttributionsAsNpy() {
        open(9, "integrated-gradients");
        new Select(driver.findElement(By.id("target"))).selectByValue("3");
        type("ig-steps", "10");
        new Select(driver.findElement(By.id("ig-baseline"))).selectByValue("black");
        driver.findElement(By.id("run-method")).click();
        WebElement link = await(By.cssSelector("#result-integrated-gradients a.download-npy"), "#panel-integrated-gradients");
        assertEquals("Download .npy", link.getText());
        assertTrue(link.getDomAttribute("href").endsWith("/files/attributions.npy"), link.getDomAttribute("href"));
        // what the browser gets from the link
        Object got = ((JavascriptExecutor) driver).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                + "fetch(arguments[0].href).then(async r => {"
                + "  const b = new Uint8Array(await r.arrayBuffer()); let s = '';"
                + "  for (const x of b) s += String.fromCharCode(x);"
                + "  done([r.status, r.headers.get('content-type'), r.headers.get('content-disposition'), btoa(s)]);"
                + "}).catch(e => done(['error', String(e)]));", link);
        List<?> reply = (List<?>) got;
        assertEquals(200L, ((Number) reply.get(0)).longValue(), reply.toString());
        assertEquals("application/octet-stream", reply.get(1));
        assertTrue(String.valueOf(reply.get(2)).startsWith("attachment; filename=\"integrated-gradients-dataset-9-class-3"),
                String.valueOf(reply.get(2)));
        Tensor npy = Npy.fromBytes(Base64.getDecoder().decode((String) reply.get(3)), "attributions.npy");

        Session s = server.session().session();
        RawArray want = AttributionFigure.panels(s, s.datasetPicture(9), AttributionFigure.Options.of(
                AttributionFigure.Method.INTEGRATED_GRADIENTS).withTarget("3").withSteps(10).withBaseline("0.0"),
                Progress.NONE).arrays().get(AttributionFigure.RAW);
        assertArrayEquals(Arrays.copyOfRange(want.shape(), 1, want.shape().length), npy.shape(), "one image: no batch axis");
        assertArrayEquals(want.values(), npy.toFloatArray(), "the recipe's raw attributions, bit for bit");
        chromium.assertNoConsoleErrors();
    }
}
