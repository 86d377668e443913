package netviz.engine.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import java.util.Random;
import netviz.UnsupportedOperatorException;
import netviz.engine.Attribute;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Tensor;
import netviz.engine.ValueInfo;
import netviz.engine.Values;
import netviz.onnx.GraphBuilder;
import org.junit.jupiter.api.Test;

/** Hand-computed and brute-force checks of the cases ONNX Runtime cannot judge. */
class NnOpsTest {

    static double[] gaussian(int n, long seed) {
        Random r = new Random(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextGaussian();
        }
        return x;
    }

    /** LRN against the ONNX formula, looped, for even and odd sizes and 3-D and 5-D inputs. */
    @Test
    void lrnMatchesTheFormulaForAnySizeAndRank() {
        long[][] shapes = {{2, 6, 4, 5}, {2, 5, 7}, {1, 4, 2, 3, 2}};
        for (long[] shape : shapes) {
            for (int size : new int[] {1, 2, 3, 4, 6}) {
                float alpha = 0.3f;
                float beta = 0.75f;
                float bias = 1.5f;
                GraphBuilder b = new GraphBuilder("lrn", 13);
                b.input("x", shape);
                b.node("LRN", "lrn", List.of("x"), List.of("y"), Attribute.ofInt("size", size),
                        Attribute.ofFloat("alpha", alpha), Attribute.ofFloat("beta", beta),
                        Attribute.ofFloat("bias", bias));
                b.output("y");
                long n = shape[0];
                long c = shape[1];
                long plane = Tensor.size(shape) / (n * c);
                double[] x = gaussian((int) Tensor.size(shape), size);
                double[] want = new double[x.length];
                for (int i = 0; i < n; i++) {
                    for (int ch = 0; ch < c; ch++) {
                        for (int p = 0; p < plane; p++) {
                            double sq = 0;
                            for (long j = Math.max(0, ch - (size - 1) / 2);
                                 j <= Math.min(c - 1, ch + (long) Math.ceil((size - 1) / 2.0)); j++) {
                                double v = x[(int) ((i * c + j) * plane + p)];
                                sq += v * v;
                            }
                            int at = (int) ((i * c + ch) * plane + p);
                            want[at] = x[at] / Math.pow(bias + (double) alpha / size * sq, beta);
                        }
                    }
                }
                try (Interpreter it = Interpreter.of(b.build(), new Interpreter.Options(DataType.FLOAT64));
                     NDManager m = it.newScope()) {
                    NDArray in = m.create(x, new Shape(shape));
                    double[] got = it.forward(m, Map.of("x", in), List.of()).get("y").toDoubleArray();
                    assertArrayEquals(want, got, 1e-6, "LRN size " + size + " on " + new Shape(shape));
                }
            }
        }
    }

    @Test
    void dropoutIsTheIdentityWithAnAllTrueMask() {
        for (int opset : new int[] {7, 10, 13}) {
            GraphBuilder b = new GraphBuilder("dropout", opset);
            b.input("x", 2, 3);
            b.node("Dropout", "d", List.of("x"), List.of("y", "mask"), Attribute.ofFloat("ratio", 0.4f));
            b.output("y");
            b.output(new ValueInfo("mask", opset < 10 ? Tensor.ElementType.FLOAT : Tensor.ElementType.BOOL, null,
                    List.of()));
            Graph g = opset >= 12 ? rebuildWithoutRatio(b) : b.build();
            try (Interpreter it = Interpreter.of(g); NDManager m = it.newScope()) {
                NDArray x = m.create(new float[] {1, -2, 3, -4, 5, -6}, new Shape(2, 3));
                Values v = it.forward(m, Map.of("x", x), List.of());
                assertArrayEquals(x.toFloatArray(), v.get("y").toFloatArray());
                NDArray mask = v.get("mask");
                assertEquals(opset < 10 ? DataType.FLOAT32 : DataType.BOOLEAN, mask.getDataType(), "opset " + opset);
                assertEquals(6, mask.toType(DataType.FLOAT32, false).sum().getFloat(), "opset " + opset);
            }
        }
    }

    private static Graph rebuildWithoutRatio(GraphBuilder ignored) {
        GraphBuilder b = new GraphBuilder("dropout", 13);
        b.input("x", 2, 3);
        b.node("Dropout", "d", List.of("x"), List.of("y", "mask"));
        b.output("y");
        b.output(new ValueInfo("mask", Tensor.ElementType.BOOL, null, List.of()));
        return b.build();
    }

    @Test
    void dropoutInTrainingModeIsRejectedUnlessTheRatioIsZero() {
        for (float ratio : new float[] {0f, 0.5f}) {
            GraphBuilder b = new GraphBuilder("dropout", 13);
            b.input("x", 2, 3);
            b.initializer("r", Tensor.ofFloats(new long[] {}, ratio));
            b.initializer("t", new Tensor(Tensor.ElementType.BOOL, new long[] {},
                    java.nio.ByteBuffer.wrap(new byte[] {1})));
            b.node("Dropout", "d", List.of("x", "r", "t"), List.of("y"));
            b.output("y");
            try (Interpreter it = Interpreter.of(b.build()); NDManager m = it.newScope()) {
                NDArray x = m.create(new float[] {1, -2, 3, -4, 5, -6}, new Shape(2, 3));
                if (ratio == 0f) {
                    assertArrayEquals(x.toFloatArray(), it.forward(m, x).get("y").toFloatArray());
                } else {
                    var e = assertThrows(UnsupportedOperatorException.class, () -> it.forward(m, x));
                    assertTrue(e.getMessage().startsWith("node 'd' (Dropout): training_mode=true with ratio 0.5"),
                            e.getMessage());
                }
            }
        }
    }

