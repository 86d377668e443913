package netviz.engine.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
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

/**
 * MaxPool and AveragePool against a brute-force loop that follows the ONNX reference evaluator
 * cell by cell (a window cell counts when it lies in the input, or, for count_include_pad = 1, in
 * the input or its padding; cells past the padding never count), over random 1-, 2- and 3-D
 * geometries with strides, dilations, asymmetric pads, ceil_mode and batches, in float64.
 */
class PoolingReferenceTest {

    record Geometry(long[] in, long[] k, long[] s, long[] d, long[] pb, long[] pe, boolean ceil) {
        int rank() {
            return in.length;
        }

        long out(int i) {
            long ek = (k[i] - 1) * d[i] + 1;
            long span = in[i] + pb[i] + pe[i] - ek;
            if (!ceil) {
                return Math.floorDiv(span, s[i]) + 1;
            }
            long o = -Math.floorDiv(-span, s[i]) + 1;
            // the last window must start inside the input or the left padding
            return (o - 1) * s[i] >= in[i] + pb[i] ? o - 1 : o;
        }

        long[] outShape() {
            long[] o = new long[rank()];
            for (int i = 0; i < o.length; i++) {
                o[i] = out(i);
            }
            return o;
        }
    }

    static Geometry random(Random r) {
        while (true) {
            int rank = 1 + r.nextInt(3);
            long[] in = new long[rank];
            long[] k = new long[rank];
            long[] s = new long[rank];
            long[] d = new long[rank];
            long[] pb = new long[rank];
            long[] pe = new long[rank];
            for (int i = 0; i < rank; i++) {
                in[i] = 3 + r.nextInt(rank == 3 ? 4 : 7);
                k[i] = 1 + r.nextInt(4);
                s[i] = 1 + r.nextInt(3);
                d[i] = r.nextInt(3) == 0 ? 1 + r.nextInt(3) : 1;
                pb[i] = r.nextInt((int) k[i]);
                pe[i] = r.nextInt((int) k[i]);
            }
            Geometry g = new Geometry(in, k, s, d, pb, pe, r.nextBoolean());
            boolean ok = true;
            for (int i = 0; i < rank; i++) {
                ok &= in[i] + pb[i] + pe[i] >= (k[i] - 1) * d[i] + 1;
            }
            if (ok) {
                return g;
            }
        }
    }

    /** The brute-force reference: {avg or max values, argmax flat indices (row-major)}. */
    static double[][] reference(double[] x, long n, long c, Geometry g, boolean max, boolean cip) {
        int r = g.rank();
        long[] out = g.outShape();
        long inPlane = 1;
        long outPlane = 1;
        for (int i = 0; i < r; i++) {
            inPlane *= g.in()[i];
            outPlane *= out[i];
        }
        double[] y = new double[(int) (n * c * outPlane)];
        double[] idx = new double[y.length];
        long kCells = 1;
        for (long kk : g.k()) {
            kCells *= kk;
        }
        for (long plane = 0; plane < n * c; plane++) {
            for (long o = 0; o < outPlane; o++) {
                long[] oc = unflat(o, out);
                double best = Double.NEGATIVE_INFINITY;
                long bestIdx = -1;
                double sum = 0;
                long count = 0;
                for (long kc = 0; kc < kCells; kc++) {
                    long[] ko = unflat(kc, g.k());
                    boolean real = true;
                    boolean counts = true;
                    long flat = 0;
                    for (int i = 0; i < r; i++) {
                        long p = oc[i] * g.s()[i] - g.pb()[i] + ko[i] * g.d()[i];
                        real &= p >= 0 && p < g.in()[i];
                        counts &= p >= -g.pb()[i] && p < g.in()[i] + g.pe()[i];
                        flat = flat * g.in()[i] + p;
                    }
                    if (real) {
                        double v = x[(int) (plane * inPlane + flat)];
                        sum += v;
                        count++;
                        if (v > best) {
                            best = v;
                            bestIdx = plane * inPlane + flat;
                        }
                    } else if (cip && counts) {
                        count++;
                    }
                }
                int at = (int) (plane * outPlane + o);
                y[at] = max ? best : sum / count;
                idx[at] = bestIdx;
            }
        }
        return new double[][] {y, idx};
    }

