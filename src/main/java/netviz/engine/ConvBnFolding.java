package netviz.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Batch-normalisation folding for inference (Ioffe &amp; Szegedy 2015, sec. 3.2; Jacob et al. 2018,
 * "Quantization and training of neural networks for efficient integer-arithmetic-only inference",
 * sec. 3.2): a Conv whose only consumer is an inference-mode BatchNormalization with constant
 * statistics computes the same function as one Conv with
 * <pre>
 *   W'[m] = W[m] · γ[m] / √(σ²[m] + ε)
 *   b'[m] = (b[m] − μ[m]) · γ[m] / √(σ²[m] + ε) + β[m]      (b = 0 when the Conv has no bias)
 * </pre>
 * per output channel m. The folded parameters are computed once, in float64, when the
 * {@link Interpreter} is built; runs use them when nobody asks for the Conv's own output, saving
 * one pass over every such activation (and, in autograd runs, its backward). Results differ from
 * the unfolded pair by float rounding only; so do gradients with respect to the Conv's input and
 * anything upstream, since the folded Conv is the same function of its input. Runs that
 * differentiate the folded parameters themselves, or whose backward rules override Conv or
 * BatchNormalization, do not fold.
 */
final class ConvBnFolding {

    /**
     * One folded pair: node indices, tensor names, the folded parameters, the initializers they
     * replace, and {@code fused}: the Conv node as the fold runs it (the Conv's attributes, inputs
     * [x, weight, bias] and the BatchNormalization's output), which autograd runs record.
     */
    record Fold(int convIndex, int bnIndex, String convOutput, String bnOutput, NDArray weight, NDArray bias,
                Set<String> sources, Node fused) {
    }

    private ConvBnFolding() {
    }

    /**
     * Finds every foldable Conv→BatchNormalization pair of {@code graph} and computes its folded
     * parameters in {@code base} (in {@code precision}). Returns an array indexed by node: the fold
     * whose Conv is that node, or null.
     */
    static Fold[] find(Graph graph, Map<String, Tensor> initializers, NDManager base, DataType precision) {
        List<Node> nodes = graph.nodes();
        Fold[] byConv = new Fold[nodes.size()];
        Map<String, Integer> consumers = new HashMap<>();
        for (Node n : nodes) {
            for (String x : n.inputs()) {
                if (!x.isEmpty()) {
                    consumers.merge(x, 1, Integer::sum);
                }
            }
        }
        Set<String> graphOutputs = new java.util.HashSet<>(graph.outputs().stream().map(ValueInfo::name).toList());
        for (int j = 0; j < nodes.size(); j++) {
            Node bn = nodes.get(j);
            if (!bn.opType().equals("BatchNormalization") || !bn.domain().isEmpty() || bn.inputs().size() < 5) {
                continue;
            }
            int opset = graph.opset(bn.domain());
            if (opset < 9 && bn.getInt("spatial", 1) == 0) {
                continue;
            }
            String convOut = bn.input(0);
            int i = graph.producerIndex(convOut);
            if (i < 0 || i >= j) {
                continue;
            }
            Node conv = nodes.get(i);
            if (!conv.opType().equals("Conv") || !conv.domain().isEmpty() || conv.outputs().size() != 1
                    || consumers.getOrDefault(convOut, 0) != 1 || graphOutputs.contains(convOut)
                    || conv.inputs().size() < 2 || bn.outputs().isEmpty() || bn.outputs().get(0).isEmpty()) {
                continue;
            }
            Tensor w = initializers.get(conv.input(1));
            String biasName = conv.inputs().size() > 2 ? conv.input(2) : "";
            Tensor b = biasName.isEmpty() ? null : initializers.get(biasName);
            if (w == null || (!biasName.isEmpty() && b == null) || w.shape().length < 3) {
                continue;
            }
            long m = w.shape()[0];
            Tensor[] stats = new Tensor[4];
            boolean ok = true;
            for (int k = 0; k < 4; k++) {
                stats[k] = initializers.get(bn.input(k + 1));
                ok &= stats[k] != null && stats[k].shape().length == 1 && stats[k].shape()[0] == m;
            }
            ok &= b == null || (b.shape().length == 1 && b.shape()[0] == m);
            if (!ok) {
                continue;
            }
            Fold f = fold(i, j, conv, bn, w, b, stats, base, precision);
            if (f != null) {
                byConv[i] = f;
            }
        }
        return byConv;
    }

    private static Fold fold(int i, int j, Node conv, Node bn, Tensor w, Tensor b, Tensor[] stats, NDManager base,
                             DataType precision) {
        try (NDManager tmp = base.newSubManager()) {
            NDArray wd = w.toNDArray(tmp, DataType.FLOAT64);
            if (!wd.getDataType().isFloating()) {
                return null;
            }
            NDArray gamma = stats[0].toNDArray(tmp, DataType.FLOAT64);
            NDArray beta = stats[1].toNDArray(tmp, DataType.FLOAT64);
            NDArray mean = stats[2].toNDArray(tmp, DataType.FLOAT64);
            NDArray var = stats[3].toNDArray(tmp, DataType.FLOAT64);
            for (NDArray a : new NDArray[] {gamma, beta, mean, var}) {
                if (a.getDataType() != DataType.FLOAT64) {
                    return null;
                }
            }
            if (wd.getDataType() != DataType.FLOAT64) {
                return null;
            }
            double eps = bn.getFloat("epsilon", 1e-5f);
            NDArray factor = gamma.div(var.add(eps).sqrt());
            long[] fs = new long[wd.getShape().dimension()];
            java.util.Arrays.fill(fs, 1);
            fs[0] = wd.getShape().get(0);
            NDArray w2 = wd.mul(factor.reshape(new Shape(fs)));
            NDArray centred = b == null ? mean.neg() : b.toNDArray(tmp, DataType.FLOAT64).sub(mean);
            NDArray b2 = centred.mul(factor).add(beta);
            NDArray wOut = w2.toType(precision, true);
            NDArray bOut = b2.toType(precision, true);
            wOut.attach(base);
            bOut.attach(base);
            List<String> sources = new ArrayList<>();
            sources.add(conv.input(1));
            if (b != null) {
                sources.add(conv.input(2));
            }
            for (int k = 1; k <= 4; k++) {
                sources.add(bn.input(k));
            }
            // the folded bias has a name of its own only when the Conv has one; else it stands in for β
            String biasName = b != null ? conv.input(2) : bn.input(2);
            Node fused = new Node(conv.name(), conv.opType(), conv.domain(),
                    List.of(conv.input(0), conv.input(1), biasName), List.of(bn.outputs().get(0)), conv.attributes());
            return new Fold(i, j, conv.outputs().get(0), bn.outputs().get(0), wOut, bOut, Set.copyOf(sources), fused);
        }
    }
}
