package netviz.methods.evaluation;

import java.util.Set;
import java.util.HashSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import netviz.Progress;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Node;
import netviz.engine.Tensor;

/**
 * Cascading model-parameter randomisation (Adebayo et al. 2018, "Sanity Checks for Saliency Maps",
 * section 3.1): the learned parameters of the model are re-initialised layer by layer, from the
 * top (the logits) down to the input, and an explanation is recomputed after each layer. A method
 * whose maps barely change although the model no longer computes anything it learned does not
 * explain the model (it behaves like an edge detector).
 *
 * <p>Parameterised layers are Conv, ConvTranspose, Gemm and MatMul nodes (their initializer
 * inputs: weights and bias) and BatchNormalization (its learned scale γ and shift β; the running
 * mean and variance are statistics, not parameters, and a random variance could be negative).
 * Re-initialisation: every parameter tensor is replaced by Gaussian noise N(0, σ²) with σ the
 * standard deviation of the original tensor (its root mean square when the tensor is constant,
 * e.g. γ = 1; an all-zero tensor stays zero) — the paper re-initialises from a truncated normal;
 * matching the original scale keeps the activations in a comparable range. The noise of a tensor
 * depends only on the seed and the tensor's name, so step k of the cascade re-uses the random
 * values of step k − 1 for the layers already randomised.
 *
 * <p>The session's graph is never changed: each step builds a new {@link Graph} with a copy of
 * the initializers and its own {@link Interpreter}, closed after the step.
 */
public final class ParameterRandomization {
    private ParameterRandomization() {
    }

    /** A parameterised layer: its node, operator and the initializers it learned. */
    public record Layer(String node, String opType, List<String> parameters) {
        public Layer {
            parameters = List.copyOf(parameters);
        }
    }

    /**
     * The parameterised layers, top-down (the node nearest the output first), each listing its
     * floating-point initializers not already listed by a layer above.
     */
    public static List<Layer> layers(Graph g) {
        List<Layer> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        List<Node> nodes = new ArrayList<>(g.nodes());
        Collections.reverse(nodes);
        for (Node n : nodes) {
            List<Integer> slots = switch (n.opType()) {
                case "Conv", "ConvTranspose", "Gemm" -> List.of(1, 2);
                case "MatMul" -> List.of(0, 1);
                case "BatchNormalization" -> List.of(1, 2);
                default -> List.of();
            };
            List<String> params = new ArrayList<>();
            for (int i : slots) {
                if (i < n.inputs().size()) {
                    String t = n.inputs().get(i);
                    Tensor v = g.initializers().get(t);
                    if (v != null && v.type().isFloatingPoint() && seen.add(t)) {
                        params.add(t);
                    }
                }
            }
            if (!params.isEmpty()) {
                out.add(new Layer(n.name().isEmpty() ? n.outputs().get(0) : n.name(), n.opType(), params));
            }
        }
        return out;
    }

    /** A copy of {@code g} whose {@code layers}' parameters are re-initialised (see the class comment). */
    public static Graph randomized(Graph g, List<Layer> layers, long seed) {
        Map<String, Tensor> inits = new LinkedHashMap<>(g.initializers());
        for (Layer l : layers) {
            for (String p : l.parameters()) {
                inits.put(p, noise(p, g.initializers().get(p), seed));
            }
        }
        return new Graph(g.name(), g.nodes(), inits, g.inputs(), g.outputs(), g.opsets(), g.metadata());
    }

    /** Gaussian noise with the tensor's shape, type and standard deviation, seeded by (seed, name). */
    static Tensor noise(String name, Tensor t, long seed) {
        double[] v = t.toDoubleArray();
        double mean = 0;
        for (double d : v) {
            mean += d;
        }
        mean /= Math.max(1, v.length);
        double var = 0;
        double sq = 0;
        for (double d : v) {
            var += (d - mean) * (d - mean);
            sq += d * d;
        }
        double sigma = Math.sqrt(var / Math.max(1, v.length));
        if (!(sigma > 0)) {
            sigma = Math.sqrt(sq / Math.max(1, v.length));
        }
        Random r = new Random(seed * 0x9E3779B97F4A7C15L + name.hashCode());
        if (t.type() == Tensor.ElementType.DOUBLE) {
            double[] out = new double[v.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = sigma * r.nextGaussian();
            }
            return Tensor.ofDoubles(t.shape(), out);
        }
        float[] out = new float[v.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (sigma * r.nextGaussian());
        }
        Tensor f = Tensor.ofFloats(t.shape(), out);
        return t.type() == Tensor.ElementType.FLOAT ? f : t;
    }

    /** Explains one model: one map per method (any fixed length, same order at every step). */
    @FunctionalInterface
    public interface Explainer {
        List<float[]> explain(Interpreter model);
    }

    /**
     * The cascade's result.
     *
     * @param layers   the randomised layers, top-down; step k (1-based) has layers 0..k−1 randomised
     * @param maps     maps[step][method]: step 0 is the trained model
     * @param spearman spearman[method][step − 1]: Spearman ρ of |original| and |randomised|
     * @param ssim     ssim[method][step − 1], or null when no map shape was given
     */
    public record Cascade(List<Layer> layers, List<List<float[]>> maps, double[][] spearman, double[][] ssim) {
    }

    /**
     * Runs {@code explainer} on the trained model (given as {@code trained}, not closed) and on each
     * step of the cascade, comparing each method's map with the trained one.
     *
     * @param hw the maps' (height, width) for SSIM, or null to skip SSIM
     */
    public static Cascade cascade(Interpreter trained, long seed, Explainer explainer, int[] hw, Progress p) {
        Graph g = trained.graph();
        List<Layer> layers = layers(g);
        List<List<float[]>> maps = new ArrayList<>();
        p.update("Randomising layers", 0, layers.size() + 1);
        maps.add(explainer.explain(trained));
        for (int k = 1; k <= layers.size(); k++) {
            p.checkCancelled();
            p.update("Randomising layers", k, layers.size() + 1);
            try (Interpreter ip = Interpreter.of(randomized(g, layers.subList(0, k), seed), trained.options())) {
                maps.add(explainer.explain(ip));
            }
        }
        p.update("Randomising layers", layers.size() + 1, layers.size() + 1);
        int methods = maps.get(0).size();
        double[][] rho = new double[methods][layers.size()];
        double[][] ss = hw == null ? null : new double[methods][layers.size()];
        for (int m = 0; m < methods; m++) {
            float[] a = MapSimilarity.abs(maps.get(0).get(m));
            for (int k = 1; k <= layers.size(); k++) {
                float[] b = MapSimilarity.abs(maps.get(k).get(m));
                rho[m][k - 1] = MapSimilarity.spearman(a, b);
                if (ss != null) {
                    ss[m][k - 1] = MapSimilarity.ssim(a, b, hw[0], hw[1]);
                }
            }
        }
        return new Cascade(layers, maps, rho, ss);
    }
}