    static long[] unflat(long i, long[] dims) {
        long[] c = new long[dims.length];
        for (int a = dims.length - 1; a >= 0; a--) {
            c[a] = i % dims[a];
            i /= dims[a];
        }
        return c;
    }

    static Graph graph(String op, int opset, Geometry g, long n, long c, boolean cip, boolean indices) {
        GraphBuilder b = new GraphBuilder("pool", opset);
        long[] shape = new long[g.rank() + 2];
        shape[0] = n;
        shape[1] = c;
        System.arraycopy(g.in(), 0, shape, 2, g.rank());
        b.input("x", shape);
        long[] pads = new long[2 * g.rank()];
        for (int i = 0; i < g.rank(); i++) {
            pads[i] = g.pb()[i];
            pads[i + g.rank()] = g.pe()[i];
        }
        List<Attribute> a = new ArrayList<>(List.of(Attribute.ofInts("kernel_shape", g.k()),
                Attribute.ofInts("strides", g.s()), Attribute.ofInts("dilations", g.d()),
                Attribute.ofInts("pads", pads), Attribute.ofInt("ceil_mode", g.ceil() ? 1 : 0)));
        if (op.equals("AveragePool")) {
            a.add(Attribute.ofInt("count_include_pad", cip ? 1 : 0));
        }
        List<String> outs = indices ? List.of("y", "i") : List.of("y");
        b.node(op, "pool", List.of("x"), outs, a.toArray(new Attribute[0]));
        b.output("y");
        if (indices) {
            b.output(new ValueInfo("i", Tensor.ElementType.INT64, null, List.of()));
        }
        return b.build();
    }

