package netviz.methods.attribution;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import netviz.ShapeMismatchException;
import netviz.engine.Gradients;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Node;
import netviz.engine.Objective;
import netviz.engine.Values;

/**
 * Grad-CAM (Selvaraju, Cogswell, Das, Vedantam, Parikh and Batra, "Grad-CAM: Visual Explanations
 * from Deep Networks via Gradient-based Localization", ICCV 2017, section 3): the feature maps
 * A^k of a convolutional layer weighted by the spatial mean of the score's gradient,
 * <pre>  α_k = 1/Z Σ_ij ∂S/∂A^k_ij,    L = ReLU(Σ_k α_k A^k)  </pre>
 * The raw map has the layer's resolution, shape (N, h, w); {@link #upsample} resizes it
 * bilinearly to the image for display. The default layer is the last convolutional feature map,
 * as the authors choose it (relu5_3 of VGG-16): the output of the last convolution's nonlinearity
 * (after its normalisation or residual add, before pooling) with shape (N, C, h, w) and
 * h·w &gt; 1; see {@link #defaultLayer}. The score S is the class's logit (pre-softmax), as in the
 * paper. A map that is zero everywhere (Σ_k α_k A^k ≤ 0 at every position) is a legitimate result:
 * {@link netviz.render.MapContrast} tells a figure so. A layer without a spatial map is refused
 * with a clear error.
 *
 * <p>Vision transformers: a token sequence (N, T, D) is a map too. Its first {@code k} tokens
 * (the class token, k = 1; none, k = 0; class and distillation tokens, k = 2; tried in that
 * order) are dropped and the other T − k tokens laid out on the patch grid h × w with
 * h·w = T − k and h : w = H : W of the image; then α_d is the mean over the grid tokens of
 * ∂S/∂A_td and L = ReLU(Σ_d α_d A_td) on the grid. When the model has such sequences, the
 * default layer is the last one shaped like the final token sequence whose grid tokens the score
 * depends on (in a ViT, the input of the last block's attention: only the class token is read
 * after it), as pytorch-grad-cam recommends for ViTs.
 */
public final class GradCam implements Attribution {
    private final Interpreter interpreter;
    private final String layer;

    /** Grad-CAM on the default layer ({@link #defaultLayer}). */
    public GradCam(Interpreter interpreter) {
        this(interpreter, null);
    }

    /** Grad-CAM on {@code layer} (a tensor name, node name or node index; null for the default). */
    public GradCam(Interpreter interpreter, String layer) {
        this.interpreter = interpreter;
        this.layer = checkedLayer(interpreter, layer, "Grad-CAM");
    }

    /**
     * {@code layer} resolved to its tensor and checked to lie before the class score; null for
     * null (the default layer, chosen per input).
     */
    static String checkedLayer(Interpreter interpreter, String layer, String method) {
        if (layer == null) {
            return null;
        }
        String t = interpreter.graph().resolveTensor(layer);
        requireBeforeScore(interpreter.graph(), t, method);
        return t;
    }

    /**
     * Refuses a layer the class score does not depend on (the Softmax after it, a layer of another
     * branch): its gradient is not defined. Names the score and says what to choose instead.
     */
    static void requireBeforeScore(Graph graph, String layer, String method) {
        String score = ScoreTensor.find(graph);
        if (layer.equals(score) || graph.ancestors(Set.of(score)).contains(layer)) {
            return;
        }
        boolean after = graph.ancestors(Set.of(layer)).contains(score);
        throw new ShapeMismatchException(method + " needs a layer that the class score '" + score + "' depends on; '"
                + layer + "' " + (after ? "comes after the score" : "does not lead to the score")
                + "; choose a convolutional layer before it (netviz info lists them)");
    }

    /** The layer used: the one given, or the default for this model and input. */
    public String layer(NDArray inputs) {
        return layer != null ? layer : defaultLayer(interpreter, inputs);
    }

    /**
     * @return the class activation map at the layer's resolution after the ReLU, shape (N, h, w)
     */
    @Override
    public Attributions attribute(NDArray inputs, Target target) {
        return weightedMap(interpreter, inputs, target, layer(inputs), "Grad-CAM", (a, g) -> g.mean(new int[] {2}, true));
    }

