package netviz.server.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import netviz.data.Idx;
import netviz.server.NetvizServer;
import netviz.server.ServerOptions;

/**
 * The web app of {@code netviz serve} in a real headless Chromium (Debian {@code chromium} and
 * {@code chromium-driver}, which {@code .ci/run} installs), driven by Selenium: the server runs in
 * this JVM on a free port with the bundled model and the first {@value #IMAGES} test images.
 *
 * <p>Without the browser the tests fail when the environment says {@code CI=true} and are skipped
 * (with the reason) elsewhere. The driver and browser paths are given explicitly, so Selenium
 * Manager never looks for or downloads anything.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebAppBrowserTest {
    static final Path MODEL = Path.of("models/fashion-mnist-cnn.onnx");
    static final Path TEST_IMAGES = Path.of("data/fashion-mnist/t10k-images-idx3-ubyte.gz");
    static final int IMAGES = 300;
    static final Duration JOB_WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path tmp;
    static NetvizServer server;
    static Chromium chromium;
    static WebDriver driver;
    static String base;

    @BeforeAll
    static void start() throws IOException {
        Chromium.requireInstalled("WebAppBrowserTest");
        assertTrue(Files.isRegularFile(MODEL), "the bundled model " + MODEL + " is missing");

        server = NetvizServer.start(ServerOptions.of(MODEL, null, tmp.resolve("cache")).withPort(0).withLimit(IMAGES));
        base = server.uri().toString();

        chromium = Chromium.start(tmp.resolve("chromium-profile"));
        driver = chromium.driver;
    }

    @AfterAll
    static void stop() {
        Chromium.close(chromium, server);
    }

    /** With {@code -Dnetviz.screenshots=DIR}, keeps a screenshot of the page at the end of each test. */
    @AfterEach
    void screenshot(TestInfo info) throws IOException {
        String dir = System.getProperty("netviz.screenshots");
        if (dir != null && driver != null) {
            Files.createDirectories(Path.of(dir));
            org.openqa.selenium.Dimension size = driver.manage().window().getSize();
            long height = ((Number) js().executeScript("return document.documentElement.scrollHeight;")).longValue();
            driver.manage().window().setSize(new org.openqa.selenium.Dimension(size.getWidth(), (int) Math.min(4000, height + 140)));
            Files.write(Path.of(dir, info.getTestMethod().map(m -> m.getName()).orElse("page") + ".png"),
                    ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
            driver.manage().window().setSize(size);
        }
    }

    @Test
    @Order(1)
    void modelPageListsTheLayersAndLinksToLayerPages() {
        driver.get(base);
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        wait.until(d -> d.findElements(By.cssSelector("#layers tbody tr")).size() >= 10);
        List<String> names = driver.findElements(By.cssSelector("#layers tbody tr")).stream()
                .map(r -> r.getDomAttribute("data-layer")).collect(Collectors.toList());
        assertTrue(names.containsAll(List.of("conv1", "relu1", "pool1", "conv2", "fc1", "fc2")), names.toString());
        WebElement conv1 = driver.findElement(By.cssSelector("#layers tr[data-layer='conv1']"));
        assertTrue(conv1.getText().contains("Conv"), conv1.getText());
        String total = driver.findElement(By.cssSelector("#layers tfoot")).getText();
        assertTrue(total.matches("(?s).*Total.*\\d.*"), total);
        assertEquals(5, driver.findElements(By.cssSelector(".nv-header nav a")).size(), "the shared navigation");
        assertTrue(driver.findElement(By.cssSelector(".nv-header .model")).getText().contains("10 classes"),
                driver.findElement(By.cssSelector(".nv-header .model")).getText());

        // the layer link opens the layer page with its filters
        conv1.findElement(By.linkText("conv1")).click();
        wait.until(ExpectedConditions.urlContains("layer.html?layer=conv1"));
        WebElement filters = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#filters-img[data-loaded='true']")));
        assertLoadedAndNotFlat(filters, "the filters of conv1");

        // activation statistics over the dataset as a background job: firing-rate chart, dead filters, table
        driver.findElement(By.id("stats-run")).click();
        WebElement firing = awaitOrPageError(By.cssSelector("#firing-img[data-loaded='true']"), "#stats");
        assertLoadedAndNotFlat(firing, "the firing-rate chart of conv1");
        assertEquals("done", driver.findElement(By.cssSelector("#stats-progress .job")).getDomAttribute("data-status"));
        assertEquals(32, driver.findElements(By.cssSelector("#stats-table tbody tr")).size(), "one row per channel of conv1");
        assertTrue(driver.findElement(By.id("dead-list")).isDisplayed());
        assertTrue(driver.findElement(By.id("nearly-dead-list")).isDisplayed());
        assertTrue(driver.findElement(By.cssSelector("#stats-table thead")).getText().contains("Positions firing"));
        assertTrue(driver.findElement(By.cssSelector("#stats figcaption")).getText()
                .contains("Read from conv1, the output of the Conv"), "the page says which tensor it read");
        assertEquals(32, driver.findElements(By.cssSelector("#channels-host a[href*='neuron.html?layer=conv1']")).size());

        // the activation maps of one dataset image at this layer
        WebElement index = driver.findElement(By.id("maps-index"));
        index.clear();
        index.sendKeys("5");
        driver.findElement(By.id("maps-run")).click();
        WebElement maps = awaitOrPageError(By.cssSelector("#maps-result img.pixelated[src*='/files/'][data-loaded='true']"), "#maps");
        assertLoadedAndNotFlat(maps, "the activation maps of conv1 for dataset:5");

        // an unknown layer: the server's line and its close matches appear in the page
        driver.get(base + "layer.html?layer=conv9");
        WebElement error = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#layer-facts .error")));
        assertTrue(error.getText().contains("conv9") && error.getText().contains("conv1"), error.getText());
        driver.manage().logs().get(LogType.BROWSER); // the deliberate 400 is logged; forget it
        assertNoConsoleErrors();
    }

    @Test
    @Order(2)
    void uploadedImageGetsASaliencyPictureAndAPrediction() throws IOException {
        Path png = writeTestImagePng(0, tmp.resolve("test-image-0.png"));
        driver.get(base + "image.html");
        WebDriverWait wait = new WebDriverWait(driver, JOB_WAIT);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#strip .thumb")));

        driver.findElement(By.id("upload-input")).sendKeys(png.toAbsolutePath().toString());
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("upload-ok")));
        wait.until(ExpectedConditions.urlContains("image=upload%3A"));
        WebElement selected = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("selected-img")));
        wait.until(d -> naturalWidth(selected) > 0);

        // the prediction of the uploaded image (test image 0 is an ankle boot, which the bundled model knows)
        WebElement bars = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("pred-bars")));
        String top1 = bars.findElement(By.cssSelector(".top1")).getText();
        assertEquals("Ankle boot", top1, "top-1 class of test image 0 shown in the page");

        // saliency, run as a job with a progress bar, renders its PNGs
        driver.findElement(By.cssSelector("#method-tabs button[data-method='saliency']")).click();
        driver.findElement(By.id("run-method")).click();
        WebElement overlay = awaitOrPageError(By.cssSelector("#result-saliency img[data-file='overlay.png'][data-loaded='true']"),
                "#panel-saliency");
        WebElement map = awaitOrPageError(By.cssSelector("#result-saliency img[data-file='map.png'][data-loaded='true']"),
                "#panel-saliency");
        assertLoadedAndNotFlat(overlay, "saliency overlay");
        assertLoadedAndNotFlat(map, "saliency map");
        assertEquals("done", driver.findElement(By.cssSelector("#panel-saliency .job")).getDomAttribute("data-status"));
        assertTrue(driver.findElement(By.id("result-saliency")).getText().contains("Ankle boot"),
                driver.findElement(By.id("result-saliency")).getText());

        // nearest neighbours of the uploaded image in feature space, with their distances
        driver.findElement(By.id("nn-run")).click();
        awaitOrPageError(By.cssSelector("#nn-thumbs a:nth-child(8)"), "#neighbours");
        assertEquals(8, driver.findElements(By.cssSelector("#nn-thumbs a")).size());
        assertTrue(driver.findElement(By.id("nn-thumbs")).getText().contains("distance"));

        // every method at once: the eight overlays side by side, each a picture
        driver.findElement(By.id("run-all")).click();
        awaitOrPageError(By.cssSelector("#compare figure:nth-child(8) img[data-loaded='true']"), "#explain");
        List<WebElement> all = driver.findElements(By.cssSelector("#compare figure img"));
        assertEquals(8, all.size());
        for (WebElement img : all) {
            wait.until(d -> "true".equals(img.getDomAttribute("data-loaded")));
            assertLoadedAndNotFlat(img, "overlay " + img.getDomAttribute("alt"));
        }
        assertNoConsoleErrors();
    }

    @Test
    @Order(3)
    void twoTabsRunJobsAtOnceAndBadInputIsShownInThePage() throws IOException {
        String first = driver.getWindowHandle();
        driver.get(base + "image.html?image=dataset:3&method=grad-cam");
        WebDriverWait wait = new WebDriverWait(driver, JOB_WAIT);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("pred-bars")));

        // drag and drop: a PNG dropped on the drop zone is uploaded and selected (made in the page from dataset image 7)
        js().executeScript("const img = new Image(); img.src = '/api/dataset/7.png?scale=1';"
                + "img.onload = () => { const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;"
                + "  c.getContext('2d').drawImage(img, 0, 0); c.toBlob(b => { const dt = new DataTransfer();"
                + "    dt.items.add(new File([b], 'dropped.png', {type: 'image/png'}));"
                + "    document.getElementById('dropzone').dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));"
                + "  }, 'image/png'); };");
        WebElement dropped = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("upload-ok")));
        assertTrue(dropped.getText().contains("dropped.png"), dropped.getText());
        wait.until(ExpectedConditions.urlContains("image=upload%3A"));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("pred-bars")));
        driver.findElement(By.id("run-method")).click(); // Grad-CAM of the dropped image, left running

        driver.switchTo().newWindow(WindowType.TAB);
        String second = driver.getWindowHandle();
        driver.get(base + "image.html?image=dataset:4&method=occlusion");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("pred-bars")));
        driver.findElement(By.id("run-method")).click();
        WebElement heat = awaitOrPageError(By.cssSelector("#result-occlusion img[data-file='heatmap.png'][data-loaded='true']"),
                "#panel-occlusion");
        assertLoadedAndNotFlat(heat, "occlusion heat map in the second tab");

        driver.switchTo().window(first);
        WebElement cam = awaitOrPageError(By.cssSelector("#result-grad-cam img[data-file='overlay.png'][data-loaded='true']"),
                "#panel-grad-cam");
        assertLoadedAndNotFlat(cam, "Grad-CAM overlay in the first tab");

        // an image reference the server does not know: its error line appears in the page
        driver.switchTo().window(second);
        driver.get(base + "image.html?image=dataset:" + (IMAGES + 5));
        WebElement error = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#prediction .error")));
        assertFalse(error.getText().isBlank());
        assertTrue(error.getText().contains(String.valueOf(IMAGES + 5)), error.getText());
        // a file that is not an image: the server's refusal appears under the drop zone
        Path notAnImage = Files.writeString(tmp.resolve("notes.png"), "these are notes, not a picture\n");
        driver.findElement(By.id("upload-input")).sendKeys(notAnImage.toAbsolutePath().toString());
        WebElement refused = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#upload-status .error")));
        assertTrue(refused.getText().contains("not an image"), refused.getText());

        driver.manage().logs().get(LogType.BROWSER); // the deliberate bad requests above are logged; forget them
        driver.close();
        driver.switchTo().window(first);
    }

    @Test
    @Order(4)
    void neuronPageShowsTopImagesWithReceptiveFields() {
        driver.get(base + "neuron.html?layer=conv2&channel=3");
        WebDriverWait wait = new WebDriverWait(driver, JOB_WAIT);
        awaitOrPageError(By.cssSelector("#top-images .top-image:nth-child(9)"), "#top");
        List<WebElement> tops = driver.findElements(By.cssSelector("#top-images .top-image"));
        for (WebElement t : tops) {
            WebElement img = t.findElement(By.tagName("img"));
            wait.until(d -> naturalWidth(img) > 0);
            assertFalse(t.findElements(By.cssSelector(".rf-box")).isEmpty(), "receptive field outlined: " + t.getText());
            assertTrue(t.getText().contains("activation"), t.getText());
        }
        assertLoadedAndNotFlat(tops.get(0).findElement(By.tagName("img")), "the top image");
        assertEquals("conv2 · channel 3", driver.findElement(By.id("neuron-title")).getText());

        // activation maximisation of the same unit, a job with its own progress bar
        driver.findElement(By.id("max-run")).click();
        WebElement synthesised = awaitOrPageError(By.cssSelector("#max-img[data-loaded='true']"), "#maximize");
        assertLoadedAndNotFlat(synthesised, "the synthesised image");
        assertNoConsoleErrors();
    }

    @Test
    @Order(4)
    void classNeuronPageSynthesisesFacets() {
        driver.get(base + "neuron.html?class=3");
        WebElement count = new WebDriverWait(driver, JOB_WAIT)
                .until(d -> d.findElement(By.id("facet-count")));
        count.clear();
        count.sendKeys("2");
        driver.findElement(By.id("facets-run")).click();
        WebElement sheet = awaitOrPageError(By.cssSelector("#facets-result img[src*='/files/'][data-loaded='true']"), "#facets");
        assertLoadedAndNotFlat(sheet, "the facets sheet");
        assertNoConsoleErrors();
    }

    @Test
    @Order(5)
    void clickingAPointOfTheEmbeddingShowsItsNeighbours() {
        driver.get(base + "embedding.html?method=pca&n=250");
        WebDriverWait wait = new WebDriverWait(driver, JOB_WAIT);
        WebElement chart = awaitOrPageError(By.cssSelector("#chart[data-points]"), "#embed-error");
        assertEquals("250", chart.getDomAttribute("data-points"));

        // the point drawn last (nothing covers it), where the chart itself places it, in viewport pixels
        @SuppressWarnings("unchecked")
        Map<String, Object> target = (Map<String, Object>) js().executeScript(
                "const s = window.nvEmbedding; const el = document.querySelector('#chart');"
                        + "el.scrollIntoView({block: 'center'}); const opt = s.chart.getOption();"
                        + "for (let i = opt.series.length - 1; i >= 0; i--) { const d = opt.series[i].data;"
                        + "  if (!d || !d.length || opt.series[i].name === 'selected' || opt.series[i].name === 'neighbours') continue;"
                        + "  const q = d[d.length - 1]; const p = s.chart.convertToPixel({seriesIndex: i}, [q[0], q[1]]);"
                        + "  const r = el.getBoundingClientRect();"
                        + "  return {x: r.left + p[0], y: r.top + p[1], index: q[2]}; }"
                        + "return null;");
        assertTrue(target != null, "the chart has points");
        new Actions(driver).moveToLocation((int) Math.round(num(target.get("x"))), (int) Math.round(num(target.get("y"))))
                .pause(Duration.ofMillis(300)).click().perform();

        awaitOrPageError(By.cssSelector("#nn-thumbs .neighbour:nth-child(6)"), "#nn-result");
        List<WebElement> neighbours = driver.findElements(By.cssSelector("#nn-thumbs .neighbour"));
        double last = -1;
        for (WebElement n : neighbours) {
            WebElement img = n.findElement(By.tagName("img"));
            wait.until(d -> naturalWidth(img) > 0);
            String d = n.findElement(By.cssSelector(".distance")).getText().replace("distance ", "");
            double dist = Double.parseDouble(d);
            assertTrue(dist >= last - 1e-9, "neighbours sorted by distance: " + dist + " after " + last);
            last = dist;
        }
        Object selected = js().executeScript("return window.nvEmbedding.selected;");
        assertEquals(((Number) target.get("index")).intValue(), ((Number) selected).intValue(), "the clicked point is selected");
        assertTrue(driver.findElement(By.id("nn-result")).getText().contains("#" + ((Number) selected).intValue()),
                driver.findElement(By.id("nn-result")).getText());
        assertNoConsoleErrors();
    }

    // ---------------------------------------------------------------- helpers

    static JavascriptExecutor js() {
        return (JavascriptExecutor) driver;
    }

    static double num(Object o) {
        return ((Number) o).doubleValue();
    }

    /** Waits for {@code what}; fails at once with the page's message when an error box appears in {@code scope}. */
    static WebElement awaitOrPageError(By what, String scope) {
        return new WebDriverWait(driver, JOB_WAIT).until(d -> {
            List<WebElement> errors = d.findElements(By.cssSelector(scope + " .error"));
            if (!errors.isEmpty()) {
                throw new AssertionError("the page shows an error in " + scope + ": " + errors.get(0).getText());
            }
            List<WebElement> found = d.findElements(what);
            return found.isEmpty() ? null : found.get(0);
        });
    }

    static long naturalWidth(WebElement img) {
        Object w = js().executeScript("return arguments[0].complete ? arguments[0].naturalWidth : 0;", img);
        return ((Number) w).longValue();
    }

    /** The image loaded, and its pixels (read back through a canvas) are not one flat colour. */
    static void assertLoadedAndNotFlat(WebElement img, String what) {
        assertTrue(naturalWidth(img) > 0, what + " did not load");
        @SuppressWarnings("unchecked")
        Map<String, Object> s = (Map<String, Object>) js().executeScript(
                "const img = arguments[0]; const c = document.createElement('canvas');"
                        + "c.width = img.naturalWidth; c.height = img.naturalHeight;"
                        + "const g = c.getContext('2d'); g.drawImage(img, 0, 0);"
                        + "const d = g.getImageData(0, 0, c.width, c.height).data;"
                        + "const seen = new Set(); let sum = 0, sum2 = 0, n = 0;"
                        + "for (let i = 0; i < d.length; i += 4) { seen.add((d[i] << 16) | (d[i+1] << 8) | d[i+2]);"
                        + "  const v = 0.299 * d[i] + 0.587 * d[i+1] + 0.114 * d[i+2]; sum += v; sum2 += v * v; n++; }"
                        + "const mean = sum / n;"
                        + "return {w: c.width, h: c.height, colours: seen.size, std: Math.sqrt(Math.max(0, sum2 / n - mean * mean))};",
                img);
        assertTrue(num(s.get("w")) > 0 && num(s.get("h")) > 0, what + ": " + s);
        assertTrue(num(s.get("colours")) >= 8, what + " is (nearly) one flat colour: " + s);
        assertTrue(num(s.get("std")) > 4, what + " has almost no contrast: " + s);
    }

    /** Fails on errors in the browser console: script errors and failed requests (tests drain deliberate ones). */
    static void assertNoConsoleErrors() {
        chromium.assertNoConsoleErrors();
    }

    /** Test image {@code index} of the bundled split as a 28×28 grey PNG, as a user would upload it. */
    static Path writeTestImagePng(int index, Path out) throws IOException {
        Idx.UByteArray images = Idx.read(TEST_IMAGES);
        int h = images.dims()[1];
        int w = images.dims()[2];
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = images.get(index * h * w + y * w + x);
                img.getRaster().setSample(x, y, 0, v);
            }
        }
        File f = out.toFile();
        assertTrue(ImageIO.write(img, "png", f), "PNG writer available");
        return out;
    }
}