    static void check(String op, Geometry g, boolean cip, boolean indices, Random rnd) {
        long n = 2;
        long c = 2;
        long size = n * c;
        for (long v : g.in()) {
            size *= v;
        }
        double[] x = new double[(int) size];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextGaussian();
        }
        boolean max = op.equals("MaxPool");
        double[][] want = reference(x, n, c, g, max, cip);
        Graph graph = graph(op, 19, g, n, c, cip, indices);
        String what = op + " cip=" + cip + " in=" + Arrays.toString(g.in()) + " k=" + Arrays.toString(g.k())
                + " s=" + Arrays.toString(g.s()) + " d=" + Arrays.toString(g.d()) + " pb=" + Arrays.toString(g.pb())
                + " pe=" + Arrays.toString(g.pe()) + " ceil=" + g.ceil();
        try (Interpreter it = Interpreter.of(graph, new Interpreter.Options(DataType.FLOAT64));
             NDManager m = it.newScope()) {
            long[] shape = graph.inputs().get(0).dims();
            NDArray in = m.create(x, new Shape(shape));
            Values v = it.forward(m, Map.of("x", in), List.of());
            NDArray y = v.get("y");
            long[] outShape = g.outShape();
            assertArrayEquals(outShape, Arrays.copyOfRange(y.getShape().getShape(), 2, 2 + g.rank()), what);
            assertArrayEquals(want[0], y.toDoubleArray(), 1e-12, what);
            if (indices) {
                long[] got = v.get("i").toLongArray();
                for (int i = 0; i < got.length; i++) {
                    assertEquals((long) want[1][i], got[i], what + " index " + i);
                }
            }
        }
    }

    @Test
    void maxPoolMatchesBruteForce() {
        Random r = new Random(11);
        for (int t = 0; t < 60; t++) {
            check("MaxPool", random(r), false, false, r);
        }
    }

    @Test
    void maxPoolIndicesMatchBruteForce() {
        Random r = new Random(12);
        for (int t = 0; t < 30; t++) {
            check("MaxPool", random(r), false, true, r);
        }
    }

    @Test
    void averagePoolMatchesBruteForceBothWaysOfCounting() {
        Random r = new Random(13);
        for (int t = 0; t < 60; t++) {
            Geometry g = random(r);
            check("AveragePool", g, false, false, r);
            check("AveragePool", g, true, false, r);
        }
    }

    @Test
    void fusedPathsMatchBruteForce() {
        // the geometries of common classifiers: PyTorch's own padding, with and without ceil_mode
        Random r = new Random(14);
        long[][] ins = {{12, 12}, {13, 11}, {7, 7}};
        for (long[] in : ins) {
            for (boolean ceil : new boolean[] {false, true}) {
                Geometry g = new Geometry(in, new long[] {3, 3}, new long[] {2, 2}, new long[] {1, 1},
                        new long[] {1, 1}, new long[] {1, 1}, ceil);
                check("MaxPool", g, false, false, r);
                check("AveragePool", g, false, false, r);
                check("AveragePool", g, true, false, r);
            }
        }
    }

    @Test
    void storageOrderOneGivesColumnMajorIndices() {
        GraphBuilder b = new GraphBuilder("pool", 12);
        b.input("x", 1, 1, 3, 4);
        b.node("MaxPool", "pool", List.of("x"), List.of("y", "i"), Attribute.ofInts("kernel_shape", 2, 2),
                Attribute.ofInt("storage_order", 1));
        b.output("y");
        b.output(new ValueInfo("i", Tensor.ElementType.INT64, null, List.of()));
        try (Interpreter it = Interpreter.of(b.build()); NDManager m = it.newScope()) {
            // increasing values: each window's maximum is its bottom-right cell (h+1, w+1)
            NDArray x = m.arange(12f).reshape(1, 1, 3, 4);
            long[] idx = it.forward(m, Map.of("x", x), List.of()).get("i").toLongArray();
            long[] want = new long[6];
            for (int h = 0; h < 2; h++) {
                for (int w = 0; w < 3; w++) {
                    want[h * 3 + w] = (w + 1) * 3 + (h + 1); // column-major: w * H + h
                }
            }
            assertArrayEquals(want, idx);
        }
    }

    @Test
    void invalidAttributesFailAtLoadTime() {
        GraphBuilder b = new GraphBuilder("pool", 12);
        b.input("x", 1, 1, 4, 4);
        b.node("MaxPool", "pool", List.of("x"), List.of("y"), Attribute.ofInts("kernel_shape", 2, 2),
                Attribute.ofString("auto_pad", "SAME"));
        b.output("y");
        Graph g = b.build();
        var e = assertThrows(netviz.ModelFormatException.class, () -> Interpreter.of(g).close());
        assertEquals("node 'pool' (MaxPool): attribute 'auto_pad' is 'SAME'; accepted: NOTSET, SAME_UPPER, "
                + "SAME_LOWER, VALID", e.getMessage());
        GraphBuilder b2 = new GraphBuilder("bn", 15);
        b2.input("x", 1, 2, 2, 2);
        for (String p : new String[] {"s", "b", "m", "v"}) {
            b2.initializer(p, Tensor.ofFloats(new long[] {2}, 1f, 1f));
        }
        b2.node("BatchNormalization", "bn", List.of("x", "s", "b", "m", "v"), List.of("y"),
                Attribute.ofInt("training_mode", 1));
        b2.output("y");
        Graph g2 = b2.build();
        var u = assertThrows(UnsupportedOperatorException.class, () -> Interpreter.of(g2).close());
        assertEquals("node 'bn' (BatchNormalization): training_mode=1 is not supported; netviz runs models in "
                + "inference mode (export the model in eval mode)", u.getMessage());
    }
}
