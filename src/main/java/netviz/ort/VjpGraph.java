package netviz.ort;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import netviz.UnsupportedOperatorException;
import netviz.engine.Attribute;
import netviz.engine.Graph;
import netviz.engine.Node;
import netviz.engine.Tensor;
import netviz.engine.ValueInfo;

/**
 * A vector-Jacobian graph: the forward pass of a {@link Graph} up to some tapped tensors t, followed
 * by its reverse-mode backward pass written as plain ONNX operators, so that ONNX Runtime computes
 * <pre>  d/dx Σ_t ⟨seed_t, t(x)⟩ = Σ_t J_t(x)ᵀ seed_t  </pre>
 * for a graph input x in one run. Each tap t gets an extra graph input {@code seed_t} of t's shape;
 * the outputs are the taps and the gradient. Only nodes on a path from x to a tap get a backward
 * subgraph (a node whose inputs do not depend on x, or whose outputs reach no tap, is pruned), and
 * gradients of a tensor read by several nodes are summed. Rules (with y the node's output and g its
 * gradient): Conv — the transposed convolution, written as a Conv with flipped, transposed weights at
 * stride 1 and as a ConvTranspose cropped to x's size otherwise; BatchNormalization (inference) —
 * g·γ/√(σ²+ε), itself a BatchNormalization of g; Relu, LeakyRelu, Clip — g masked; Sigmoid
 * g·y(1−y); Tanh g(1−y²); Exp g·y; Sqrt g/(2y); Neg −g; MaxPool — g scattered to the Indices output, adding where windows overlap
 * (as libtorch does); AveragePool and GlobalAveragePool — g spread over each window; Add, Sub, Mul,
 * Div — with ReduceSum over broadcast axes; Flatten, Reshape, Squeeze, Unsqueeze — reshaped back;
 * Transpose — the inverse permutation; Concat — Split, and Split — Concat; Pad (constant) — a Slice;
 * ReduceMean, ReduceSum — g spread back over the reduced axes; Cast to float32 — g; HardSigmoid, HardSwish — their
 * piecewise slopes (as libtorch); Gemm and MatMul (constant weights) — the
 * transposed products; Identity, Dropout — g; Softmax, LogSoftmax — y(g − Σ g·y) and g − e^y Σ g.
 * Any other operator on a differentiated path is refused with an
 * {@link UnsupportedOperatorException} naming it, and the caller differentiates with the
 * interpreter.
 *
 * <p>The graph is written at opset max(16, the model's): the model's own operators keep their
 * meaning from opset 13 on, and ScatterElements adds duplicates from 16. Models before opset 13
 * (attributes that later became inputs) and float64 inputs are refused.
 */
final class VjpGraph {
    /** The opset the backward operators are written at, at least. */
    static final int OPSET = 16;

    /** Operators whose outputs carry no gradient (shapes, comparisons, indices, rounding). */
    private static final Set<String> NO_GRADIENT = Set.of("Shape", "Size", "ArgMax", "ArgMin", "Equal", "Less",
            "Greater", "LessOrEqual", "GreaterOrEqual", "Not", "And", "Or", "Xor", "NonZero", "Floor", "Ceil", "Round",
            "Sign", "IsNaN", "IsInf", "ConstantOfShape", "Constant", "RandomNormalLike", "RandomUniformLike",
            "EyeLike", "OneHot", "Range");

    /** ONNX element types that carry gradient (float, float16, double, bfloat16); a Cast to any other has none. */
    private static final Set<Long> FLOATING = Set.of(1L, 10L, 11L, 16L);

    /** Inputs (by position) of each supported operator through which the gradient flows to x. */
    private static final Map<String, int[]> DIFFERENTIABLE = new HashMap<>();

    static {
        for (String op : List.of("Relu", "LeakyRelu", "Sigmoid", "Tanh", "Exp", "Sqrt", "Neg", "HardSigmoid", "HardSwish", "ReduceMean", "ReduceSum", "Split", "Pad", "Cast", "Identity", "Dropout", "Flatten", "Reshape",
                "Squeeze", "Unsqueeze", "Transpose", "MaxPool", "AveragePool", "GlobalAveragePool", "Softmax",
                "LogSoftmax", "Clip", "BatchNormalization", "Conv")) {
            DIFFERENTIABLE.put(op, new int[] {0});
        }
        for (String op : List.of("Add", "Sub", "Mul", "Div", "MatMul")) {
            DIFFERENTIABLE.put(op, new int[] {0, 1});
        }
        DIFFERENTIABLE.put("Gemm", new int[] {0, 1, 2});
        DIFFERENTIABLE.put("Concat", null); // every input
    }

    /** The built graph: {@code seeds} maps each tap to its seed input; {@code gradient} is d/dx. */
    record Built(Graph graph, Map<String, String> seeds, String gradient) {
    }

    /**
     * How a Conv's input gradient is written (measured in {@code OrtGradientBench}): stride 1 as a Conv
     * with flipped weights and strided as a ConvTranspose (the default), strided as zero-insertion and
     * a Conv, or every Conv as a ConvTranspose.
     */
    enum StridedConv { CONV_TRANSPOSE, ZERO_INSERT_CONV, TRANSPOSE_EVERYWHERE }

    private final Graph source;
    private final String input;
    private final int opset;
    private final StridedConv strided;
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, Tensor> initializers = new LinkedHashMap<>();
    private final Set<String> names = new HashSet<>();
    private final Map<String, List<String>> contributions = new HashMap<>();
    private final Map<String, String> indicesOf = new HashMap<>();
    private int counter;

