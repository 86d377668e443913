package netviz.report;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;

/** For the figure tests outside this package: generates the report of one section in this process. */
public final class SectionReports {
    private SectionReports() {
    }

    /** Writes the report of section {@code id} alone on {@code model}'s first {@code limit} images to {@code out}. */
    public static Path generate(Path model, Path out, int limit, String id) {
        ReportSection section = Sections.all().stream().filter(s -> s.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no report section " + id));
        Report.generate(new Report.Options(model, null, null, null, List.of(), out, limit, 1),
                new PrintWriter(new StringWriter()), List.of(section));
        return out.resolve("index.html");
    }
}
