package netviz.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import netviz.methods.attribution.AttributionModels;
import netviz.methods.attribution.Selection;
import netviz.methods.attribution.Target;
import netviz.methods.unit.Unit;
import org.junit.jupiter.api.Test;

/**
 * {@link Objective#linearSeed} is the objective's gradient with respect to the tensors it reads:
 * for every linear objective (class scores, per-example scores, channel means, neurons, sums, their
 * sums and scalings, targets of each kind, selections) the seed equals the interpreter's autograd
 * gradient of the objective with respect to the tensor it reads (the oracle), up to float32
 * rounding (an objective reading two tensors, one computed from the other, has partial derivatives as
 * seeds; {@code OrtGradientTest} and the self-check cover those); whether it reads the values (the predicted class, a channel's maximum) or only their
 * shapes is said right; an objective built from a function has none.
 */
class LinearSeedTest {

    @Test
    void seedsAreTheGradientsOfTheObjectives() {
        Graph g = AttributionModels.cnn(91, 2, true);
        try (Interpreter it = Interpreter.of(g); NDManager m = it.newScope()) {
            NDArray x = AttributionModels.images(m, 92, 3, 2, DataType.FLOAT32);
            List<Objective> linear = new ArrayList<>(List.of(Objective.logit("fc_out", 2),
                    Objective.logits("fc_out", new int[] {0, 2, 1}), Objective.channel("conv2_out", 4),
                    Objective.channel("fc_out", 1), Objective.neuron("relu1_out", 3, 2, 5), Objective.sum("pool1_out"),
                    Objective.channel("fc_out", 1).plus(Objective.logit("fc_out", 0).times(-2.5)),
                    Objective.logit("fc_out", 1).plus(Objective.logit("fc_out", 2)).times(0.25),
                    new Selection("fc_out", new int[][] {{1}, {0}, {1}}).objective()));
            linear.add(Target.predicted().objective(g, s -> { }));
            linear.add(Target.classes(2).objective(g, s -> { }));
            linear.add(Target.neuron("conv2", 5).objective(g, s -> { }));
            linear.add(Target.neuron("conv2", 5, 1, 3).objective(g, s -> { }));
            linear.add(Target.of(Unit.channel("relu2", 2)).objective(g, s -> { }));
            for (Objective o : linear) {
                LinearSeed seed = o.linearSeed().orElseThrow(() -> new AssertionError(o + " has no linear seed"));
                List<String> taps = new ArrayList<>(o.tensors());
                Gradients autograd = it.gradient(m, Map.of("x", x), o, taps);
                Map<String, NDArray> seeds = seed.seeds(autograd.forward(), m);
                for (String t : taps) {
                    float[] want = autograd.wrt(t).toType(DataType.FLOAT32, false).toFloatArray();
                    NDArray s = seeds.get(t);
                    float[] got = s == null ? new float[want.length] : s.toFloatArray();
                    assertArrayEquals(want, got, 1e-6f, o + " with respect to " + t);
                }
            }
        }
    }

    @Test
    void saysWhetherItReadsTheValues() {
        Graph g = AttributionModels.cnn(93, 2, true);
        assertTrue(Target.predicted().objective(g, s -> { }).linearSeed().orElseThrow().readsValues());
        assertTrue(Target.neuron("conv2", 1).objective(g, s -> { }).linearSeed().orElseThrow().readsValues());
        assertFalse(Target.classes(1).objective(g, s -> { }).linearSeed().orElseThrow().readsValues());
        assertFalse(Target.neuron("conv2", 1, 0, 0).objective(g, s -> { }).linearSeed().orElseThrow().readsValues());
        assertFalse(Objective.logit("fc_out", 1).plus(Objective.channel("conv2_out", 0)).linearSeed().orElseThrow()
                .readsValues());
        assertTrue(Objective.logit("fc_out", 1).plus(Target.predicted().objective(g, s -> { })).linearSeed()
                .orElseThrow().readsValues());
    }

    @Test
    void functionsAndTheirSumsHaveNone() {
        Objective square = Objective.of("square", Set.of("fc_out"), v -> v.get("fc_out").square().sum());
        assertEquals(java.util.Optional.empty(), square.linearSeed());
        assertEquals(java.util.Optional.empty(), square.plus(Objective.logit("fc_out", 0)).linearSeed());
        assertEquals(java.util.Optional.empty(), square.times(2).linearSeed());
    }
}