    private VjpGraph(Graph source, String input, StridedConv strided) {
        this.source = source;
        this.input = input;
        this.strided = strided;
        this.opset = Math.max(OPSET, source.opset(""));
        names.addAll(source.tensorNames());
    }

    /**
     * The vector-Jacobian graph of {@code graph} for input {@code input} and taps {@code taps}
     * (tensor names), each tap's seed declared of rank {@code ranks.get(tap)}.
     */
    static Built build(Graph graph, String input, List<String> taps, Map<String, Integer> ranks) {
        return build(graph, input, taps, ranks, Set.of(), StridedConv.CONV_TRANSPOSE);
    }

    /**
     * The same, where each tap of {@code argmax} gets no seed input but is seeded inside the graph
     * with the one-hot of each example's largest value along axis 1 (the predicted class; see
     * {@link netviz.engine.LinearSeed#argmaxOf}).
     */
    static Built build(Graph graph, String input, List<String> taps, Map<String, Integer> ranks, Set<String> argmax,
                       StridedConv strided) {
        return new VjpGraph(graph, input, strided).run(taps, ranks, argmax);
    }

    static Built build(Graph graph, String input, List<String> taps, Map<String, Integer> ranks, StridedConv strided) {
        return build(graph, input, taps, ranks, Set.of(), strided);
    }