    @Test
    void batchNormalizationSpatialZeroUsesPerPositionStatistics() {
        // opset 7, spatial = 0: statistics of shape (C, H, W)
        GraphBuilder b = new GraphBuilder("bn", 7);
        b.input("x", 2, 2, 1, 2);
        b.initializer("s", Tensor.ofFloats(new long[] {2, 1, 2}, 1f, 2f, 3f, 4f));
        b.initializer("b", Tensor.ofFloats(new long[] {2, 1, 2}, 0f, 1f, 0f, -1f));
        b.initializer("m", Tensor.ofFloats(new long[] {2, 1, 2}, 1f, 0f, -1f, 2f));
        b.initializer("v", Tensor.ofFloats(new long[] {2, 1, 2}, 4f, 1f, 0.25f, 16f));
        b.node("BatchNormalization", "bn", List.of("x", "s", "b", "m", "v"), List.of("y"),
                Attribute.ofInt("spatial", 0), Attribute.ofFloat("epsilon", 0f));
        b.output("y");
        try (Interpreter it = Interpreter.of(b.build()); NDManager m = it.newScope()) {
            NDArray x = m.create(new float[] {3, 1, 0, 6, -1, 2, 1, 2}, new Shape(2, 2, 1, 2));
            float[] y = it.forward(m, x).get("y").toFloatArray();
            // y = s * (x - m) / sqrt(v) + b, element by element within each example
            float[] want = {1 * (3 - 1) / 2f + 0, 2 * (1 - 0) / 1f + 1, 3 * (0 + 1) / 0.5f + 0, 4 * (6 - 2) / 4f - 1,
                    1 * (-1 - 1) / 2f + 0, 2 * (2 - 0) / 1f + 1, 3 * (1 + 1) / 0.5f + 0, 4 * (2 - 2) / 4f - 1};
            assertArrayEquals(want, y, 1e-6f);
        }
    }

    @Test
    void padWrapRepeatsCyclicallyBeyondTheAxisLength() {
        // numpy.pad(arange(3), (5, 4), mode="wrap")
        GraphBuilder b = new GraphBuilder("pad", 19);
        b.input("x", 3);
        b.initializer("p", Tensor.ofLongs(new long[] {2}, 5, 4));
        b.node("Pad", "pad", List.of("x", "p"), List.of("y"), Attribute.ofString("mode", "wrap"));
        b.output("y");
        try (Interpreter it = Interpreter.of(b.build()); NDManager m = it.newScope()) {
            NDArray x = m.create(new float[] {0, 1, 2});
            assertArrayEquals(new float[] {1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0}, it.forward(m, x).get("y").toFloatArray());
        }
    }

    @Test
    void padEdgeAndReflectOnIntegers() {
        for (String mode : new String[] {"edge", "reflect"}) {
            GraphBuilder b = new GraphBuilder("pad", 13);
            b.input("x", Tensor.ElementType.INT64, 4);
            b.initializer("p", Tensor.ofLongs(new long[] {2}, 2, 3));
            b.node("Pad", "pad", List.of("x", "p"), List.of("y"), Attribute.ofString("mode", mode));
            b.output(new ValueInfo("y", Tensor.ElementType.INT64, null, List.of()));
            try (Interpreter it = Interpreter.of(b.build()); NDManager m = it.newScope()) {
                NDArray x = m.create(new long[] {10, 20, 30, 40});
                long[] want = mode.equals("edge") ? new long[] {10, 10, 10, 20, 30, 40, 40, 40, 40}
                        : new long[] {30, 20, 10, 20, 30, 40, 30, 20, 10};
                assertArrayEquals(want, it.forward(m, x).get("y").toLongArray(), mode);
            }
        }
    }

    @Test
    void convChannelMismatchNamesTheNodeAndShapes() {
        GraphBuilder b = new GraphBuilder("conv", 13);
        b.input("x", 1, 3, 5, 5);
        b.initializer("w", Tensor.ofFloats(new long[] {2, 2, 3, 3}, new float[36]));
        b.node("Conv", "conv1", List.of("x", "w"), List.of("y"));
        b.output("y");
        try (Interpreter it = Interpreter.of(b.build()); NDManager m = it.newScope()) {
            NDArray x = m.zeros(new Shape(1, 3, 5, 5));
            var e = assertThrows(netviz.ShapeMismatchException.class, () -> it.forward(m, x));
            assertTrue(e.getMessage().startsWith("node 'conv1' (Conv) failed on inputs (float32(1, 3, 5, 5), "
                    + "float32(2, 2, 3, 3)): input has 3 channels but the weight (2, 2, 3, 3) with group=1 expects 2"),
                    e.getMessage());
        }
    }
}
