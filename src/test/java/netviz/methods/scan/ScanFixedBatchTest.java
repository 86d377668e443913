package netviz.methods.scan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import netviz.engine.Graph;
import netviz.engine.ValueInfo;
import netviz.methods.activations.DeadFilters;
import netviz.methods.neurons.TopImages;
import netviz.onnx.OnnxLoader;
import netviz.onnx.OnnxWriter;
import netviz.session.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scan of a model exported the way PyTorch exports by default (the input's batch fixed to 1, no
 * dynamic axes), run in the CLI's batches of 64 on the session's default runtime, gives the scan of
 * the same weights with a free batch: the fixed model runs in passes of one image.
 */
class ScanFixedBatchTest {
    static final Path MODEL = Path.of("models/fashion-mnist-cnn.onnx");
    static final int N = 150;   // three batches of 64, the last one partial

    @Test
    void aBatchOneExportScansLikeTheFreeBatchModel(@TempDir Path dir) throws Exception {
        Graph free = OnnxLoader.load(MODEL);
        List<ValueInfo> inputs = new ArrayList<>();
        for (ValueInfo in : free.inputs()) {
            long[] d = in.dims().clone();
            d[0] = 1;
            inputs.add(new ValueInfo(in.name(), in.type(), d, null));
        }
        Graph fixed = new Graph(free.name(), free.nodes(), free.initializers(), inputs, free.outputs(), free.opsets(),
                free.metadata());
        Path fixedFile = dir.resolve("batch1.onnx");
        OnnxWriter.write(fixed, fixedFile);
        try (Session s = Session.open(fixedFile)) {
            assertEquals(1, s.forward().fixedBatch(), "the export fixes the batch to 1");
        }
        ScanReader a = scan(MODEL, dir.resolve("free"));
        ScanReader b = scan(fixedFile, dir.resolve("fixed"));

        List<ImageRow> ra = a.rows();
        List<ImageRow> rb = b.rows();
        assertEquals(N, ra.size());
        assertEquals(N, rb.size());
        for (int i = 0; i < N; i++) {
            assertEquals(ra.get(i).index(), rb.get(i).index());
            assertEquals(ra.get(i).prediction(), rb.get(i).prediction(), "image " + i);
            assertEquals(ra.get(i).probability(), rb.get(i).probability(), 1e-5, "image " + i);
            assertClose(ra.get(i).features(), rb.get(i).features(), "features of image " + i);
            assertClose(ra.get(i).scores(), rb.get(i).scores(), "scores of image " + i);
        }
        assertArrayEquals(a.confusion().counts(), b.confusion().counts());
        DeadFilters.Report da = a.deadFilters();
        DeadFilters.Report db = b.deadFilters();
        assertEquals(da.layers().size(), db.layers().size());
        for (int l = 0; l < da.layers().size(); l++) {
            DeadFilters.LayerStats x = da.layers().get(l);
            DeadFilters.LayerStats y = db.layers().get(l);
            assertEquals(N, y.images());
            assertArrayEquals(x.max(), y.max(), 1e-5, x.layer());
            for (int c = 0; c < x.channels(); c++) {
                List<TopImages.Hit> ha = a.top(x.tensor(), c);
                List<TopImages.Hit> hb = b.top(x.tensor(), c);
                assertEquals(ha.size(), hb.size());
                for (int h = 0; h < ha.size(); h++) {
                    assertEquals(ha.get(h).activation(), hb.get(h).activation(), 1e-5, x.tensor() + ":" + c);
                }
            }
        }
    }

    private static ScanReader scan(Path model, Path out) throws Exception {
        try (Session s = Session.open(model); ScanInputs inputs = ScanInputs.open(null)) {
            assertEquals("ort", s.forward().runtime());
            ScanPlan plan = ScanPlan.resolve(s.forward(), s.preprocessing(), model.getFileName().toString(),
                    s.modelHash(), inputs.description(), inputs.classNames(), inputs.labeled(),
                    ScanPlan.Options.defaults());
            assertEquals(64, plan.batchSize());
            new Scanner(s.forward(), s.preprocessing(), plan).scanTo(out, ScannerTest.first(inputs, N), N, null);
            return ScanReader.open(out, s.modelHash());
        }
    }

    private static void assertClose(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        float scale = 1e-6f;
        for (float v : want) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < want.length; i++) {
            assertTrue(Math.abs(want[i] - got[i]) <= 1e-5f * scale, what + "[" + i + "]: " + want[i] + " vs " + got[i]);
        }
    }
}