    private Built run(List<String> taps, Map<String, Integer> ranks, Set<String> argmax) {
        int modelOpset = source.opset("");
        if (modelOpset < 13) {
            throw new UnsupportedOperatorException("the model is at opset " + modelOpset
                    + "; gradients on ONNX Runtime need opset 13 or later");
        }
        for (String domain : source.opsets().keySet()) {
            if (!domain.isEmpty() && !domain.equals("ai.onnx")) {
                boolean used = source.nodes().stream().anyMatch(n -> n.domain().equals(domain));
                if (used) {
                    throw new UnsupportedOperatorException("the model uses operators of domain '" + domain
                            + "'; gradients on ONNX Runtime differentiate the default ONNX domain");
                }
            }
        }
        ValueInfo in = source.inputs().stream().filter(v -> v.name().equals(input)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no graph input '" + input + "'"));
        if (in.type() != null && in.type() != Tensor.ElementType.FLOAT) {
            throw new UnsupportedOperatorException("input '" + input + "' is " + in.type()
                    + "; gradients on ONNX Runtime take float32 inputs");
        }
        Set<String> needed = source.ancestors(new LinkedHashSet<>(taps));
        Set<String> live = live();
        List<Node> kept = new ArrayList<>();
        List<Node> differentiated = new ArrayList<>();
        for (Node n : source.nodes()) {
            if (n.outputs().stream().noneMatch(needed::contains)) {
                continue;
            }
            if (n.opType().equals("RoiAlign")) {
                throw new UnsupportedOperatorException("node '" + n.label() + "' (RoiAlign) changes meaning at opset 16;"
                        + " gradients on ONNX Runtime cannot rewrite it");
            }
            boolean carries = n.outputs().stream().anyMatch(live::contains);
            if (carries) {
                if (!DIFFERENTIABLE.containsKey(n.opType()) || !n.domain().isEmpty()) {
                    throw new UnsupportedOperatorException("node '" + n.label() + "' (" + n.opType()
                            + ") has no backward rule on ONNX Runtime");
                }
                differentiated.add(n);
                if (n.opType().equals("MaxPool")) {
                    n = withIndices(n);
                }
            }
            kept.add(n);
        }
        nodes.addAll(kept);
        for (Node n : kept) {
            for (String i : n.inputs()) {
                Tensor t = source.initializers().get(i);
                if (t != null) {
                    initializers.put(i, t);
                }
            }
        }
        Map<String, String> seeds = new LinkedHashMap<>();
        List<ValueInfo> inputs = new ArrayList<>(source.inputs());
        for (String t : taps) {
            if (argmax.contains(t)) {
                if (live.contains(t) || t.equals(input)) {
                    contribute(t, argmaxSeed(t));
                }
                continue;
            }
            String s = fresh("seed_" + t);
            seeds.put(t, s);
            int rank = ranks.get(t);
            long[] dims = new long[rank];
            List<String> symbols = new ArrayList<>();
            for (int d = 0; d < rank; d++) {
                dims[d] = -1;
                symbols.add("seed" + seeds.size() + "_" + d);
            }
            if (rank > 0 && in.hasShape() && in.dims().length > 0 && in.dims()[0] > 0) {
                dims[0] = in.dims()[0];
                symbols.set(0, "");
            }
            inputs.add(new ValueInfo(s, Tensor.ElementType.FLOAT, dims, symbols));
            if (live.contains(t) || t.equals(input)) {
                contribute(t, s);
            }
        }
        for (int k = differentiated.size() - 1; k >= 0; k--) {
            backward(differentiated.get(k), live);
        }
        String grad = gradientOf(input);
        if (grad == null) {
            grad = op("ConstantOfShape", List.of(op("Shape", List.of(input))),
                    Attribute.ofTensor("value", Tensor.ofFloats(new long[] {1}, 0f)));
        }
        String out = fresh("gradient_" + input);
        nodes.add(new Node(out, "Identity", "", List.of(grad), List.of(out), Map.of()));
        List<ValueInfo> outputs = new ArrayList<>();
        for (String t : taps) {
            outputs.add(new ValueInfo(t, Tensor.ElementType.FLOAT, null, List.of()));
        }
        outputs.add(new ValueInfo(out, Tensor.ElementType.FLOAT, null, List.of()));
        Map<String, Integer> opsets = new LinkedHashMap<>(source.opsets());
        opsets.put("", opset);
        Graph g = new Graph(source.name() + "-vjp", nodes, initializers, inputs, outputs, opsets, source.metadata());
        return new Built(g, seeds, out);
    }

    /** Tensors that depend on x through differentiable inputs. */
    private Set<String> live() {
        Set<String> live = new HashSet<>();
        live.add(input);
        for (Node n : source.nodes()) {
            if (NO_GRADIENT.contains(n.opType()) || (n.opType().equals("Cast") && !FLOATING.contains(n.getInt("to", 0)))) {
                continue;
            }
            boolean any = false;
            for (int i = 0; i < n.inputs().size(); i++) {
                if (live.contains(n.input(i)) && differentiable(n, i)) {
                    any = true;
                }
            }
            if (any) {
                live.add(n.outputs().get(0));
                if (!n.opType().equals("MaxPool") && !n.opType().equals("Dropout")) {
                    live.addAll(n.outputs());
                }
            }
        }
        return live;
    }

    /** Whether input {@code i} of {@code n} carries gradient (unknown operators: every input, so that they are refused). */
    private static boolean differentiable(Node n, int i) {
        if (!DIFFERENTIABLE.containsKey(n.opType())) {
            return true;
        }
        int[] d = DIFFERENTIABLE.get(n.opType());
        if (d == null) {
            return true;
        }
        for (int k : d) {
            if (k == i) {
                return true;
            }
        }
        // parameters, shapes, axes, bounds: a dependence on x there is refused when the node is differentiated
        return switch (n.opType()) {
            case "Conv", "BatchNormalization", "Clip" -> true;
            default -> false;
        };
    }

    // ---------------------------------------------------------------- rules

    private void backward(Node n, Set<String> live) {
        String y = n.outputs().get(0);
        if (n.opType().equals("Split")) {
            split(n);
            return;
        }
        String g = gradientOf(y);
        if (g == null) {
            return;
        }
        String x = n.input(0);
        switch (n.opType()) {
            // y ≥ 0, so sign(y) is the mask [x > 0] (measured faster on ONNX Runtime than Where)
            case "Relu" -> contribute(x, op("Mul", List.of(g, op("Sign", List.of(y)))));
            case "LeakyRelu" -> contribute(x, op("Where", List.of(op("Greater", List.of(x, f(0))), g,
                    op("Mul", List.of(g, f(n.getFloat("alpha", 0.01f)))))));
            case "Sigmoid" -> contribute(x, op("Mul", List.of(g, op("Mul", List.of(y, op("Sub", List.of(f(1), y)))))));
            case "Tanh" -> contribute(x, op("Mul", List.of(g, op("Sub", List.of(f(1), op("Mul", List.of(y, y)))))));
            case "Exp" -> contribute(x, op("Mul", List.of(g, y)));
            case "Neg" -> contribute(x, op("Neg", List.of(g)));
            case "Sqrt" -> contribute(x, op("Div", List.of(g, op("Mul", List.of(y, f(2))))));
            case "HardSigmoid" -> {
                // y = max(0, min(1, αx + β)): α where 0 < y < 1
                String inside = op("And", List.of(op("Greater", List.of(y, f(0))), op("Less", List.of(y, f(1)))));
                contribute(x, op("Where", List.of(inside, op("Mul", List.of(g, f(n.getFloat("alpha", 0.2f)))), f(0))));
            }
            case "HardSwish" -> {
                // y = x·max(0, min(1, x/6 + 1/2)): 0 below −3, 1 above 3, x/3 + 1/2 between (as libtorch)
                String slope = op("Add", List.of(op("Mul", List.of(x, f(1f / 3))), f(0.5f)));
                String inner = op("Where", List.of(op("Greater", List.of(x, f(3))), g, op("Mul", List.of(g, slope))));
                contribute(x, op("Where", List.of(op("Less", List.of(x, f(-3))), f(0), inner)));
            }
            case "ReduceMean", "ReduceSum" -> reduce(n, g);
            case "Pad" -> pad(n, g, live);
            case "Identity", "Dropout" -> contribute(x, g);
            case "Cast" -> {
                if (n.getInt("to", 0) != 1) {
                    throw refused(n, "casts to a type other than float32");
                }
                contribute(x, g);
            }
            case "Flatten", "Reshape", "Squeeze", "Unsqueeze" -> contribute(x, reshapeLike(g, x));
            case "Transpose" -> contribute(x, transposeBack(n, g));
            case "Clip" -> clip(n, g, live);
            case "BatchNormalization" -> batchNorm(n, g, live);
            case "Conv" -> conv(n, g, live);
            case "MaxPool" -> maxPool(n, g);
            case "AveragePool" -> averagePool(n, g);
            case "GlobalAveragePool" -> {
                String hw = op("Cast", List.of(op("ReduceProd", List.of(op("Slice", List.of(op("Shape", List.of(x)),
                        longs(2), longs(Long.MAX_VALUE)))), Attribute.ofInt("keepdims", 0))), Attribute.ofInt("to", 1));
                contribute(x, op("Div", List.of(op("Expand", List.of(g, op("Shape", List.of(x)))), hw)));
            }
            case "Add", "Sub", "Mul", "Div" -> arithmetic(n, g, live);
            case "Concat" -> concat(n, g, live);
            case "Gemm" -> gemm(n, g, live);
            case "MatMul" -> matMul(n, g, live);
            case "Softmax", "LogSoftmax" -> softmax(n, g);
            default -> throw refused(n, "has no backward rule on ONNX Runtime");
        }
    }

    /** ReduceMean, ReduceSum: g put back on the reduced axes and spread over them (divided by the count for a mean). */
    private void reduce(Node n, String g) {
        String x = n.input(0);
        long[] axes = n.getInts("axes", null);
        if (n.hasInput(1)) {
            Tensor a = constant(n.input(1));
            if (a == null) {
                throw refused(n, "reduces axes computed in the graph");
            }
            axes = a.toLongArray();
        }
        boolean all = axes == null || axes.length == 0;
        if (all && n.getInt("noop_with_empty_axes", 0) != 0) {
            contribute(x, g);
            return;
        }
        String back = g;
        if (n.getInt("keepdims", 1) == 0 && !all) {
            back = op("Unsqueeze", List.of(g, longs(axes)));
        }
        String spread = op("Expand", List.of(back, op("Shape", List.of(x))));
        if (n.opType().equals("ReduceMean")) {
            String count = op("Div", List.of(op("Cast", List.of(op("Size", List.of(x))), Attribute.ofInt("to", 1)),
                    op("Cast", List.of(op("Size", List.of(g))), Attribute.ofInt("to", 1))));
            spread = op("Div", List.of(spread, count));
        }
        contribute(x, spread);
    }

    /** Split: the outputs' gradients concatenated back (zeros for an output that reaches no tap). */
    private void split(Node n) {
        List<String> parts = new ArrayList<>();
        boolean any = false;
        for (String o : n.outputs()) {
            String go = gradientOf(o);
            any |= go != null;
            parts.add(go != null ? go : op("ConstantOfShape", List.of(op("Shape", List.of(o))),
                    Attribute.ofTensor("value", Tensor.ofFloats(new long[] {1}, 0f))));
        }
        if (any) {
            contribute(n.input(0), op("Concat", parts, Attribute.ofInt("axis", n.getInt("axis", 0))));
        }
    }

    /** Pad (constant): g with the padding cut off. */
    private void pad(Node n, String g, Set<String> live) {
        if (!n.getString("mode", "constant").equals("constant")) {
            throw refused(n, "pads in mode " + n.getString("mode", "constant"));
        }
        if (n.hasInput(3) || (n.hasInput(2) && live.contains(n.input(2)))) {
            throw refused(n, "pads selected axes or with a value that depends on the input");
        }
        Tensor p = n.hasInput(1) ? constant(n.input(1)) : null;
        if (p == null) {
            throw refused(n, "has pads computed in the graph");
        }
        long[] pads = p.toLongArray();
        if (Arrays.stream(pads).anyMatch(v -> v < 0)) {
            throw refused(n, "crops (negative pads)");
        }
        int r = pads.length / 2;
        long[] axes = new long[r];
        for (int d = 0; d < r; d++) {
            axes[d] = d;
        }
        String ends = op("Sub", List.of(op("Shape", List.of(g)), longs(Arrays.copyOfRange(pads, r, 2 * r))));
        contribute(n.input(0), op("Slice", List.of(g, longs(Arrays.copyOfRange(pads, 0, r)), ends, longs(axes))));
    }

    private void clip(Node n, String g, Set<String> live) {
        String x = n.input(0);
        String mask = null;
        for (int i = 1; i <= 2; i++) {
            if (!n.hasInput(i)) {
                continue;
            }
            if (live.contains(n.input(i))) {
                throw refused(n, "has a bound that depends on the input");
            }
            String m = op(i == 1 ? "GreaterOrEqual" : "LessOrEqual", List.of(x, n.input(i)));
            mask = mask == null ? m : op("And", List.of(mask, m));
        }
        contribute(x, mask == null ? g : op("Where", List.of(mask, g, f(0))));
    }

    private void batchNorm(Node n, String g, Set<String> live) {
        for (int i = 1; i <= 4; i++) {
            if (live.contains(n.input(i))) {
                throw refused(n, "has parameters that depend on the input");
            }
        }
        if (n.getInt("training_mode", 0) != 0 || n.outputs().size() > 1) {
            throw refused(n, "runs in training mode");
        }
        // d/dx [γ (x − μ) / √(σ² + ε) + β] = γ / √(σ² + ε): a BatchNormalization of g with μ = β = 0
        String zeros = op("ConstantOfShape", List.of(op("Shape", List.of(n.input(3)))),
                Attribute.ofTensor("value", Tensor.ofFloats(new long[] {1}, 0f)));
        contribute(n.input(0), op("BatchNormalization", List.of(g, n.input(1), zeros, zeros, n.input(4)),
                Attribute.ofFloat("epsilon", n.getFloat("epsilon", 1e-5f))));
    }

    /** The spatial geometry of a Conv or pooling node: kernel, strides, dilations, pads (begin…, end…). */
    private record Geometry(long[] kernel, long[] strides, long[] dilations, long[] pads) {
        boolean unitStride() {
            return Arrays.stream(strides).allMatch(s -> s == 1);
        }
    }

    private Geometry geometry(Node n, long[] kernel) {
        int r = kernel.length;
        String autoPad = n.getString("auto_pad", "NOTSET");
        if (!autoPad.equals("NOTSET") && !autoPad.equals("VALID")) {
            throw refused(n, "pads with auto_pad=" + autoPad);
        }
        long[] strides = n.getInts("strides", filled(r, 1));
        long[] dilations = n.getInts("dilations", filled(r, 1));
        long[] pads = autoPad.equals("VALID") ? new long[2 * r] : n.getInts("pads", new long[2 * r]);
        if (strides.length != r || dilations.length != r || pads.length != 2 * r) {
            throw refused(n, "has attributes of the wrong length");
        }
        return new Geometry(kernel, strides, dilations, pads);
    }

    private void conv(Node n, String g, Set<String> live) {
        String x = n.input(0);
        String w = n.input(1);
        if (live.contains(w) || (n.hasInput(2) && live.contains(n.input(2)))) {
            throw refused(n, "has weights that depend on the input");
        }
        Tensor weights = source.initializers().get(w);
        if (weights == null || source.producer(w) != null) {
            throw refused(n, "has weights computed in the graph");
        }
        long[] ws = weights.shape();
        long[] kernel = Arrays.copyOfRange(ws, 2, ws.length);
        Geometry geo = geometry(n, kernel);
        long group = n.getInt("group", 1);
        contribute(x, convBackward(n, g, x, w, weights, geo, group));
    }

    /** d/dx of a convolution of x with {@code weights} (initializer {@code w}) under {@code geo}. */
    private String convBackward(Node n, String g, String x, String w, Tensor weights, Geometry geo, long group) {
        int r = geo.kernel().length;
        if (geo.unitStride() && strided != StridedConv.TRANSPOSE_EVERYWHERE) {
            // stride 1: a convolution of g with the flipped, transposed kernel, padded by d(k−1) − p
            long[] pads = new long[2 * r];
            for (int d = 0; d < r; d++) {
                long reach = geo.dilations()[d] * (geo.kernel()[d] - 1);
                pads[d] = reach - geo.pads()[d];
                pads[r + d] = reach - geo.pads()[r + d];
            }
            if (Arrays.stream(pads).allMatch(p -> p >= 0)) {
                String flipped = initializer("flipped_" + w, flipTranspose(weights, group));
                return op("Conv", List.of(g, flipped), Attribute.ofInts("pads", pads),
                        Attribute.ofInts("dilations", geo.dilations()), Attribute.ofInt("group", group),
                        Attribute.ofInts("kernel_shape", geo.kernel()));
            }
        }
        if (strided == StridedConv.ZERO_INSERT_CONV) {
            return zeroInsertConv(g, x, w, weights, geo, group);
        }
        // the transposed convolution, with room for any remainder of the forward division, cropped to x
        long[] extra = new long[r];
        for (int d = 0; d < r; d++) {
            extra[d] = Math.max(geo.strides()[d], geo.dilations()[d]) - 1;
        }
        String t = op("ConvTranspose", List.of(g, w), Attribute.ofInts("strides", geo.strides()),
                Attribute.ofInts("pads", geo.pads()), Attribute.ofInts("dilations", geo.dilations()),
                Attribute.ofInt("group", group), Attribute.ofInts("output_padding", extra),
                Attribute.ofInts("kernel_shape", geo.kernel()));
        return cropLike(t, x, r);
    }

    /** Strided: g with s−1 zeros inserted after each element, then the stride-1 rule, cropped to x. */
    private String zeroInsertConv(String g, String x, String w, Tensor weights, Geometry geo, long group) {
        int r = geo.kernel().length;
        if (r != 2) {
            throw new UnsupportedOperatorException("zero-insertion is written for 2-D convolutions");
        }
        long sh = geo.strides()[0];
        long sw = geo.strides()[1];
        // (N, C, H, W) → (N, C, H, 1, W, 1) → pad to (N, C, H, sh, W, sw) → (N, C, H·sh, W·sw)
        String shape = op("Shape", List.of(g));
        String nc = op("Slice", List.of(shape, longs(0), longs(2)));
        String h = op("Slice", List.of(shape, longs(2), longs(3)));
        String wd = op("Slice", List.of(shape, longs(3), longs(4)));
        String six = op("Concat", List.of(nc, h, longs(1), wd, longs(1)), Attribute.ofInt("axis", 0));
        String padded = op("Pad", List.of(op("Reshape", List.of(g, six)),
                longs(0, 0, 0, 0, 0, 0, 0, 0, 0, sh - 1, 0, sw - 1)));
        String up = op("Reshape", List.of(padded, op("Concat", List.of(nc, op("Mul", List.of(h, longs(sh))),
                op("Mul", List.of(wd, longs(sw)))), Attribute.ofInt("axis", 0))));
        long[] pads = new long[4];
        String begin = up;
        long[] cut = new long[2];
        for (int d = 0; d < 2; d++) {
            long reach = geo.dilations()[d] * (geo.kernel()[d] - 1);
            long pb = reach - geo.pads()[d];
            if (pb < 0) {
                cut[d] = -pb;
                pb = 0;
            }
            pads[d] = pb;
            pads[2 + d] = Math.max(0, reach - geo.pads()[2 + d]);
        }
        if (cut[0] > 0 || cut[1] > 0) {
            begin = op("Slice", List.of(up, longs(cut), longs(Long.MAX_VALUE, Long.MAX_VALUE), longs(2, 3)));
        }
        String flipped = initializer("flipped_" + w, flipTranspose(weights, group));
        String c = op("Conv", List.of(begin, flipped), Attribute.ofInts("pads", pads),
                Attribute.ofInts("dilations", geo.dilations()), Attribute.ofInt("group", group),
                Attribute.ofInts("kernel_shape", geo.kernel()));
        return cropLike(c, x, r);
    }

    /** W (Cout, Cin/G, k…) → W' (Cin, Cout/G, k…) with every spatial axis reversed. */
    static Tensor flipTranspose(Tensor w, long group) {
        long[] s = w.shape();
        int cout = (int) s[0];
        int cinG = (int) s[1];
        int coutG = (int) (cout / group);
        int k = (int) (Tensor.size(s) / ((long) cout * cinG));
        float[] src = w.toFloatArray();
        float[] dst = new float[src.length];
        for (int gi = 0; gi < group; gi++) {
            for (int co = 0; co < coutG; co++) {
                for (int ci = 0; ci < cinG; ci++) {
                    int from = ((gi * coutG + co) * cinG + ci) * k;
                    int to = ((gi * cinG + ci) * coutG + co) * k;
                    for (int e = 0; e < k; e++) {
                        dst[to + e] = src[from + k - 1 - e];
                    }
                }
            }
        }
        long[] t = s.clone();
        t[0] = (long) cinG * group;
        t[1] = coutG;
        return Tensor.ofFloats(t, dst);
    }

    private void maxPool(Node n, String g) {
        String x = n.input(0);
        if (n.getInt("storage_order", 0) != 0) {
            throw refused(n, "stores indices column-major");
        }
        long[] kernel = n.getInts("kernel_shape", null);
        if (kernel == null) {
            throw refused(n, "has no kernel_shape");
        }
        geometry(n, kernel);
        // g added at the argmax of each window: overlapping windows add, as libtorch's max_pool backward does
        String indices = indicesOf.get(n.outputs().get(0));
        String zeros = op("ConstantOfShape", List.of(op("Reshape", List.of(op("Size", List.of(x)), longs(1)))),
                Attribute.ofTensor("value", Tensor.ofFloats(new long[] {1}, 0f)));
        String scattered = op("ScatterElements", List.of(zeros, op("Reshape", List.of(indices, longs(-1))),
                op("Reshape", List.of(g, longs(-1)))), Attribute.ofInt("axis", 0), Attribute.ofString("reduction", "add"));
        contribute(x, reshapeLike(scattered, x));
    }

    private void averagePool(Node n, String g) {
        String x = n.input(0);
        long[] kernel = n.getInts("kernel_shape", null);
        if (kernel == null) {
            throw refused(n, "has no kernel_shape");
        }
        if (n.getInt("ceil_mode", 0) != 0) {
            throw refused(n, "rounds its output size up (ceil_mode=1)");
        }
        if (n.has("dilations") && Arrays.stream(n.getInts("dilations", null)).anyMatch(d -> d != 1)) {
            throw refused(n, "is dilated");
        }
        Geometry geo = geometry(n, kernel);
        int r = kernel.length;
        long window = 1;
        for (long k : kernel) {
            window *= k;
        }
        String scaled;
        if (n.getInt("count_include_pad", 0) != 0) {
            scaled = op("Mul", List.of(g, f(1f / window)));
        } else {
            // each window divides by the elements it covers: the average pool (padding counted) of ones × window
            String ones = op("ConstantOfShape", List.of(op("Shape", List.of(x))),
                    Attribute.ofTensor("value", Tensor.ofFloats(new long[] {1}, 1f)));
            String covered = op("AveragePool", List.of(ones), Attribute.ofInts("kernel_shape", kernel),
                    Attribute.ofInts("strides", geo.strides()), Attribute.ofInts("pads", geo.pads()),
                    Attribute.ofInt("count_include_pad", 1));
            scaled = op("Div", List.of(g, op("Mul", List.of(covered, f(window)))));
        }
        // every channel alone: (N, C, o…) → (N·C, 1, o…), a transposed convolution with a kernel of ones
        String shape = op("Shape", List.of(scaled));
        String single = op("Reshape", List.of(scaled, op("Concat", List.of(longs(-1, 1),
                op("Slice", List.of(shape, longs(2), longs(Long.MAX_VALUE)))), Attribute.ofInt("axis", 0))));
        long[] ks = new long[r + 2];
        ks[0] = 1;
        ks[1] = 1;
        System.arraycopy(kernel, 0, ks, 2, r);
        float[] ones = new float[(int) window];
        Arrays.fill(ones, 1f);
        Tensor kernelOnes = Tensor.ofFloats(ks, ones);
        String w = initializer("window_ones", kernelOnes);
        Geometry g1 = new Geometry(kernel, geo.strides(), filled(r, 1), geo.pads());
        // the crop reads only x's spatial size, which the single-channel view shares
        String spread = convBackward(n, single, x, w, kernelOnes, g1, 1);
        contribute(x, reshapeLike(spread, x));
    }

    private void arithmetic(Node n, String g, Set<String> live) {
        String a = n.input(0);
        String b = n.input(1);
        String y = n.outputs().get(0);
        boolean la = live.contains(a);
        boolean lb = live.contains(b);
        switch (n.opType()) {
            case "Add" -> {
                if (la) {
                    contribute(a, reduceLike(g, a, b));
                }
                if (lb) {
                    contribute(b, reduceLike(g, b, a));
                }
            }
            case "Sub" -> {
                if (la) {
                    contribute(a, reduceLike(g, a, b));
                }
                if (lb) {
                    contribute(b, reduceLike(op("Neg", List.of(g)), b, a));
                }
            }
            case "Mul" -> {
                if (la) {
                    contribute(a, reduceLike(op("Mul", List.of(g, b)), a, b));
                }
                if (lb) {
                    contribute(b, reduceLike(op("Mul", List.of(g, a)), b, a));
                }
            }
            default -> { // Div
                if (la) {
                    contribute(a, reduceLike(op("Div", List.of(g, b)), a, b));
                }
                if (lb) {
                    contribute(b, reduceLike(op("Neg", List.of(op("Div", List.of(op("Mul", List.of(g, y)), b)))), b, a));
                }
            }
        }
    }

    private void concat(Node n, String g, Set<String> live) {
        long axis = n.getInt("axis", 0);
        List<String> sizes = new ArrayList<>();
        for (String i : n.inputs()) {
            sizes.add(op("Gather", List.of(op("Shape", List.of(i)), longs(axis))));
        }
        List<String> parts = new ArrayList<>();
        for (int k = 0; k < n.inputs().size(); k++) {
            parts.add(fresh("split"));
        }
        String split = sizes.size() == 1 ? sizes.get(0) : op("Concat", sizes, Attribute.ofInt("axis", 0));
        nodes.add(new Node(fresh("Split"), "Split", "", List.of(g, split), parts, Map.of("axis", Attribute.ofInt("axis", axis))));
        for (int k = 0; k < n.inputs().size(); k++) {
            if (live.contains(n.input(k))) {
                contribute(n.input(k), parts.get(k));
            }
        }
    }

    private void gemm(Node n, String g, Set<String> live) {
        String a = n.input(0);
        String b = n.input(1);
        float alpha = n.getFloat("alpha", 1f);
        float beta = n.getFloat("beta", 1f);
        long ta = n.getInt("transA", 0);
        long tb = n.getInt("transB", 0);
        if (live.contains(a)) {
            // Y = α op(A) op(B) + β C: d op(A) = α g op(B)ᵀ
            contribute(a, ta == 0
                    ? op("Gemm", List.of(g, b), Attribute.ofFloat("alpha", alpha), Attribute.ofInt("transB", 1 - tb))
                    : op("Gemm", List.of(b, g), Attribute.ofFloat("alpha", alpha), Attribute.ofInt("transA", tb),
                            Attribute.ofInt("transB", 1)));
        }
        if (live.contains(b)) {
            contribute(b, tb == 0
                    ? op("Gemm", List.of(a, g), Attribute.ofFloat("alpha", alpha), Attribute.ofInt("transA", 1 - ta))
                    : op("Gemm", List.of(g, a), Attribute.ofFloat("alpha", alpha), Attribute.ofInt("transA", 1),
                            Attribute.ofInt("transB", ta)));
        }
        if (n.hasInput(2) && live.contains(n.input(2))) {
            String c = n.input(2);
            contribute(c, reduceLike(beta == 1f ? g : op("Mul", List.of(g, f(beta))), c, null));
        }
    }

    private void matMul(Node n, String g, Set<String> live) {
        String a = n.input(0);
        String b = n.input(1);
        boolean la = live.contains(a);
        boolean lb = live.contains(b);
        Tensor tb = source.producer(b) == null ? source.initializers().get(b) : null;
        Tensor tA = source.producer(a) == null ? source.initializers().get(a) : null;
        if (la && !lb && tb != null && tb.rank() == 2) {
            contribute(a, op("MatMul", List.of(g, initializer("transposed_" + b, transpose2(tb)))));
        } else if (lb && !la && tA != null && tA.rank() == 2) {
            contribute(b, op("MatMul", List.of(initializer("transposed_" + a, transpose2(tA)), g)));
        } else {
            throw refused(n, "multiplies two tensors that depend on the input (or weights of rank other than 2)");
        }
    }

    private void softmax(Node n, String g) {
        String x = n.input(0);
        String y = n.outputs().get(0);
        String axes = longs(n.getInt("axis", -1));
        if (n.opType().equals("Softmax")) {
            String dot = op("ReduceSum", List.of(op("Mul", List.of(g, y)), axes), Attribute.ofInt("keepdims", 1));
            contribute(x, op("Mul", List.of(y, op("Sub", List.of(g, dot)))));
        } else {
            String sum = op("ReduceSum", List.of(g, axes), Attribute.ofInt("keepdims", 1));
            contribute(x, op("Sub", List.of(g, op("Mul", List.of(op("Exp", List.of(y)), sum)))));
        }
    }

    // ---------------------------------------------------------------- helpers

    /** The value of a tensor that is an initializer or a Constant node's output, else null. */
    private Tensor constant(String name) {
        Node p = source.producer(name);
        if (p == null) {
            return source.initializers().get(name);
        }
        return p.opType().equals("Constant") ? p.getTensor("value") : null;
    }

    /** The one-hot of each example's first largest value of {@code t} along axis 1, in t's shape. */
    private String argmaxSeed(String t) {
        String flat = op("Flatten", List.of(t), Attribute.ofInt("axis", 1));
        String index = op("ArgMax", List.of(flat), Attribute.ofInt("axis", 1), Attribute.ofInt("keepdims", 0));
        String depth = op("Gather", List.of(op("Shape", List.of(flat)), longs(1)));
        String values = initializer("one_hot", Tensor.ofFloats(new long[] {2}, 0f, 1f));
        String hot = op("OneHot", List.of(index, depth, values), Attribute.ofInt("axis", -1));
        return reshapeLike(hot, t);
    }

    /** The node with its Indices output (added when the model does not ask for it). */
    private Node withIndices(Node n) {
        List<String> outs = new ArrayList<>(n.outputs());
        if (outs.size() < 2 || outs.get(1).isEmpty()) {
            String idx = fresh("indices_" + n.outputs().get(0));
            if (outs.size() < 2) {
                outs.add(idx);
            } else {
                outs.set(1, idx);
            }
        }
        indicesOf.put(outs.get(0), outs.get(1));
        return new Node(n.name(), n.opType(), n.domain(), n.inputs(), outs, n.attributes());
    }

    /** g summed over the axes along which {@code operand} was broadcast, reshaped to its shape. */
    private String reduceLike(String g, String operand, String other) {
        Tensor o = other == null ? null : source.initializers().get(other);
        if (o != null && source.producer(other) == null && o.size() == 1 && o.rank() <= 1) {
            return g; // a scalar broadcast to the operand: the output has the operand's shape
        }
        String sg = op("Shape", List.of(g));
        String so = op("Shape", List.of(operand));
        String missing = op("Sub", List.of(op("Size", List.of(sg)), op("Size", List.of(so))));
        String ones = op("ConstantOfShape", List.of(op("Reshape", List.of(missing, longs(1)))),
                Attribute.ofTensor("value", Tensor.ofLongs(new long[] {1}, 1)));
        String padded = op("Concat", List.of(ones, so), Attribute.ofInt("axis", 0));
        String axes = op("Reshape", List.of(op("NonZero", List.of(op("Not", List.of(op("Equal", List.of(padded, sg)))))),
                longs(-1)));
        String summed = op("ReduceSum", List.of(g, axes), Attribute.ofInt("keepdims", 1),
                Attribute.ofInt("noop_with_empty_axes", 1));
        return op("Reshape", List.of(summed, so));
    }

    private String reshapeLike(String g, String x) {
        return op("Reshape", List.of(g, op("Shape", List.of(x))));
    }

    /** {@code t} cropped to the spatial size of {@code x} (its last {@code r} axes, begin aligned). */
    private String cropLike(String t, String x, int r) {
        long[] starts = new long[r];
        long[] axes = new long[r];
        for (int d = 0; d < r; d++) {
            axes[d] = 2 + d;
        }
        String ends = op("Slice", List.of(op("Shape", List.of(x)), longs(2), longs(Long.MAX_VALUE)));
        return op("Slice", List.of(t, longs(starts), ends, longs(axes)));
    }

    private String transposeBack(Node n, String g) {
        long[] perm = n.getInts("perm", null);
        if (perm == null) {
            return op("Transpose", List.of(g));
        }
        long[] inverse = new long[perm.length];
        for (int i = 0; i < perm.length; i++) {
            inverse[(int) perm[i]] = i;
        }
        return op("Transpose", List.of(g), Attribute.ofInts("perm", inverse));
    }

    private static Tensor transpose2(Tensor t) {
        long[] s = t.shape();
        float[] v = t.toFloatArray();
        float[] o = new float[v.length];
        for (int i = 0; i < s[0]; i++) {
            for (int j = 0; j < s[1]; j++) {
                o[(int) (j * s[0] + i)] = v[(int) (i * s[1] + j)];
            }
        }
        return Tensor.ofFloats(new long[] {s[1], s[0]}, o);
    }

    private void contribute(String tensor, String gradient) {
        contributions.computeIfAbsent(tensor, k -> new ArrayList<>()).add(gradient);
    }

    /** The summed gradient of {@code tensor}, or null when nothing reached it. */
    private String gradientOf(String tensor) {
        List<String> c = contributions.get(tensor);
        if (c == null || c.isEmpty()) {
            return null;
        }
        if (c.size() == 1) {
            return c.get(0);
        }
        String s = op("Sum", c);
        contributions.put(tensor, new ArrayList<>(List.of(s)));
        return s;
    }

    private String op(String type, List<String> inputs, Attribute... attributes) {
        String out = fresh(type);
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        for (Attribute a : attributes) {
            attrs.put(a.name(), a);
        }
        nodes.add(new Node(out, type, "", inputs, List.of(out), attrs));
        return out;
    }

    private String fresh(String hint) {
        String name;
        do {
            name = "vjp/" + hint + "/" + (++counter);
        } while (names.contains(name));
        names.add(name);
        return name;
    }

    private String initializer(String hint, Tensor t) {
        String name = fresh(hint);
        initializers.put(name, t);
        return name;
    }

    private final Map<String, String> constants = new HashMap<>();

    /** A 0-d float constant. */
    private String f(float v) {
        return constants.computeIfAbsent("f" + v, k -> initializer("const", Tensor.ofFloats(new long[0], v)));
    }

    /** A 1-D int64 constant. */
    private String longs(long... v) {
        return constants.computeIfAbsent("l" + Arrays.toString(v), k -> initializer("const", Tensor.ofLongs(new long[] {v.length}, v)));
    }

    private static long[] filled(int n, long v) {
        long[] a = new long[n];
        Arrays.fill(a, v);
        return a;
    }

    private static UnsupportedOperatorException refused(Node n, String why) {
        return new UnsupportedOperatorException("node '" + n.label() + "' (" + n.opType() + ") " + why
                + "; gradients on ONNX Runtime cannot differentiate it");
    }
}
