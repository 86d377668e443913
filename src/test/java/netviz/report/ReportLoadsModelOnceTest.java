package netviz.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import netviz.onnx.OnnxLoader;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every section of a report works on the report's one session: the model file is read once per report. */
class ReportLoadsModelOnceTest {
    static final Path MODEL = Path.of("models/fashion-mnist-cnn.onnx");

    @Test
    void aWholeReportLoadsTheModelFileOnce(@TempDir Path tmp) {
        Assumptions.assumeTrue(Files.isRegularFile(MODEL), "bundled model not present");
        long before = OnnxLoader.timesLoaded(MODEL);
        StringWriter log = new StringWriter();
        Report.Result r = Report.generate(new Report.Options(MODEL, null, null, null, List.of(), tmp.resolve("report"),
                120, 2), new PrintWriter(log));
        assertTrue(r.failed().isEmpty(), "every section is written: " + r.failed() + "\n" + log);
        assertEquals(Sections.all().size(), r.sections().size());
        assertEquals(1, OnnxLoader.timesLoaded(MODEL) - before,
                "the report's " + Sections.all().size() + " sections share one session on the model");
    }
}