    /** Channel weights from a layer's maps and gradients, both (N, K, P) with the P = h·w positions flattened; returns (N, K, 1). */
    @FunctionalInterface
    interface ChannelWeights {
        NDArray weights(NDArray maps, NDArray gradients);
    }

    /**
     * The rectified weighted sum {@code ReLU(Σ_k w_k A^k)} at layer {@code l}, with weights from the
     * maps and the gradients ∂S/∂A of the target's score (one backward pass), shape (N, h, w). A
     * token sequence (N, T, D) is laid on its patch grid first (see the class comment).
     */
    static Attributions weightedMap(Interpreter interpreter, NDArray inputs, Target target, String l, String method,
                                    ChannelWeights weights) {
        int[] s = BatchArrays.nchw(inputs, method);
        try (NDManager scope = interpreter.newScope()) {
            String in = interpreter.inputName();
            AtomicReference<Selection> used = new AtomicReference<>();
            Gradients g = interpreter.gradient(scope, Map.of(in, inputs),
                    target.objective(interpreter.graph(), used::set, l), List.of(l));
            BatchArrays.finiteScore(g.objective(), method, used.get());
            NDArray a = g.forward().get(l);
            long[] shape = a.getShape().getShape();
            NDArray dA = g.wrt(l);
            long h;
            long w;
            if (shape.length == 3) {
                int[] grid = tokenGrid(shape, s[0], s[2], s[3]);
                if (grid == null) {
                    throw notSpatial(method, l, shape);
                }
                String rows = ":, " + grid[0] + ":, :";
                a = a.get(rows).transpose(0, 2, 1);
                dA = dA.get(rows).transpose(0, 2, 1);
                h = grid[1];
                w = grid[2];
            } else if (shape.length == 4) {
                h = shape[2];
                w = shape[3];
                a = a.reshape(shape[0], shape[1], h * w);
                dA = dA.reshape(shape[0], shape[1], h * w);
            } else {
                throw notSpatial(method, l, shape);
            }
            NDArray cam = a.mul(weights.weights(a, dA)).sum(new int[] {1}).maximum(0);
            return BatchArrays.finite(new Attributions(BatchArrays.floats(cam), new long[] {s[0], h, w}, used.get()),
                    method, "the map at layer '" + l + "'");
        }
    }

    /**
     * How a token sequence of shape (N, T, D) lies on the image's patch grid: {skip, h, w} with
     * h·w = T − skip and h·W = w·H, trying skip = 1 (a class token), 0, 2; null when it is not a
     * token sequence of a batch of {@code n} images of H × W.
     */
    public static int[] tokenGrid(long[] shape, long n, long imageH, long imageW) {
        if (shape.length != 3 || shape[0] != n) {
            return null;
        }
        for (int skip : new int[] {1, 0, 2}) {
            long t = shape[1] - skip;
            if (t < 2) {
                continue;
            }
            long h = Math.round(Math.sqrt((double) t * imageH / imageW));
            for (long hh = Math.max(1, h - 1); hh <= h + 1; hh++) {
                if (t % hh == 0 && hh * imageW == (t / hh) * imageH) {
                    return new int[] {skip, (int) hh, (int) (t / hh)};
                }
            }
        }
        return null;
    }

    static ShapeMismatchException notSpatial(String method, String l, long[] shape) {
        return new ShapeMismatchException(method + " needs a layer with a spatial map (N, C, H, W), but '" + l
                + "' has shape " + Arrays.toString(shape) + (shape.length == 3 ? " (a token sequence (N, T, D) must "
                + "fill the image's patch grid, after at most two class tokens)" : "") + "; choose a convolutional layer");
    }

