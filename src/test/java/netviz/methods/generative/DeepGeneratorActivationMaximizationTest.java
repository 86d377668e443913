package netviz.methods.generative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.image.ModelConfig;
import netviz.image.Preprocessing;
import netviz.methods.unit.Units;
import netviz.onnx.OnnxLoader;
import org.junit.jupiter.api.Test;

/**
 * DGN-AM on the bundled classifier with the shipped generator: the gradient with respect to the
 * code equals central finite differences (float64 interpreters), and for every one of the ten
 * classes the image G(h*) is classified as that class with probability at least 0.9 by the
 * classifier run afresh, with h* inside the code range seen on real data.
 */
public class DeepGeneratorActivationMaximizationTest {
    static final Path MODEL = Path.of("models/fashion-mnist-cnn.onnx");
    static final Path GENERATOR = Path.of(System.getProperty("netviz.test.generator", "models/fashion-mnist-generator.onnx"));

    @Test
    void codeGradientMatchesFiniteDifferences() {
        Graph c = OnnxLoader.load(MODEL);
        Graph g = OnnxLoader.load(GENERATOR);
        GeneratorModel gm = GeneratorModel.of(g, GENERATOR.toString());
        Preprocessing pre = ModelConfig.of(c).resolvePreprocessing(null, c);
        Interpreter.Options f64 = Interpreter.Options.defaults().withPrecision(DataType.FLOAT64);
        try (Interpreter ci = Interpreter.of(c, f64); Interpreter gi = Interpreter.of(g, f64)) {
            DeepGeneratorActivationMaximization dgn = new DeepGeneratorActivationMaximization(ci, gi, gm, pre.mean(),
                    pre.std());
            Units goal = new Units("fc2", new int[] {3}, null, null);
            float[] h = gm.mean().clone();
            DeepGeneratorActivationMaximization.CodeGradient grad = dgn.gradient(goal, h, 1);
            int[] dims = new int[12];
            // the six largest-gradient dimensions and six spread over the code
            Integer[] order = new Integer[h.length];
            for (int i = 0; i < h.length; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, (a, b) -> Float.compare(Math.abs(grad.gradient()[b]), Math.abs(grad.gradient()[a])));
            for (int i = 0; i < 6; i++) {
                dims[i] = order[i];
                dims[6 + i] = order[10 + 19 * i];
            }
            double scale = Math.abs(grad.gradient()[order[0]]);
            assertTrue(scale > 1e-3, "gradient is not zero");
            double eps = 1e-5;
            for (int j : dims) {
                double[] plus = toDouble(h);
                double[] minus = toDouble(h);
                plus[j] += eps;
                minus[j] -= eps;
                double fd = (objective(ci, gi, goal, plus) - objective(ci, gi, goal, minus)) / (2 * eps);
                assertEquals(fd, grad.gradient()[j], 1e-3 * scale + 1e-3 * Math.abs(fd), "dimension " + j);
            }
        }
    }

    /** The logit of G(h) by plain forward passes (float64), independent of the gradient code. */
    static double objective(Interpreter ci, Interpreter gi, Units goal, double[] hd) {
        try (NDManager m = gi.newScope()) {
            var x = gi.forward(m, m.create(hd, new Shape(1, hd.length))).get(gi.outputName());
            var logits = ci.forward(m, Map.of(ci.inputName(), x), List.of("fc2")).get("fc2").toDoubleArray();
            return logits[goal.channels()[0]];
        }
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    @Test
    void everyClassImageIsConfidentlyThatClass() {
        Graph c = OnnxLoader.load(MODEL);
        Graph g = OnnxLoader.load(GENERATOR);
        GeneratorModel gm = GeneratorModel.of(g, GENERATOR.toString());
        Preprocessing pre = ModelConfig.of(c).resolvePreprocessing(null, c);
        try (Interpreter ci = Interpreter.of(c); Interpreter gi = Interpreter.of(g)) {
            DeepGeneratorActivationMaximization dgn = new DeepGeneratorActivationMaximization(ci, gi, gm, pre.mean(),
                    pre.std());
            int[] classes = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
            DeepGeneratorActivationMaximization.Result r = dgn.run(new Units("fc2", classes, null, null),
                    DeepGeneratorActivationMaximization.Options.defaults(), null);
            float[] probs;
            try (NDManager m = ci.newScope()) {
                probs = ci.forward(m, m.create(r.input(), new Shape(r.shape()))).get(ci.outputName()).toFloatArray();
            }
            StringBuilder report = new StringBuilder();
            for (int k = 0; k < 10; k++) {
                report.append(String.format(java.util.Locale.ROOT, " %d:%.4f", k, probs[k * 10 + k]));
            }
            System.out.println("DGN-AM target probabilities" + report);
            for (int k = 0; k < 10; k++) {
                assertTrue(probs[k * 10 + k] >= 0.9, "class " + k + report);
                assertEquals(probs[k * 10 + k], r.probability()[k], 1e-4);
                double[] first = r.activationTrace()[0];
                // row 0 is the start, the last row the value after the last step
                assertEquals(r.activation()[k], r.activationTrace()[r.activationTrace().length - 1][k], 1e-9);
                assertTrue(r.activation()[k] > first[k], "class " + k + " logit rose");
            }
            for (int i = 0; i < r.codes().length; i++) {
                int j = i % gm.codeSize();
                assertTrue(r.codes()[i] >= gm.min()[j] && r.codes()[i] <= gm.max()[j], "code within the real range");
            }
            // the pixels are G's drawing of the input, in [0, 1]
            for (int i = 0; i < r.pixels().length; i++) {
                assertEquals(r.input()[i] * pre.std()[0] + pre.mean()[0], r.pixels()[i], 1e-4);
            }
        }
    }
}
