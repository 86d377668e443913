package netviz.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import netviz.BundledScan;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code netviz report --scan DIR}: the accuracy, dead-filter, top-image and neighbour sections drawn
 * from a scan of 2,000 images show the numbers of the same report passing over those 2,000 images,
 * the page says where they come from, and the captions give {@code --scan}.
 */
class ReportScanTest {
    @TempDir
    Path dir;

    private Document report(Path out, Path scan) throws Exception {
        List<ReportSection> sections = List.of(new EvaluationSection(), new DeadFiltersSection(), new TopImagesSection(),
                new NeighborsSection());
        Report.Options o = new Report.Options(BundledScan.MODEL, null, BundledScan.data(), BundledScan.data().toString(),
                List.of(), out, 0, 2, null, scan);
        Report.Result r = Report.generate(o, new PrintWriter(new StringWriter()), sections);
        assertTrue(r.failed().isEmpty(), r.failed().toString());
        return Jsoup.parse(out.resolve("index.html").toFile(), "UTF-8");
    }

    @Test
    void sectionsFromTheScanShowTheNumbersOfAPass() throws Exception {
        Document pass = report(dir.resolve("pass"), null);
        Document fromScan = report(dir.resolve("scan"), BundledScan.scan());

        String note = fromScan.select("p.scan").text();
        assertTrue(note.contains("2,000 images, 0 failed") && note.contains(BundledScan.scan().toString()), note);
        assertTrue(pass.select("p.scan").isEmpty());
        for (String id : List.of("evaluation", "dead-filters")) {
            assertEquals(tables(pass, id), tables(fromScan, id), id);
        }
        assertEquals(pass.select("#evaluation p.numbers").text(), fromScan.select("#evaluation p.numbers").text());
        for (String id : List.of("evaluation", "dead-filters", "top-images", "neighbors")) {
            Element s = fromScan.getElementById(id);
            assertTrue(s.select("figcaption code").text().contains("--scan " + BundledScan.scan()), id + ": " + s.text());
            for (Element img : s.select("img")) {
                assertTrue(Files.size(dir.resolve("scan").resolve(img.attr("src"))) > 1000, img.attr("src"));
            }
        }
        assertFalse(fromScan.select("#top-images img").isEmpty());
    }

    private static String tables(Document d, String section) {
        Element s = d.getElementById(section);
        assertTrue(s != null, "no section " + section);
        return s.select("table").text();
    }
}