    /**
     * The last convolutional feature map before the classifier, as the paper takes it: the output
     * of the last convolution's block (its normalisation and nonlinearity, a residual add; not the
     * pooling after it) with shape (N, C, h, w) and h·w &gt; 1, when the last spatial map the score
     * depends on is that output or a pooling of it. Otherwise (no such convolution, or other layers
     * after it, as a transformer after a patch-embedding convolution) the default is the last tensor
     * the score depends on (in topological order) with that shape.
     */
    public static String defaultLayer(Interpreter interpreter, NDArray inputs) {
        Graph graph = interpreter.graph();
        String score = ScoreTensor.find(graph);
        Set<String> ancestors = graph.ancestors(Set.of(score));
        List<String> candidates = new ArrayList<>();
        for (Node node : graph.nodes()) {
            for (String o : node.outputs()) {
                if (!o.isEmpty() && !o.equals(score) && ancestors.contains(o)) {
                    candidates.add(o);
                }
            }
        }
        try (NDManager scope = interpreter.newScope()) {
            NDArray one = inputs.getShape().get(0) > 1 ? inputs.get("0:1") : inputs;
            long[] is = one.getShape().getShape();
            Values v = interpreter.tensors(scope, Map.of(interpreter.inputName(), one), candidates);
            String tokens = tokenLayer(interpreter, scope, one, candidates, v, is);
            if (tokens != null) {
                return tokens;
            }
            String last = null;
            for (int i = candidates.size() - 1; i >= 0 && last == null; i--) {
                if (spatial(v.get(candidates.get(i)))) {
                    last = candidates.get(i);
                }
            }
            String block = lastConvBlock(graph, ancestors, v);
            if (block != null && (last == null || pooledFrom(graph, last, block))) {
                return block;
            }
            if (last != null) {
                return last;
            }
        }
        throw new ShapeMismatchException("the model has no layer with a spatial map (N, C, H, W) before its score '"
                + score + "'; Grad-CAM needs a convolutional layer");
    }

    /** Operators that keep a convolution's feature map a feature map of the same block: its normalisation and nonlinearity. */
    private static final Set<String> BLOCK_OPS = Set.of("Relu", "LeakyRelu", "PRelu", "Elu", "Selu", "Celu", "Sigmoid",
            "Tanh", "Clip", "HardSigmoid", "HardSwish", "Softplus", "Mish", "Gelu", "ThresholdedRelu", "BatchNormalization",
            "InstanceNormalization", "Add", "Mul", "Identity", "Dropout");

    private static boolean spatial(NDArray t) {
        long[] shape = t.getShape().getShape();
        return shape.length == 4 && shape[2] * shape[3] > 1;
    }

