package netviz.methods.evaluation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Tensor;
import netviz.onnx.GraphBuilder;
import org.junit.jupiter.api.Test;

/**
 * {@link DeletionInsertion} on a hand-built model whose relevant pixel is known: a 2 × 2 image whose
 * class-0 logit is 10 · x[1, 1] and class-1 logit 0, so p(0) = σ(10 · x[1, 1]) and only the last pixel
 * matters. A perfect map gives the ideal curves, a map ranking that pixel last the worst ones.
 */
public class DeletionInsertionTest {
    static final double HIGH = 1 / (1 + Math.exp(-10));

    static Graph onePixelModel() {
        GraphBuilder g = new GraphBuilder("one-pixel", 13);
        String x = g.input("x", -1, 1, 2, 2);
        String w = g.initializer("w", Tensor.ofFloats(new long[] {4, 2}, 0, 0, 0, 0, 0, 0, 10, 0));
        String flat = g.node("Flatten", "flatten", List.of(x));
        String y = g.node("MatMul", "logits", List.of(flat, w));
        g.output(y);
        return g.build();
    }

    @Test
    void aPerfectMapGivesTheIdealCurvesAndTheWorstMapTheWorstOnes() {
        float[] ones = {1, 1, 1, 1};
        float[] zeros = {0, 0, 0, 0};
        int[] chw = {1, 2, 2};
        float[] perfect = {0.1f, 0.2f, 0.3f, 0.9f};
        float[] worst = {0.9f, 0.8f, 0.7f, 0.1f};
        try (Interpreter ip = Interpreter.of(onePixelModel())) {
            String score = ip.outputName();
            DeletionInsertion.Curve d = DeletionInsertion.deletion(ip, score, ones, chw, perfect, zeros, 0, 0.25);
            assertArrayEquals(new double[] {0, 0.25, 0.5, 0.75, 1}, d.fraction(), 1e-12);
            assertArrayEquals(new double[] {HIGH, 0.5, 0.5, 0.5, 0.5}, d.probability(), 1e-6);
            assertEquals(0.25 * (HIGH + 0.5) / 2 + 0.75 * 0.5, d.auc(), 1e-6);

            DeletionInsertion.Curve dw = DeletionInsertion.deletion(ip, score, ones, chw, worst, zeros, 0, 0.25);
            assertArrayEquals(new double[] {HIGH, HIGH, HIGH, HIGH, 0.5}, dw.probability(), 1e-6);
            assertEquals(0.75 * HIGH + 0.25 * (HIGH + 0.5) / 2, dw.auc(), 1e-6);

            DeletionInsertion.Curve i = DeletionInsertion.insertion(ip, score, ones, chw, perfect, zeros, 0, 0.25);
            assertArrayEquals(new double[] {0.5, HIGH, HIGH, HIGH, HIGH}, i.probability(), 1e-6);
            assertEquals(0.25 * (0.5 + HIGH) / 2 + 0.75 * HIGH, i.auc(), 1e-6);

            DeletionInsertion.Curve iw = DeletionInsertion.insertion(ip, score, ones, chw, worst, zeros, 0, 0.25);
            assertArrayEquals(new double[] {0.5, 0.5, 0.5, 0.5, HIGH}, iw.probability(), 1e-6);
            // class 1 mirrors class 0: p(1) = 1 - p(0)
            DeletionInsertion.Curve d1 = DeletionInsertion.deletion(ip, score, ones, chw, perfect, zeros, 1, 0.25);
            assertArrayEquals(new double[] {1 - HIGH, 0.5, 0.5, 0.5, 0.5}, d1.probability(), 1e-6);
        }
    }

    @Test
    void pixelsAreTakenByDecreasingRelevanceTiesByIndex() {
        assertArrayEquals(new int[] {1, 3, 0, 2}, DeletionInsertion.order(new float[] {0, 5, 0, 5}));
    }

    @Test
    void theAreaIsTheTrapezoidalRule() {
        assertEquals(0.5, DeletionInsertion.auc(new double[] {0, 0.5, 1}, new double[] {0, 0.5, 1}), 1e-12);
        // a tent 0, 1, 0 over [0, 1]: area 1/2; a step 1, 0 at 1/4 spacing: 1/8
        assertEquals(0.5, DeletionInsertion.auc(new double[] {0, 0.5, 1}, new double[] {0, 1, 0}), 1e-12);
        assertEquals(0.125, DeletionInsertion.auc(new double[] {0, 0.25, 0.5}, new double[] {1, 0, 0}), 1e-12);
    }
}
