package netviz.report;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * For tests outside this package: writes a report of one section (by id) on a model and returns
 * its figures with the commands their captions print, so that a test can compare a report figure
 * with what another surface draws.
 */
public final class ReportSectionFixture {
    /** One figure of the report: the PNG and the words of its caption's "reproduce" command. */
    public record ShownFigure(Path png, List<String> command) {
    }

    private ReportSectionFixture() {
    }

    /** Writes the report of section {@code id} to {@code out} (dataset: the bundled test split, first {@code limit}). */
    public static List<ShownFigure> figures(Path model, Path out, int limit, String id) throws Exception {
        ReportSection section = Sections.all().stream().filter(s -> s.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no report section " + id));
        Report.Options o = new Report.Options(model, model.toString(), null, null, List.of(), out, limit, 3);
        StringWriter log = new StringWriter();
        Report.generate(o, new PrintWriter(log), List.of(section));
        Document doc = Jsoup.parse(out.resolve("index.html").toFile(), "UTF-8");
        Element s = doc.getElementById(id);
        if (s == null || s.select("figure:has(img)").isEmpty()) {
            throw new AssertionError("section " + id + " drew no figure: " + log);
        }
        List<ShownFigure> figures = new ArrayList<>();
        for (Element f : s.select("figure:has(img)")) {
            List<String> cmd = List.of(f.selectFirst("figcaption code").text().split(" "));
            figures.add(new ShownFigure(out.resolve(f.selectFirst("img").attr("src")), cmd));
        }
        return figures;
    }
}