    /**
     * The output of the last convolutional block that has a spatial map, as Selvaraju et al. choose
     * the layer (relu5_3 of VGG-16, after the last convolution's nonlinearity and before its
     * pooling): starting from the last Conv the score depends on, follow same-shaped normalisation,
     * activation and residual-add nodes; the first convolution (from the end) whose block output has
     * h·w &gt; 1 wins. Null when the model has no such convolution.
     */
    private static String lastConvBlock(Graph graph, Set<String> ancestors, Values v) {
        List<Node> nodes = graph.nodes();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node conv = nodes.get(i);
            if (!conv.opType().equals("Conv") || conv.outputs().isEmpty() || !v.has(conv.outputs().get(0))) {
                continue;
            }
            String t = conv.outputs().get(0);
            Shape shape = v.get(t).getShape();
            for (int j = i + 1; j < nodes.size(); j++) {
                Node next = nodes.get(j);
                if (BLOCK_OPS.contains(next.opType()) && next.inputs().contains(t) && !next.outputs().isEmpty()) {
                    String o = next.outputs().get(0);
                    if (v.has(o) && ancestors.contains(o) && v.get(o).getShape().equals(shape)) {
                        t = o;
                    }
                }
            }
            if (spatial(v.get(t))) {
                return t;
            }
        }
        return null;
    }

    /** Operators between a convolutional block and the classifier that do not make a new feature map. */
    private static final Set<String> POOLING_OPS = Set.of("MaxPool", "AveragePool", "LpPool", "Identity", "Dropout");

    /**
     * Whether {@code map} is {@code block} or comes from it through pooling only (VGG's pool5 after
     * relu5_3); false when other layers lie between (a transformer after a patch-embedding conv).
     */
    private static boolean pooledFrom(Graph graph, String map, String block) {
        String t = map;
        while (!t.equals(block)) {
            Node p = graph.producer(t);
            if (p == null || !POOLING_OPS.contains(p.opType()) || p.inputs().isEmpty()) {
                return false;
            }
            t = p.input(0);
        }
        return true;
    }

    /**
     * Whether {@code c} (N, C, L) is a convolutional map (N, C, h, w) of the image's aspect flattened
     * by a Reshape or Flatten (channels on axis 1, so not a token sequence).
     */
    private static boolean flattenedMap(Graph graph, String c, long[] s, Values v, long[] is) {
        Node p = graph.producer(c);
        if (p == null || !(p.opType().equals("Reshape") || p.opType().equals("Flatten")) || !v.has(p.input(0))) {
            return false;
        }
        long[] src = v.get(p.input(0)).getShape().getShape();
        return src.length == 4 && src[1] == s[1] && src[2] * src[3] == s[2] && src[2] * is[3] == src[3] * is[2];
    }

    /**
     * The default layer of a token model, or null: among the token sequences shaped like the last
     * one, the last whose grid tokens get a non-zero gradient of the sum of the scores.
     */
    private static String tokenLayer(Interpreter interpreter, NDManager scope, NDArray one, List<String> candidates,
                                     Values v, long[] is) {
        List<String> seqs = new ArrayList<>();
        for (String c : candidates) {
            NDArray t = v.get(c);
            long[] s = t.getShape().getShape();
            if (t.getDataType().isFloating() && tokenGrid(s, 1, is[2], is[3]) != null
                    && !flattenedMap(interpreter.graph(), c, s, v, is)) {
                seqs.add(c);
            }
        }
        if (seqs.isEmpty()) {
            return null;
        }
        Shape last = v.get(seqs.get(seqs.size() - 1)).getShape();
        List<String> same = new ArrayList<>();
        for (String c : seqs) {
            if (v.get(c).getShape().equals(last)) {
                same.add(c);
            }
        }
        Graph graph = interpreter.graph();
        Gradients g = interpreter.gradient(scope, Map.of(interpreter.inputName(), one),
                Objective.sum(ScoreTensor.find(graph)), same);
        for (int i = same.size() - 1; i >= 0; i--) {
            int skip = tokenGrid(last.getShape(), 1, is[2], is[3])[0];
            NDArray grid = g.wrt(same.get(i)).get(":, " + skip + ":, :");
            if (grid.abs().sum().gt(0).getBoolean()) {
                return same.get(i);
            }
        }
        return same.get(same.size() - 1);
    }

    /**
     * Bilinear resize of each (h, w) map of a (N, h, w) result to (N, height, width), with
     * half-pixel centres (as PyTorch's {@code interpolate(mode="bilinear", align_corners=False)}).
     */
    public static Attributions upsample(Attributions raw, int height, int width) {
        long[] s = raw.shape();
        int n = (int) s[0];
        int h = (int) s[1];
        int w = (int) s[2];
        float[] out = new float[n * height * width];
        for (int i = 0; i < n; i++) {
            float[] map = raw.example(i);
            for (int y = 0; y < height; y++) {
                double sy = Math.max(0, (y + 0.5) * h / height - 0.5);
                int y0 = Math.min((int) sy, h - 1);
                int y1 = Math.min(y0 + 1, h - 1);
                double fy = sy - y0;
                for (int x = 0; x < width; x++) {
                    double sx = Math.max(0, (x + 0.5) * w / width - 0.5);
                    int x0 = Math.min((int) sx, w - 1);
                    int x1 = Math.min(x0 + 1, w - 1);
                    double fx = sx - x0;
                    double v = (1 - fy) * ((1 - fx) * map[y0 * w + x0] + fx * map[y0 * w + x1])
                            + fy * ((1 - fx) * map[y1 * w + x0] + fx * map[y1 * w + x1]);
                    out[(i * height + y) * width + x] = (float) v;
                }
            }
        }
        return new Attributions(out, new long[] {n, height, width}, raw.target());
    }

    @Override
    public String name() {
        return "Grad-CAM";
    }
}
