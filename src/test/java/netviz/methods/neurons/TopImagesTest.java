package netviz.methods.neurons;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import netviz.OutOfRangeException;
import netviz.data.Batch;
import netviz.data.Batches;
import netviz.data.Dataset;
import netviz.data.Datasets;
import netviz.engine.Interpreter;
import netviz.image.Preprocessing;
import netviz.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopImagesTest {

    @Test
    void topKEqualsABruteForceSort() {
        int n = 53;
        Random r = new Random(4);
        float[] all = NeuronModels.random(r, n * 256, 1.0);
        try (Interpreter ip = Interpreter.of(NeuronModels.classifier(7))) {
            TopImages top = new TopImages(ip, "relu2", new int[0], 5);
            for (int from = 0; from < n; from += 7) {
                int to = Math.min(n, from + 7);
                float[] b = new float[(to - from) * 256];
                System.arraycopy(all, from * 256, b, 0, b.length);
                int[] idx = new int[to - from];
                for (int i = 0; i < idx.length; i++) {
                    idx[i] = from + i;
                }
                top.add(b, new long[] {to - from, 1, 16, 16}, idx);
            }
            assertEquals(8, top.channels().length);
            assertEquals(n, top.images());
            float[] act;
            try (NDManager m = ip.newScope()) {
                NDArray x = m.create(all, new Shape(n, 1, 16, 16));
                act = ip.forward(m, Map.of("input", x), List.of("relu2")).get("relu2").toType(DataType.FLOAT32, false)
                        .toFloatArray();
            }
            for (int c = 0; c < 8; c++) {
                List<TopImages.Hit> brute = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    float best = Float.NEGATIVE_INFINITY;
                    int arg = 0;
                    for (int p = 0; p < 64; p++) {
                        float v = act[(i * 8 + c) * 64 + p];
                        if (v > best) {
                            best = v;
                            arg = p;
                        }
                    }
                    brute.add(new TopImages.Hit(best, i, arg / 8, arg % 8));
                }
                brute.sort(TopImages.BEST_FIRST);
                List<TopImages.Hit> got = top.topOfChannel(c);
                assertEquals(5, got.size());
                for (int k = 0; k < 5; k++) {
                    assertEquals(brute.get(k).image(), got.get(k).image(), "channel " + c + " rank " + k);
                    assertEquals(brute.get(k).activation(), got.get(k).activation(), 1e-5);
                    if (brute.get(k).activation() > 0) {
                        // ties at zero (ReLU) may put the argmax anywhere; a positive maximum is unique
                        assertEquals(brute.get(k).y() * 8 + brute.get(k).x(), got.get(k).y() * 8 + got.get(k).x());
                    }
                }
            }
        }
    }

    @Test
    void memoryStaysBoundedOnADatasetStreamedFromDisk(@TempDir Path dir) {
        int n = 600;
        float[] all = NeuronModels.random(new Random(9), n * 256, 0.3);
        for (int i = 0; i < all.length; i++) {
            all[i] = Math.max(0f, Math.min(1f, all[i] + 0.5f));
        }
        Path file = dir.resolve("images.npy");
        Npy.write(file, all, n, 1, 16, 16);
        Dataset d = Datasets.npy(file, null, Preprocessing.none());
        int k = 4;
        try (Interpreter ip = Interpreter.of(NeuronModels.classifier(7));
             Batches batches = d.batches(32)) {
            TopImages top = new TopImages(ip, "conv1", new int[] {0, 3, 5}, k);
            int seen = 0;
            for (Batch b : batches) {
                top.add(b.images(), b.shape(), b.indices());
                seen += b.size();
                for (int i = 0; i < 3; i++) {
                    assertEquals(Math.min(seen, k), top.held(i), "heap " + i + " after " + seen + " images");
                }
            }
            assertEquals(n, top.images());
            // the hits point at the right images: recompute one from the dataset
            TopImages.Hit h = top.topOfChannel(3).get(0);
            Batch one = d.get(h.image());
            TopImages check = new TopImages(ip, "conv1", new int[] {3}, 1);
            check.add(one.images(), one.shape(), new int[] {h.image()});
            assertEquals(h, check.top(0).get(0));
        }
    }

    @Test
    void badChannelsAndKAreOneClearError() {
        try (Interpreter ip = Interpreter.of(NeuronModels.classifier(7))) {
            assertThrows(OutOfRangeException.class, () -> new TopImages(ip, "conv1", new int[] {0}, 0));
            TopImages t = new TopImages(ip, "conv1", new int[] {8}, 3);
            OutOfRangeException e = assertThrows(OutOfRangeException.class,
                    () -> t.add(new float[256], new long[] {1, 1, 16, 16}, new int[] {0}));
            assertTrue(e.getMessage().contains("channel 8"), e.getMessage());
        }
    }
}
