package netviz.methods.evaluation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import netviz.engine.Attribute;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Tensor;
import netviz.onnx.GraphBuilder;
import org.junit.jupiter.api.Test;

class ClassifierTest {
    @Test
    void softmaxAgainstHandComputedValues() {
        double[] p = Classifier.softmax(new float[] {0f, (float) Math.log(3), 1000f - 1000f});
        // exp: 1, 3, 1 → 1/5, 3/5, 1/5
        assertArrayEquals(new double[] {0.2, 0.6, 0.2}, p, 1e-7);
        double[] big = Classifier.softmax(new float[] {1000f, 1000f});
        assertArrayEquals(new double[] {0.5, 0.5}, big, 1e-12);
    }

    @Test
    void softmaxAtPicksEachRowsClass() {
        // rows (0, ln 3, 0) and (1000, 1000): class 1 of the first, class 0 of the second
        double[] p = Classifier.softmaxAt(new float[] {0f, (float) Math.log(3), 0f, 1000f, 1000f, 1000f}, new int[] {1, 0});
        assertArrayEquals(new double[] {0.6, 1.0 / 3}, p, 1e-7);
        assertEquals(0, Classifier.softmaxAt(new float[0], new int[0]).length);
    }

    @Test
    void topKOrdersByValueThenIndex() {
        assertArrayEquals(new int[] {2, 0, 3}, Classifier.topK(new double[] {0.3, 0.1, 0.5, 0.3}, 3));
        assertArrayEquals(new int[] {1, 0}, Classifier.topK(new double[] {Double.NaN, 0.1}, 5));
    }

    private static Graph linear(String head) {
        GraphBuilder g = new GraphBuilder("lin", 13);
        String x = g.input("x", -1, 2);
        String w = g.initializer("w", Tensor.ofFloats(new long[] {2, 3}, 1, 0, 1, 0, 1, 1));
        String z = g.node("MatMul", "fc", List.of(x, w));
        if (head != null) {
            z = g.node(head, "head", List.of(z), Attribute.ofInt("axis", 1));
        }
        g.output(z);
        return g.build();
    }

    @Test
    void probabilitiesWhateverTheHead() {
        // x = (1, 2): logits = (1, 2, 3)
        double[] expected = Classifier.softmax(new float[] {1, 2, 3});
        for (String head : new String[] {null, "Softmax", "LogSoftmax"}) {
            try (Interpreter ip = Interpreter.of(linear(head)); NDManager m = ip.newScope()) {
                Classifier c = new Classifier(ip);
                Classifier.Prediction p = c.predict(m, m.create(new float[] {1, 2, 2, 1}, new Shape(2, 2)));
                assertEquals(2, p.size());
                assertArrayEquals(expected, p.probabilities()[0], 1e-6, String.valueOf(head));
                assertEquals(2, p.argmax(0));
                assertEquals(2, p.argmax(1));
                assertEquals(head == null ? Classifier.Scores.SOFTMAX_OF_LOGITS
                        : head.equals("Softmax") ? Classifier.Scores.MODEL_SOFTMAX : Classifier.Scores.MODEL_LOG_SOFTMAX,
                        c.scores());
            }
        }
    }
}
