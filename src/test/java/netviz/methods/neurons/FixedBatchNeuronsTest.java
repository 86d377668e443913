package netviz.methods.neurons;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.ValueInfo;
import netviz.methods.attribution.ScoreTensor;
import netviz.methods.unit.Units;
import org.junit.jupiter.api.Test;

/**
 * The neuron methods on a model with a fixed batch (1 or 2) against the same model with a free
 * batch: activation maximization of three classes with the diversity term, an objective that
 * couples the examples (Gram matrices compared across the batch), so the passes must be
 * differentiated as one batch; and the effective receptive field over four samples.
 */
class FixedBatchNeuronsTest {

    static Graph withBatch(Graph g, long batch) {
        ValueInfo in = g.inputs().get(0);
        long[] d = in.dims().clone();
        d[0] = batch;
        ValueInfo fixed = new ValueInfo(in.name(), in.type(), d, in.symbols());
        return new Graph(g.name(), g.nodes(), g.initializers(), List.of(fixed), g.outputs(), g.opsets(), g.metadata());
    }

    @Test
    void activationMaximizationWithDiversityEqualsTheFreeBatch() {
        Graph free = NeuronModels.classifier(11);
        String logits = ScoreTensor.find(free);
        ActivationMaximization.Options o = ActivationMaximization.Options.defaults().withIterations(12)
                .withInit(ActivationMaximization.Init.NOISE, null).withDiversity(5, "conv2");
        ActivationMaximization.Result expect;
        try (Interpreter ip = Interpreter.of(free)) {
            expect = new ActivationMaximization(ip, ActivationMaximizationTest.MEAN, ActivationMaximizationTest.STD)
                    .run(new Units(logits, new int[] {0, 3, 7}, null, null), o, null);
        }
        for (long b : new long[] {1, 2}) {
            try (Interpreter ip = Interpreter.of(withBatch(free, b))) {
                assertEquals((int) b, ip.fixedBatch());
                ActivationMaximization.Result r = new ActivationMaximization(ip, ActivationMaximizationTest.MEAN,
                        ActivationMaximizationTest.STD).run(new Units(logits, new int[] {0, 3, 7}, null, null), o, null);
                assertArrayEquals(expect.shape(), r.shape());
                assertArrayEquals(expect.input(), r.input(), 1e-3f, "batch " + b);
                assertArrayEquals(expect.end(), r.end(), 1e-3 * (1 + Math.abs(expect.end()[0])), "batch " + b);
            }
        }
        // the diversity term matters: without it the images differ
        try (Interpreter ip = Interpreter.of(free)) {
            float[] plain = new ActivationMaximization(ip, ActivationMaximizationTest.MEAN, ActivationMaximizationTest.STD)
                    .run(new Units(logits, new int[] {0, 3, 7}, null, null), o.withDiversity(0, "conv2"), null).input();
            double diff = 0;
            for (int i = 0; i < plain.length; i++) {
                diff += Math.abs(plain[i] - expect.input()[i]);
            }
            assertTrue(diff > 1e-2, "diversity changed nothing: " + diff);
        }
    }

    @Test
    void effectiveReceptiveFieldEqualsTheFreeBatch() {
        Graph free = NeuronModels.classifier(11);
        ReceptiveField.Box expect;
        try (Interpreter ip = Interpreter.of(free)) {
            expect = ReceptiveField.effective(ip, "conv2", 3, 2, 5, 4, 9);
        }
        try (Interpreter ip = Interpreter.of(withBatch(free, 1))) {
            assertEquals(expect, ReceptiveField.effective(ip, "conv2", 3, 2, 5, 4, 9));
        }
    }
}
