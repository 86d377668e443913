package netviz.methods.neurons;

import java.util.List;
import java.util.Random;
import netviz.engine.Attribute;
import netviz.engine.Graph;
import netviz.engine.Tensor;
import netviz.onnx.GraphBuilder;

/** Small models built in code for the neuron tests. */
final class NeuronModels {
    private NeuronModels() {
    }

    static float[] random(Random r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextGaussian() * scale);
        }
        return a;
    }

    /**
     * x (N, 1, 16, 16) → conv1 (8, 3×3, pad 1) → relu1 → pool1 (max 2) → conv2 (8, 3×3, pad 1) →
     * relu2 → pool2 (max 2) → flatten → fc (10) → softmax: a small classifier with the bundled
     * model's layout.
     */
    static Graph classifier(long seed) {
        Random r = new Random(seed);
        GraphBuilder g = new GraphBuilder("tiny", 13);
        String x = g.input("input", -1, 1, 16, 16);
        String c1 = g.node("Conv", "conv1", List.of(x, g.initializer("w1", Tensor.ofFloats(new long[] {8, 1, 3, 3},
                random(r, 72, 0.5))), g.initializer("b1", Tensor.ofFloats(new long[] {8}, random(r, 8, 0.05)))),
                Attribute.ofInts("kernel_shape", 3, 3), Attribute.ofInts("pads", 1, 1, 1, 1));
        String r1 = g.node("Relu", "relu1", List.of(c1));
        String p1 = g.node("MaxPool", "pool1", List.of(r1), Attribute.ofInts("kernel_shape", 2, 2),
                Attribute.ofInts("strides", 2, 2));
        String c2 = g.node("Conv", "conv2", List.of(p1, g.initializer("w2", Tensor.ofFloats(new long[] {8, 8, 3, 3},
                random(r, 576, 0.2))), g.initializer("b2", Tensor.ofFloats(new long[] {8}, random(r, 8, 0.05)))),
                Attribute.ofInts("kernel_shape", 3, 3), Attribute.ofInts("pads", 1, 1, 1, 1));
        String r2 = g.node("Relu", "relu2", List.of(c2));
        String p2 = g.node("MaxPool", "pool2", List.of(r2), Attribute.ofInts("kernel_shape", 2, 2),
                Attribute.ofInts("strides", 2, 2));
        String f = g.node("Flatten", "flatten", List.of(p2));
        String fc = g.node("Gemm", "fc2", List.of(f, g.initializer("w3", Tensor.ofFloats(new long[] {10, 128},
                random(r, 1280, 0.2))), g.initializer("b3", Tensor.ofFloats(new long[] {10}, random(r, 10, 0.05)))),
                Attribute.ofInt("transB", 1));
        g.output(g.node("Softmax", "softmax", List.of(fc)));
        return g.build();
    }

    /**
     * The hand-computed stack of the receptive-field test: 32×32 input → convA (3×3, pad 1) →
     * relu → maxpool (2, stride 2) → convB (3×3, stride 2, pad 1, dilation 2) → avgpool (3×3,
     * SAME_UPPER) → convC (3×3, no pad); plus a side branch convS (1×1, stride 4) added to
     * convB's output? No: see {@link #branches}.
     */
    static Graph stack(long seed) {
        Random r = new Random(seed);
        GraphBuilder g = new GraphBuilder("stack", 13);
        String x = g.input("x", 1, 2, 32, 32);
        String a = g.node("Conv", "convA", List.of(x, g.initializer("wa", Tensor.ofFloats(new long[] {3, 2, 3, 3},
                random(r, 54, 0.5)))), Attribute.ofInts("kernel_shape", 3, 3), Attribute.ofInts("pads", 1, 1, 1, 1));
        String ra = g.node("Relu", "reluA", List.of(a));
        String p = g.node("MaxPool", "pool", List.of(ra), Attribute.ofInts("kernel_shape", 2, 2),
                Attribute.ofInts("strides", 2, 2));
        String b = g.node("Conv", "convB", List.of(p, g.initializer("wb", Tensor.ofFloats(new long[] {3, 3, 3, 3},
                random(r, 81, 0.5)))), Attribute.ofInts("kernel_shape", 3, 3), Attribute.ofInts("pads", 1, 1, 1, 1),
                Attribute.ofInts("strides", 2, 2), Attribute.ofInts("dilations", 2, 2));
        String q = g.node("AveragePool", "avg", List.of(b), Attribute.ofInts("kernel_shape", 3, 3),
                Attribute.ofString("auto_pad", "SAME_UPPER"));
        String c = g.node("Conv", "convC", List.of(q, g.initializer("wc", Tensor.ofFloats(new long[] {2, 3, 3, 3},
                random(r, 54, 0.5)))), Attribute.ofInts("kernel_shape", 3, 3));
        String f = g.node("Flatten", "flat", List.of(c));
        g.output(g.node("Gemm", "fc", List.of(f, g.initializer("wf", Tensor.ofFloats(new long[] {3, 50},
                random(r, 150, 0.5)))), Attribute.ofInt("transB", 1)));
        return g.build();
    }

    /** x (1,1,12,12) → [conv 3×3 pad 1 | conv 1×1 stride 1 shifted by Pad (2 top-left)] → Add; and a spatial Transpose after. */
    static Graph branches(long seed) {
        Random r = new Random(seed);
        GraphBuilder g = new GraphBuilder("branches", 13);
        String x = g.input("x", 1, 1, 12, 12);
        String a = g.node("Conv", "c3", List.of(x, g.initializer("w3", Tensor.ofFloats(new long[] {2, 1, 3, 3},
                random(r, 18, 0.5)))), Attribute.ofInts("kernel_shape", 3, 3), Attribute.ofInts("pads", 1, 1, 1, 1));
        String b = g.node("Conv", "c5", List.of(x, g.initializer("w5", Tensor.ofFloats(new long[] {2, 1, 5, 5},
                random(r, 50, 0.5)))), Attribute.ofInts("kernel_shape", 5, 5), Attribute.ofInts("pads", 1, 1, 3, 3));
        String s = g.node("Add", "add", List.of(a, b));
        String t = g.node("Transpose", "swap", List.of(s), Attribute.ofInts("perm", 0, 1, 3, 2));
        g.output(g.node("Relu", "out", List.of(t)));
        return g.build();
    }
}
