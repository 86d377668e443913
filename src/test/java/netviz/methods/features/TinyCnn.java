package netviz.methods.features;

import java.util.List;
import java.util.Random;

import netviz.engine.Attribute;
import netviz.engine.Graph;
import netviz.engine.Tensor;
import netviz.onnx.GraphBuilder;

/**
 * A small untrained Fashion-MNIST-shaped CNN built in code (input [N,1,28,28] → conv1 → relu1 → pool1 →
 * flatten → fc1 → relu3 → fc2), named like the bundled model so that tests do not need it.
 */
public final class TinyCnn {
    private TinyCnn() {
    }

    public static Graph build(long seed) {
        Random r = new Random(seed);
        GraphBuilder b = new GraphBuilder("tiny-cnn", 13);
        String x = b.input("input", -1, 1, 28, 28);
        String w1 = b.initializer("conv1_w", Tensor.ofFloats(new long[] {4, 1, 5, 5}, random(r, 100, 0.2f)));
        String b1 = b.initializer("conv1_b", Tensor.ofFloats(new long[] {4}, random(r, 4, 0.1f)));
        b.node("Conv", "conv1", List.of(x, w1, b1), List.of("conv1"), Attribute.ofInts("kernel_shape", 5, 5));
        b.node("Relu", "relu1", List.of("conv1"), List.of("relu1"));
        b.node("MaxPool", "pool1", List.of("relu1"), List.of("pool1"), Attribute.ofInts("kernel_shape", 2, 2),
                Attribute.ofInts("strides", 2, 2));
        b.node("Flatten", "flatten", List.of("pool1"), List.of("flatten"));
        String wf = b.initializer("fc1_w", Tensor.ofFloats(new long[] {16, 576}, random(r, 16 * 576, 0.05f)));
        String bf = b.initializer("fc1_b", Tensor.ofFloats(new long[] {16}, random(r, 16, 0.1f)));
        b.node("Gemm", "fc1", List.of("flatten", wf, bf), List.of("fc1"), Attribute.ofInt("transB", 1));
        b.node("Relu", "relu3", List.of("fc1"), List.of("relu3"));
        String w2 = b.initializer("fc2_w", Tensor.ofFloats(new long[] {10, 16}, random(r, 160, 0.3f)));
        String b2 = b.initializer("fc2_b", Tensor.ofFloats(new long[] {10}, random(r, 10, 0.1f)));
        b.node("Gemm", "fc2", List.of("relu3", w2, b2), List.of("fc2"), Attribute.ofInt("transB", 1));
        b.output("fc2");
        return b.build();
    }

    private static float[] random(Random r, int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian() * scale;
        }
        return v;
    }
}
