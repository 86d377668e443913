package netviz.server.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import netviz.server.NetvizServer;
import netviz.server.ServerOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The embedding page's view controls, each against what the page was given (the job's points): the
 * colour-by selector recolours the points, the class filter hides the other classes, a lasso drawn
 * with the mouse lists exactly the images inside it, and neighbours restricted to the points shown
 * stay within the shown classes.
 */
class EmbeddingPageBrowserTest {
    static final Path MODEL = Path.of("models/fashion-mnist-cnn.onnx");
    static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    static Path tmp;
    static NetvizServer server;
    static Chromium chromium;
    static WebDriver driver;
    static String base;

    @BeforeAll
    static void start() {
        Chromium.requireInstalled("EmbeddingPageBrowserTest");
        server = NetvizServer.start(ServerOptions.of(MODEL, null, tmp.resolve("cache")).withPort(0).withLimit(300));
        base = server.uri().toString();
        chromium = Chromium.start(tmp.resolve("chromium-profile"));
        driver = chromium.driver;
    }

    @AfterAll
    static void stop() {
        Chromium.close(chromium, server);
    }

    @BeforeEach
    void openTheMap() {
        driver.get(base + "embedding.html?method=pca&n=250");
        new WebDriverWait(driver, WAIT).until(d -> {
            List<WebElement> e = d.findElements(By.cssSelector("#embed-error .error"));
            if (!e.isEmpty()) {
                throw new AssertionError("the page shows an error: " + e.get(0).getText());
            }
            return d.findElements(By.cssSelector("#chart[data-points='250']")).isEmpty() ? null : true;
        });
    }

