package netviz.report;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;

/** For tests outside this package: a report of one section, generated in this process, and its HTML. */
public final class SectionReport {
    private SectionReport() {
    }

    /** The report of section {@code id} alone on {@code model}'s first {@code limit} images, written to {@code out}. */
    public static Document generate(Path model, Path out, int limit, int examples, String id) throws Exception {
        ReportSection section = Sections.all().stream().filter(s -> s.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no report section " + id));
        Report.Options o = new Report.Options(model, null, null, null, List.of(), out, limit, examples);
        Report.generate(o, new PrintWriter(new StringWriter()), List.of(section));
        return Jsoup.parse(out.resolve("index.html").toFile(), "UTF-8");
    }
}
