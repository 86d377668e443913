package netviz.methods.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.djl.ndarray.NDManager;
import netviz.NetvizException;
import netviz.data.Batch;
import netviz.data.Dataset;
import netviz.data.Datasets;
import netviz.Progress;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.image.Preprocessing;
import netviz.io.FloatArray;
import netviz.io.Npy;
import netviz.onnx.GraphBuilder;

class FeatureExtractorTest {
    @TempDir
    Path dir;

    @Test
    void defaultLayerIsTheInputOfTheLastFullyConnectedLayer() {
        assertEquals("relu3", FeatureExtractor.defaultLayer(TinyCnn.build(1)));
        GraphBuilder b = new GraphBuilder("no-fc", 13);
        b.output(b.node("Relu", "r", List.of(b.input("x", 1, 3))));
        NetvizException e = assertThrows(NetvizException.class, () -> FeatureExtractor.defaultLayer(b.build()));
        assertTrue(e.getMessage().contains("--layer"), e.getMessage());
    }

    @Test
    void featuresEqualAForwardPass() throws Exception {
        Graph g = TinyCnn.build(2);
        Dataset data = Datasets.open(null, Preprocessing.fashionMnist());
        FeatureExtractor.Options o = new FeatureExtractor.Options(64, 150);
        try (Interpreter ip = Interpreter.of(g)) {
            Features f = FeatureExtractor.extract(ip, data, null, o, Progress.NONE);
            assertFalse(f.cached());
            assertEquals(150, f.count());
            assertEquals(16, f.dim());
            assertEquals("relu3", f.layer());
            Batch b = data.get(0, 149);
            try (NDManager scope = ip.newScope()) {
                float[] direct = FloatArray.of(ip.forward(scope, b.toNDArray(scope), "relu3").get("relu3")).data();
                assertArrayEquals(java.util.Arrays.copyOfRange(direct, 0, 16), f.row(0), 1e-6f);
                assertArrayEquals(java.util.Arrays.copyOfRange(direct, 16, 32), f.row(149), 1e-6f);
            }
            assertEquals(b.label(1), f.labels()[149]);
            List<Path> files = f.writeNpy(dir.resolve("out/feat.npy"));
            FloatArray back = Npy.readFloats(files.get(0));
            assertArrayEquals(new long[] {150, 16}, back.shape());
            assertArrayEquals(f.values(), back.data());
            assertEquals(150, Files.readAllLines(files.get(2)).size());
            assertEquals(f.labels()[7], (int) Npy.read(files.get(1)).toFloatArray()[7]);
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(dir.resolve("out")), left.toList(), "extraction writes no file of its own");
        }
    }

    @Test
    void aLayerWithoutPerExampleFeaturesIsOneClearError() {
        GraphBuilder b = new GraphBuilder("shape", 13);
        String x = b.input("input", -1, 1, 28, 28);
        String s = b.node("Shape", "shape", List.of(x));
        b.output(b.node("Flatten", "flat", List.of(x)));
        b.output(s);
        Dataset data = Datasets.open(null, Preprocessing.fashionMnist());
        try (Interpreter ip = Interpreter.of(b.build())) {
            NetvizException e = assertThrows(NetvizException.class,
                    () -> FeatureExtractor.extract(ip, data, "shape_out", new FeatureExtractor.Options(10, 20), Progress.NONE));
            assertTrue(e.getMessage().contains("no per-example features"), e.getMessage());
        }
    }

    @Test
    void pixelsAreThePreprocessedImages() {
        Dataset data = Datasets.open(null, Preprocessing.fashionMnist());
        Features p = FeatureExtractor.pixels(data, new FeatureExtractor.Options(32, 40), Progress.NONE);
        assertEquals(784, p.dim());
        assertArrayEquals(data.get(39).images(), p.row(39));
    }
}