    static Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** The colour of the series that draws each shown point: index → colour. */
    @SuppressWarnings("unchecked")
    static Map<String, String> colours() {
        return (Map<String, String>) js("const out = {}; for (const s of window.nvEmbedding.chart.getOption().series) {"
                + " if (s.name === 'neighbours' || s.name === 'selected') continue;"
                + " for (const d of s.data) out[String(d[2])] = s.itemStyle.color; } return out;");
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> points() {
        return (List<Map<String, Object>>) js("return window.nvEmbedding.points;");
    }

    static int num(Object o) {
        return ((Number) o).intValue();
    }

    @Test
    void colourByMisclassifiedRecoloursThePoints() {
        Map<String, String> byTrue = colours();
        assertEquals(250, byTrue.size());
        new Select(driver.findElement(By.id("colour-by"))).selectByValue("misclassified");
        new WebDriverWait(driver, WAIT).until(d -> "misclassified".equals(
                d.findElement(By.id("chart")).getDomAttribute("data-colour-by")));
        Map<String, String> byError = colours();
        assertEquals(250, byError.size());
        Set<String> two = new HashSet<>(byError.values());
        int wrong = 0;
        for (Map<String, Object> p : points()) {
            boolean miss = num(p.get("label")) != num(p.get("predicted"));
            wrong += miss ? 1 : 0;
            assertEquals(miss ? "#d62728" : "#c7c7c7", byError.get(String.valueOf(num(p.get("index")))),
                    "point " + p.get("index"));
        }
        assertTrue(wrong > 0 && wrong < 250, "some but not all of 250 images are misclassified: " + wrong);
        assertEquals(2, two.size());
        assertNotEquals(byTrue, byError);
        new Select(driver.findElement(By.id("colour-by"))).selectByValue("predicted");
        new WebDriverWait(driver, WAIT).until(d -> "predicted".equals(
                d.findElement(By.id("chart")).getDomAttribute("data-colour-by")));
        Map<String, String> byPredicted = colours();
        for (Map<String, Object> p : points()) {
            // under 'predicted' a point takes the colour its predicted class has under 'true class'
            String sameClass = points().stream().filter(o -> num(o.get("label")) == num(p.get("predicted"))).findFirst()
                    .map(o -> byTrue.get(String.valueOf(num(o.get("index"))))).orElse(null);
            if (sameClass != null) {
                assertEquals(sameClass, byPredicted.get(String.valueOf(num(p.get("index")))), "point " + p.get("index"));
            }
        }
        chromium.assertNoConsoleErrors();
    }

    @Test
    void theClassFilterHidesTheOtherClasses() {
        WebElement search = driver.findElement(By.id("class-search"));
        search.sendKeys("trouser");
        new WebDriverWait(driver, WAIT).until(d -> !"250".equals(d.findElement(By.id("chart")).getDomAttribute("data-shown")));
        long want = points().stream().filter(p -> num(p.get("label")) == 1).count();
        assertTrue(want > 0);
        Map<String, String> shown = colours();
        assertEquals(want, shown.size(), () -> "filter: " + js("return document.querySelector('#class-filter').innerHTML"
                + " + ' | ' + document.querySelector('#chart').dataset.shown + ' | ' + JSON.stringify(window.nvEmbedding.points.slice(0, 3));"));
        for (Map<String, Object> p : points()) {
            assertEquals(num(p.get("label")) == 1, shown.containsKey(String.valueOf(num(p.get("index")))), "point " + p.get("index"));
        }
        // a checkbox brings a class back
        driver.findElement(By.cssSelector("#class-filter input[value='0']")).click();
        long both = points().stream().filter(p -> num(p.get("label")) <= 1).count();
        new WebDriverWait(driver, WAIT).until(d -> String.valueOf(both).equals(
                d.findElement(By.id("chart")).getDomAttribute("data-shown")));
        driver.findElement(By.id("classes-all")).click();
        new WebDriverWait(driver, WAIT).until(d -> "250".equals(d.findElement(By.id("chart")).getDomAttribute("data-shown")));
        chromium.assertNoConsoleErrors();
    }

    @Test
    void theLassoListsTheImagesInsideIt() {
        driver.findElement(By.id("lasso")).click();   // a click scrolls its button into view: measure after it
        js("document.querySelector('#chart').scrollIntoView({block: 'center'});");
        // a box in the middle of the chart, in viewport pixels
        @SuppressWarnings("unchecked")
        Map<String, Object> box = (Map<String, Object>) js("const r = document.querySelector('#chart').getBoundingClientRect();"
                + "return {x0: Math.round(r.left + r.width * 0.3), x1: Math.round(r.left + r.width * 0.7),"
                + " y0: Math.round(r.top + r.height * 0.3), y1: Math.round(r.top + r.height * 0.7), left: r.left, top: r.top};");
        int x0 = num(box.get("x0"));
        int x1 = num(box.get("x1"));
        int y0 = num(box.get("y0"));
        int y1 = num(box.get("y1"));
        new Actions(driver).moveToLocation(x0, y0).clickAndHold().pause(Duration.ofMillis(50))
                .moveToLocation((x0 + x1) / 2, y0).moveToLocation(x1, y0).moveToLocation(x1, (y0 + y1) / 2)
                .moveToLocation(x1, y1).moveToLocation((x0 + x1) / 2, y1).moveToLocation(x0, y1)
                .moveToLocation(x0, (y0 + y1) / 2).moveToLocation(x0, y0 + 1).pause(Duration.ofMillis(50)).release().perform();
        WebElement list = new WebDriverWait(driver, WAIT).until(d -> {
            List<WebElement> l = d.findElements(By.id("selection-thumbs"));
            return l.isEmpty() ? null : l.get(0);
        });
        // the oracle: the points whose drawn position lies inside the box (2 pixels of slack at its edges)
        @SuppressWarnings("unchecked")
        List<List<Object>> at = (List<List<Object>>) js("const s = window.nvEmbedding;"
                + "return s.points.map(p => { const q = s.chart.convertToPixel({xAxisIndex: 0, yAxisIndex: 0}, [p.x, p.y]);"
                + " return [p.index, q[0], q[1]]; });");
        double left = ((Number) box.get("left")).doubleValue();
        double top = ((Number) box.get("top")).doubleValue();
        Set<Integer> inside = new HashSet<>();
        Set<Integer> border = new HashSet<>();
        for (List<Object> p : at) {
            double x = ((Number) p.get(1)).doubleValue() + left;
            double y = ((Number) p.get(2)).doubleValue() + top;
            if (x > x0 + 2 && x < x1 - 2 && y > y0 + 2 && y < y1 - 2) {
                inside.add(num(p.get(0)));
            } else if (x > x0 - 2 && x < x1 + 2 && y > y0 - 2 && y < y1 + 2) {
                border.add(num(p.get(0)));
            }
        }
        List<Integer> listed = new ArrayList<>();
        for (WebElement t : list.findElements(By.cssSelector(".thumb"))) {
            int index = Integer.parseInt(t.getDomAttribute("data-index"));
            listed.add(index);
            assertTrue(t.getText().contains("#" + index), t.getText());
        }
        assertTrue(!inside.isEmpty(), "the box holds points");
        assertTrue(listed.containsAll(inside), "every point inside is listed: " + inside + " vs " + listed);
        for (int i : listed) {
            assertTrue(inside.contains(i) || border.contains(i), "point " + i + " is not inside the lasso");
        }
        assertTrue(driver.findElement(By.id("selection-result")).getText().contains(listed.size() + " images selected"));
        chromium.assertNoConsoleErrors();
    }

    @Test
    void restrictedNeighboursStayWithinTheShownClasses() {
        driver.findElement(By.id("class-search")).sendKeys("shirt");   // T-shirt/top and Shirt
        new WebDriverWait(driver, WAIT).until(d -> !"250".equals(d.findElement(By.id("chart")).getDomAttribute("data-shown")));
        @SuppressWarnings("unchecked")
        List<Object> shownClasses = (List<Object>) js("return [...window.nvEmbedding.shownClasses];");
        Set<Integer> allowed = new HashSet<>();
        shownClasses.forEach(c -> allowed.add(num(c)));
        assertEquals(Set.of(0, 6), allowed);
        driver.findElement(By.id("nn-restrict")).click();
        int clicked = points().stream().filter(p -> num(p.get("label")) == 6).map(p -> num(p.get("index"))).findFirst()
                .orElseThrow();
        js("window.nvEmbedding.showNeighbours(arguments[0]);", clicked);
        new WebDriverWait(driver, WAIT).until(d -> {
            List<WebElement> e = d.findElements(By.cssSelector("#nn-result .error"));
            if (!e.isEmpty()) {
                throw new AssertionError("the page shows an error: " + e.get(0).getText());
            }
            return d.findElements(By.cssSelector("#nn-thumbs[data-restricted='true'] .neighbour")).size() == 8 ? true : null;
        });
        for (WebElement n : driver.findElements(By.cssSelector("#nn-thumbs .neighbour"))) {
            int label = Integer.parseInt(n.getDomAttribute("data-label"));
            int index = Integer.parseInt(n.getDomAttribute("data-index"));
            assertTrue(allowed.contains(label), "neighbour #" + index + " of class " + label + " is not shown");
            assertTrue(index < 250, "neighbour #" + index + " is not on the map");
        }
        assertTrue(driver.findElement(By.id("nn-result")).getText().contains("among the"),
                driver.findElement(By.id("nn-result")).getText());
        chromium.assertNoConsoleErrors();
    }
}
