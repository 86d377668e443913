package netviz.methods.attribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import netviz.OutOfRangeException;
import netviz.engine.Attribute;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Tensor;
import netviz.onnx.GraphBuilder;
import org.junit.jupiter.api.Test;

class GuidedBackpropTest {

    /**
     * x (1,1,1,3) → flatten → fc1: a = W1 x + b1 → relu1 → fc2: S = W2 r.
     * With x = [1, 2, -1]: a = [0.5, 1, -0.5]; for class 0, dS/dr = W2[0] = [2, -3, 4].
     */
    static Graph tiny() {
        GraphBuilder g = new GraphBuilder("tiny", 13);
        String x = g.input("x", -1, 1, 1, 3);
        String f = g.node("Flatten", "flatten", List.of(x));
        String w1 = g.initializer("w1", Tensor.ofFloats(new long[] {3, 3}, 1, 0, 1, 0, 1, 0, 1, -1, 0));
        String b1 = g.initializer("b1", Tensor.ofFloats(new long[] {3}, 0.5f, -1f, 0.5f));
        String a = g.node("Gemm", "fc1", List.of(f, w1, b1), Attribute.ofInt("transB", 1));
        String r = g.node("Relu", "relu1", List.of(a));
        String w2 = g.initializer("w2", Tensor.ofFloats(new long[] {2, 3}, 2, -3, 4, -1, 1, 1));
        g.output(g.node("Gemm", "fc2", List.of(r, w2), Attribute.ofInt("transB", 1)));
        return g.build();
    }

    static NDArray x(NDManager m) {
        return m.create(new float[] {1, 2, -1}, new Shape(1, 1, 1, 3));
    }

    @Test
    void equalsTheHandComputedResultAndDiffersFromTheGradient() {
        try (Interpreter it = Interpreter.of(tiny()); NDManager m = it.newScope()) {
            // plain: dS/da = [2, -3, 4]·(a > 0) = [2, -3, 0]; W1ᵀ·that = [2, -3, 2]
            Attributions plain = new Saliency(it).gradient(x(m), Target.classes(0));
            assertArrayEquals(new float[] {2, -3, 2}, plain.values(), 1e-6f);
            // guided: also drop the negative incoming gradient: [2, 0, 0]; W1ᵀ·that = [2, 0, 2]
            Attributions guided = new GuidedBackprop(it).attribute(x(m), Target.classes(0));
            assertArrayEquals(new long[] {1, 1, 1, 3}, guided.shape());
            assertArrayEquals(new float[] {2, 0, 2}, guided.values(), 1e-6f);
            assertFalse(Arrays.equals(plain.values(), guided.values()));
            // deconvnet: only the incoming sign matters: [2, 0, 4]; W1ᵀ·that = [6, -4, 2]
            Attributions deconv = new Deconvnet(it).attribute(x(m), Target.classes(0));
            assertArrayEquals(new float[] {6, -4, 2}, deconv.values(), 1e-6f);
            // class 1: dS/dr = [-1, 1, 1]; guided at relu1: [0, 1, 0]; W1ᵀ·that = [0, 1, 0]
            assertArrayEquals(new float[] {0, 1, 0},
                    new GuidedBackprop(it).attribute(x(m), Target.classes(1)).values(), 1e-6f);
        }
    }

    @Test
    void neuronTargets() {
        try (Interpreter it = Interpreter.of(tiny()); NDManager m = it.newScope()) {
            // unit 1 of relu1 (a (N, C) layer): a_1 = 1 > 0, so the gradient is W1[1] = [0, 1, 0]
            Attributions a = new GuidedBackprop(it).attribute(x(m), Target.neuron("relu1", 1));
            assertArrayEquals(new float[] {0, 1, 0}, a.values(), 1e-6f);
            assertEquals("relu1_out", a.target().tensor());
            // unit 0 of fc1 (before the relu): W1[0] = [1, 0, 1]
            assertArrayEquals(new float[] {1, 0, 1},
                    new GuidedBackprop(it).attribute(x(m), Target.neuron("fc1", 0)).values(), 1e-6f);
            // unit 2 of relu1 is off (a_2 = -0.5): nothing passes
            assertArrayEquals(new float[] {0, 0, 0},
                    new GuidedBackprop(it).attribute(x(m), Target.neuron("relu1", 2)).values(), 1e-6f);
            OutOfRangeException e = assertThrows(OutOfRangeException.class,
                    () -> new GuidedBackprop(it).attribute(x(m), Target.neuron("relu1", 3)));
            assertEquals("channel 3 is out of range: layer 'relu1' has 3 channels (0 to 2)", e.getMessage());
        }
    }

    /** Default position = the channel's maximum, per example; an explicit position is checked. */
    @Test
    void neuronPositionDefaultsToTheChannelMaximum() {
        try (Interpreter it = Interpreter.of(AttributionModels.cnn(4, 3, true)); NDManager m = it.newScope()) {
            NDArray x = AttributionModels.images(m, 2, 2, 3, DataType.FLOAT32);
            Attributions a = new GuidedBackprop(it).attribute(x, Target.neuron("conv2", 3));
            assertArrayEquals(new long[] {2, 3, 8, 8}, a.shape());
            for (int n = 0; n < 2; n++) {
                double[] v = AttributionModels.tensor(it, x.get(n + ":" + (n + 1)), "conv2_out");
                int best = 0;
                for (int p = 1; p < 16; p++) {
                    best = v[3 * 16 + p] > v[3 * 16 + best] ? p : best;
                }
                assertArrayEquals(new int[] {3, best / 4, best % 4}, a.target().coords()[n]);
                Attributions one = new GuidedBackprop(it).attribute(x.get(n + ":" + (n + 1)),
                        Target.neuron("conv2", 3, best / 4, best % 4));
                assertArrayEquals(one.values(), a.example(n), 1e-6f);
            }
            OutOfRangeException e = assertThrows(OutOfRangeException.class,
                    () -> new GuidedBackprop(it).attribute(x, Target.neuron("conv2", 0, 4, 0)));
            assertEquals("position [4, 0] is out of range: layer 'conv2' has 4x4 positions (y 0 to 3, x 0 to 3)",
                    e.getMessage());
        }
    }

    /** On a conv net the rule matters: guided backprop differs from the gradient, and never leaks. */
    @Test
    void ruleIsScopedToTheCall() {
        try (Interpreter it = Interpreter.of(AttributionModels.cnn(4, 1, true)); NDManager m = it.newScope()) {
            NDArray x = AttributionModels.images(m, 9, 1, 1, DataType.FLOAT32);
            Attributions before = new Saliency(it).gradient(x, Target.classes(1));
            Attributions guided = new GuidedBackprop(it).attribute(x, Target.classes(1));
            Attributions after = new Saliency(it).gradient(x, Target.classes(1));
            assertArrayEquals(before.values(), after.values(), 0f);
            assertFalse(Arrays.equals(before.values(), guided.values()));
            // with no override the rule-based pass gives the gradient
            Attributions none = new ReluRuleGradient(it, GuidedBackpropTest::identityRule) {
                @Override
                public String name() {
                    return "plain";
                }
            }.attribute(x, Target.classes(1));
            assertArrayEquals(before.values(), none.values(), 1e-5f);
        }
    }

    /** The Relu's own gradient written as a rule: (x > 0) · g. */
    private static NDArray[] identityRule(netviz.engine.BackwardRule.Context ctx) {
        NDArray g = ctx.gradOutputs()[0];
        return new NDArray[] {g.mul(ctx.inputs()[0].gt(0).toType(g.getDataType(), false))};
    }
}
