package netviz.methods.neurons;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import netviz.data.Batch;
import netviz.data.Dataset;
import netviz.data.Datasets;
import netviz.engine.Attribute;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Tensor;
import netviz.engine.ValueInfo;
import netviz.image.ModelConfig;
import netviz.image.Preprocessing;
import netviz.methods.features.Tsne;
import netviz.methods.unit.Unit;
import netviz.onnx.GraphBuilder;
import org.junit.jupiter.api.Test;

/**
 * A model whose batch dimension is fixed (3, with a Reshape to [3, 784] that fails on any other
 * batch): the scan, activation maximization and the probabilities run in passes of 3, the last
 * one padded, and give the values a brute-force pass of 3 gives.
 */
class MultifacetedVisualizationFixedBatchTest {
    static final int BATCH = 3;

    static Graph fixedBatchModel() {
        Random r = new Random(7);
        GraphBuilder g = new GraphBuilder("fixed-batch", 13);
        String x = g.input("input", BATCH, 1, 28, 28);
        g.initializer("shape", Tensor.ofLongs(new long[] {2}, BATCH, 784));
        g.node("Reshape", "flat", List.of(x, "shape"), List.of("flat"));
        g.initializer("w", Tensor.ofFloats(new long[] {10, 784}, NeuronModels.random(r, 7840, 0.05)));
        g.initializer("b", Tensor.ofFloats(new long[] {10}, new float[10]));
        g.node("Gemm", "fc", List.of("flat", "w", "b"), List.of("fc"), Attribute.ofInt("transB", 1));
        g.output(new ValueInfo("fc", Tensor.ElementType.FLOAT, new long[] {BATCH, 10}, List.of("", "")));
        g.metadata("netviz.preprocessing", "{\"preset\":\"fashion-mnist\",\"size\":28,\"crop\":28,\"channels\":1,"
                + "\"mean\":[0.2860406],\"std\":[0.35302424]}");
        return g.build();
    }

    @Test
    void runsInPassesOfTheModelsBatch() {
        Graph graph = fixedBatchModel();
        Preprocessing pre = ModelConfig.of(graph).resolvePreprocessing(null, graph);
        Dataset data = Datasets.open(null, pre);
        int limit = 100;   // not a multiple of 3: the last pass is padded
        try (Interpreter ip = Interpreter.of(graph)) {
            MultifacetedVisualization mfv = new MultifacetedVisualization(ip, data);
            MultifacetedVisualization.Options o = MultifacetedVisualization.Options.defaults().withLimit(limit)
                    .withTopShare(1.0).withFacets(2).withMeanOf(3)
                    .withTsne(Tsne.Options.defaults().withIterations(250))
                    .withMaximization(MultifacetedVisualization.Options.defaults().maximization().withIterations(5));
            int cls = 3;
            MultifacetedVisualization.Result r = mfv.run(Unit.classScore(cls), o, null);
            assertEquals(limit, r.scanned());
            assertEquals(2, r.facets().size());
            // brute force: the class logit of every image, three at a time (the last pass padded)
            int[] all = new int[limit + 2];
            for (int i = 0; i < all.length; i++) {
                all[i] = Math.min(i, limit - 1);
            }
            double[] logit = new double[limit];
            for (int from = 0; from < limit; from += BATCH) {
                Batch b = data.get(Arrays.copyOfRange(all, from, from + BATCH));
                try (NDManager m = ip.newScope()) {
                    float[] s = ip.forward(m, m.create(b.images(), new Shape(BATCH, 1, 28, 28))).get("fc")
                            .toType(DataType.FLOAT32, false).toFloatArray();
                    for (int i = 0; i < BATCH && from + i < limit; i++) {
                        logit[from + i] = s[i * 10 + cls];
                    }
                }
            }
            int positive = 0;
            for (double v : logit) {
                positive += v > 0 ? 1 : 0;
            }
            assertEquals(positive, r.indices().length);
            for (int i = 0; i < r.indices().length; i++) {
                assertEquals(logit[r.indices()[i]], r.activations()[i], 1e-4);
            }
            for (MultifacetedVisualization.Facet f : r.facets()) {
                // the probability: softmax of the synthesised image's logits (one pass of three copies)
                float[] three = new float[BATCH * 784];
                for (int i = 0; i < BATCH; i++) {
                    System.arraycopy(f.input(), 0, three, i * 784, 784);
                }
                try (NDManager m = ip.newScope()) {
                    float[] s = ip.forward(m, m.create(three, new Shape(BATCH, 1, 28, 28))).get("fc")
                            .toType(DataType.FLOAT32, false).toFloatArray();
                    double p = netviz.methods.evaluation.Classifier.softmax(Arrays.copyOf(s, 10))[cls];
                    assertEquals(p, f.probability(), 1e-6, f.toString());
                    assertEquals(s[cls], f.activation(), 1e-3);
                }
                assertEquals(28 * 28, f.pixels().length);
            }
        }
    }
}
