package netviz.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import netviz.NetvizException;
import netviz.NonFiniteModels;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A report section whose computation fails says so in the page, in that section, and the other
 * sections are still written: a section that throws after writing a figure, and real NaN (the
 * bundled model with NaN class scores) in the saliency and activation-maximisation sections. An
 * {@link Error} still aborts the report and leaves the previous one in place.
 */
class ReportFailureTest {
    @TempDir
    Path dir;

    /** A section that writes a figure with a real command, then fails. */
    static final class Broken implements ReportSection {
        private final RuntimeException failure;

        Broken(RuntimeException failure) {
            this.failure = failure;
        }

        @Override
        public String id() {
            return "broken";
        }

        @Override
        public String title() {
            return "Broken";
        }

        @Override
        public void render(ReportContext ctx) {
            NetvizCommand c = ctx.withOut(ctx.command("filters"), "broken.png", "broken.png");
            writePng(ctx, "broken.png");
            ctx.figure("broken.png", "a figure the failure takes back", c);
            throw failure;
        }
    }

    @Test
    void aFailingSectionShowsANoteAndTheOthersAreWritten() throws Exception {
        Path out = dir.resolve("r");
        Report.Options o = new Report.Options(NonFiniteModels.BUNDLED, null, null, null, List.of(), out, 50, 1);
        StringWriter log = new StringWriter();
        Report.Result r = Report.generate(o, new PrintWriter(log), List.of(new ModelSection(),
                new Broken(new NetvizException("this section fails after writing a figure")), new ParametersSection(),
                new Broken(new IllegalStateException("a bug\non two lines"))));

        assertEquals(List.of("broken", "broken"), r.failed().stream().map(Report.Failure::id).toList());
        assertEquals("IllegalStateException: a bug on two lines", r.failed().get(1).message());
        Document doc = Jsoup.parse(out.resolve("index.html").toFile(), "UTF-8");
        List<Element> broken = doc.select("section#broken");
        assertEquals(2, broken.size());
        assertEquals("This section could not be computed. this section fails after writing a figure",
                broken.get(0).selectFirst(".failed p").text());
        assertTrue(broken.get(1).selectFirst(".failed").text().contains("IllegalStateException: a bug on two lines"));
        assertTrue(broken.get(0).select("img, figure").isEmpty(), "the failed section's figure is taken back");
        assertFalse(Files.exists(out.resolve("figures/broken.png")), "and its file removed");
        Element params = doc.selectFirst("section#parameters");
        assertFalse(params.select("img").isEmpty(), "the sections after the failure are written");
        assertTrue(params.select(".failed").isEmpty());
        assertEquals(doc.select("figure img").size(), r.figures(), "the failed figure is not counted");
        assertTrue(log.toString().contains("netviz report: section 'Broken' failed: this section fails after writing a figure"),
                log.toString());
        assertTrue(Files.readString(out.resolve("style.css")).contains(".failed"));
        // the table of contents marks the failed sections
        assertEquals(List.of("Broken (could not be computed)", "Broken (could not be computed)"),
                doc.select("nav li:has(.failed-mark)").eachText());
        assertEquals(4, doc.select("nav li").size());
    }

    /** The issue's case: NaN results give a note naming the method and the step instead of black tiles. */
    @Test
    void nonFiniteResultsGiveANoteNamingTheMethodAndTheStep() throws Exception {
        Path model = NonFiniteModels.nanLogits(dir.resolve("models"));
        Path out = dir.resolve("nan");
        Report.Options o = new Report.Options(model, model.toString(), null, null, List.of(), out, 50, 1);
        StringWriter log = new StringWriter();
        Report.Result r = Report.generate(o, new PrintWriter(log), List.of(new ModelSection(),
                AttributionSection.saliency(), new MaximizationSection(), new ParametersSection()));

        Document doc = Jsoup.parse(out.resolve("index.html").toFile(), "UTF-8");
        assertEquals(2, r.failed().size(), log::toString);
        String saliency = doc.selectFirst("section#" + AttributionSection.saliency().id() + " .failed").text();
        assertTrue(saliency.contains("the report's step 'netviz saliency") && saliency.contains("failed: saliency of class ")
                && saliency.contains("('fc2_nan')") && saliency.contains("the class score in the forward pass is NaN"), saliency);
        String am = doc.selectFirst("section#" + new MaximizationSection().id() + " .failed").text();
        assertTrue(am.contains("could not be computed") && am.contains("activation maximization of 'fc2_nan' unit")
                && am.contains("became non-finite at step 1 of"), am);
        try (Stream<Path> s = Files.list(out.resolve("figures"))) {
            List<String> names = s.map(p -> p.getFileName().toString()).toList();
            assertTrue(names.stream().noneMatch(n -> n.contains("saliency") || n.contains("maxim")), names::toString);
            assertFalse(names.isEmpty(), "the parameters figures are there");
        }
        assertFalse(doc.selectFirst("section#parameters").select("img").isEmpty());
    }

    /** An Error (not a section's failure) aborts the report; the previous report stays as it was. */
    @Test
    void anErrorAbortsTheReportAndKeepsThePreviousOne() throws Exception {
        Path out = dir.resolve("keep/r");
        Report.Options o = new Report.Options(NonFiniteModels.BUNDLED, null, null, null, List.of(), out, 50, 1);
        PrintWriter log = new PrintWriter(new StringWriter());
        Report.generate(o, log, List.of(new ModelSection()));
        String before = Files.readString(out.resolve("index.html"));
        ReportSection fatal = new ReportSection() {
            @Override
            public String id() {
                return "fatal";
            }

            @Override
            public String title() {
                return "Fatal";
            }

            @Override
            public void render(ReportContext ctx) {
                writePng(ctx, "f.png");
                throw new AssertionError("not a section failure");
            }
        };
        assertThrows(AssertionError.class, () -> Report.generate(o, log, List.of(new ModelSection(), fatal)));
        assertEquals(before, Files.readString(out.resolve("index.html")));
        try (Stream<Path> s = Files.list(out.getParent())) {
            assertEquals(List.of(out), s.toList(), "no temporary folder left");
        }
    }

    /** A small picture written as a section would write its figure. */
    static void writePng(ReportContext ctx, String name) {
        netviz.render.Png.write(new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB),
                ctx.file(ReportContext.FIGURES + "/" + name));
    }
}
