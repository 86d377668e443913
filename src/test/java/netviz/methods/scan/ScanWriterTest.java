package netviz.methods.scan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The aggregate's tables written to a local folder and through a Hadoop file system read back the same. */
class ScanWriterTest {
    @TempDir
    Path tmp;

    static ScanManifest manifest(ScanAggregate a) {
        return new ScanManifest(ScanPlan.FORMAT, "m.onnx", "00", "torch", "synthetic", a.images(), a.failed(), 8,
                ScanAggregateTest.LAYERS, null, 0, a.topK(), a.tolerance(), a.histogram(), List.of("a", "b", "c", "d"),
                true, "2026-01-01T00:00:00Z", ScanManifest.TOOL);
    }

    @Test
    void hadoopTablesEqualLocalTables() throws Exception {
        ScanAggregate a = ScanAggregateTest.empty();
        ScanAggregateTest.batches(6, 8, 9).forEach(b -> ScanAggregateTest.add(a, b));
        Path local = tmp.resolve("local");
        try (ScanWriter w = ScanWriter.create(local)) {
            w.image(new ImageRow(0, "img0", 1, 2, 0.5f, null));
            w.finish(manifest(a), a);
        }
        Path viaHadoop = tmp.resolve("hadoop");
        try (ScanWriter w = ScanWriter.create(viaHadoop)) {
            w.image(new ImageRow(0, "img0", 1, 2, 0.5f, null));
        }
        assertFalse(Files.exists(viaHadoop.resolve(ScanManifest.FILE)), "an unfinished scan has no manifest");
        ScanWriter.writeTables(new org.apache.hadoop.fs.Path(viaHadoop.toUri()), new org.apache.hadoop.conf.Configuration(),
                manifest(a), a);
        ScanReader x = ScanReader.open(local);
        ScanReader y = ScanReader.open(viaHadoop);
        assertEquals(x.manifest(), y.manifest());
        assertEquals(x.rows().size(), y.rows().size());
        assertEquals(x.failures(), y.failures());
        assertEquals(a.failures(), y.failures());
        assertTrue(java.util.Arrays.deepEquals(x.confusion().counts(), y.confusion().counts()));
        for (int l = 0; l < a.layers().size(); l++) {
            String layer = a.layers().get(l);
            for (int ch = 0; ch < a.channels(l); ch++) {
                assertEquals(x.top(layer, ch), y.top(layer, ch));
                assertArrayEquals(a.histogram(l, ch), y.histogram(layer, ch));
                List<ScanHit> hits = a.top(l, ch);
                assertEquals(hits.size(), y.topHits(layer, ch).size());
            }
        }
        for (int l = 0; l < a.layers().size(); l++) {
            var stats = y.deadFilters().layers().get(l);
            for (int ch = 0; ch < a.channels(l); ch++) {
                assertEquals(a.sum(l, ch) / a.layerPositions(l), stats.mean()[ch]);
                assertEquals(a.max(l, ch), stats.max()[ch]);
                assertEquals((double) a.firingImages(l, ch) / a.layerImages(l), stats.firingRate()[ch]);
            }
        }
    }
}
