package netviz.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import netviz.NetvizException;
import netviz.ShapeMismatchException;

/**
 * A layer-by-layer summary of a model: its declared inputs and outputs, opsets and metadata, and
 * for every node (in topological order) its operator, output tensors, the shapes those tensors
 * take for one concrete input size, its parameter count and its multiply-accumulate count.
 *
 * <p>Shapes are measured, not inferred: the {@link Interpreter} runs once on an all-zero input of
 * the concrete size with every node output tapped. The concrete size is the declared input shape
 * with each symbolic dimension (a batch size such as {@code N}) set to 1, or a shape the caller
 * gives.
 *
 * <p><b>Parameters</b> of a node: the number of elements of the floating-point initializers it
 * reads (weights, biases, batch-norm scale and shift); an initializer that several nodes share is
 * counted at its first reader only, so the per-node counts add up to the model total. As in
 * PyTorch's count, BatchNormalization's running mean and variance are statistics, not parameters,
 * and integer initializers (shapes, indices) are not parameters either; so a torchvision ResNet-18
 * export counts 11,689,512.
 *
 * <p><b>Multiply-adds</b> (MACs), for the measured input size, counting the products of the
 * linear layers and nothing else (bias additions, activations, pooling and normalisation are
 * left out, as in the usual "FLOPs" tables of the literature, where FLOPs ≈ 2 × MACs):
 * <ul>
 *   <li>Conv: |Y| · (C_in / group) · k_1 ⋯ k_d = |Y| · ∏ W.shape[1:], where |Y| is the number of
 *       output elements (N · C_out · H_out · W_out for 2-D);</li>
 *   <li>ConvTranspose: |X| · ∏ W.shape[1:] (every input element is scattered through
 *       (C_out / group) · k_1 ⋯ k_d weights);</li>
 *   <li>Gemm: M · N · K for Y (M×N) = A' (M×K) · B' (K×N), i.e. |Y| · K;</li>
 *   <li>MatMul: |Y| · K, K the last dimension of A (the broadcast batch dimensions are in |Y|).</li>
 * </ul>
 * Quantized operators count as their float counterparts (QLinearConv and ConvInteger as Conv,
 * QLinearMatMul and MatMulInteger as MatMul), and their quantized weights and int32 biases are
 * parameters, their scales and zero points are not.
 */
public final class ModelSummary {
    private ModelSummary() {
    }

    /** A declared graph input or output. */
    public record Port(String name, String type, String shape) {
    }

    /**
     * One node.
     *
     * @param outputShapes the measured shape of each output (same order as {@code outputs}); null
     *     entries when shapes could not be measured
     * @param outputTypes the element type of each output, or null entries
     */
    public record Layer(int index, String name, String operator, List<String> inputs, List<String> outputs,
                        List<long[]> outputShapes, List<String> outputTypes, long parameters, long multiplyAdds) {
    }

    /**
     * The whole summary.
     *
     * @param inputShapes the concrete input shape per graph input that shapes were measured with
     * @param shapesMeasured false when the model could not be run (see {@code shapeProblem})
     * @param shapeProblem why shapes are missing, or null
     * @param opsets opset version per operator domain ("ai.onnx" for the default domain)
     * @param operators how many nodes use each operator, most used first
     */
    public record Summary(String graphName, Map<String, Integer> opsets, Map<String, String> metadata,
                          List<Port> inputs, List<Port> outputs, Map<String, long[]> inputShapes,
                          boolean shapesMeasured, String shapeProblem, List<Layer> layers,
                          Map<String, Integer> operators, long parameters, long multiplyAdds) {
    }

    /**
     * Shapes are measured on the declared input size only up to this many input values (a 3 × 1182 ×
     * 1182 image); a model that declares more is summarised without shapes, and says so.
     */
    public static final long MAX_DECLARED_INPUT_VALUES = 1L << 22;
    /** The most input values an explicit {@code --input-shape} may have. */
    public static final long MAX_GIVEN_INPUT_VALUES = 1L << 24;

    /** Summarises {@code graph}, measuring shapes at the declared input sizes (symbolic dimensions = 1). */
    public static Summary of(Graph graph) {
        return of(graph, null);
    }

    /**
     * Summarises {@code graph}, measuring shapes with {@code inputShape} for the model's single
     * input (null: the declared shape with symbolic dimensions set to 1). A given shape that the
     * model rejects raises {@link ShapeMismatchException}; when the declared shape cannot be run
     * (unknown dimensions, an operator netviz cannot execute), the summary is returned without
     * shapes and MACs and says why in {@link Summary#shapeProblem()}.
     */
    public static Summary of(Graph graph, long[] inputShape) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        String problem = null;
        if (inputShape != null) {
            if (graph.inputs().size() != 1) {
                throw new ShapeMismatchException("--input-shape needs a model with one input; this one has "
                        + graph.inputs().size());
            }
            for (long d : inputShape) {
                if (d <= 0 || d > 1_000_000) {
                    throw new ShapeMismatchException("input shape " + Arrays.toString(inputShape)
                            + " has a dimension that is not between 1 and 1,000,000");
                }
            }
            ValueInfo in = graph.inputs().get(0);
            if (in.hasShape() && in.dims().length != inputShape.length) {
                throw new ShapeMismatchException("input shape " + Arrays.toString(inputShape) + " has rank "
                        + inputShape.length + " but input '" + in.name() + "' is declared as " + in.shapeString());
            }
            shapes.put(in.name(), inputShape.clone());
        } else {
            for (ValueInfo in : graph.inputs()) {
                if (!in.hasShape()) {
                    problem = "input '" + in.name() + "' declares no shape; give --input-shape";
                    break;
                }
                long[] s = in.dims().clone();
                for (int i = 0; i < s.length; i++) {
                    if (s[i] < 0) {
                        if (in.symbols().get(i).isEmpty() && i > 0) {
                            problem = "input '" + in.name() + "' has an unknown dimension " + in.shapeString()
                                    + "; give --input-shape";
                        }
                        s[i] = 1;
                    }
                }
                shapes.put(in.name(), s);
            }
        }

        if (problem == null) {
            long total = 0;
            try {
                for (long[] s : shapes.values()) {
                    total = Math.addExact(total, Tensor.size(s));
                }
            } catch (ArithmeticException e) {
                total = Long.MAX_VALUE;
            }
            long limit = inputShape != null ? MAX_GIVEN_INPUT_VALUES : MAX_DECLARED_INPUT_VALUES;
            if (total > limit) {
                String msg = "the input shape " + describe(shapes) + " has " + String.format(java.util.Locale.ROOT, "%,d", total)
                        + " values, more than the " + String.format(java.util.Locale.ROOT, "%,d", limit)
                        + " netviz measures shapes with";
                if (inputShape != null) {
                    throw new ShapeMismatchException(msg + "; give a smaller --input-shape");
                }
                problem = msg + " unasked; give --input-shape (up to "
                        + String.format(java.util.Locale.ROOT, "%,d", MAX_GIVEN_INPUT_VALUES) + " values)";
            }
        }

        Map<String, long[]> measured = new LinkedHashMap<>();
        Map<String, String> types = new LinkedHashMap<>();
        boolean ok = false;
        if (problem == null) {
            try {
                measure(graph, shapes, measured, types);
                ok = true;
            } catch (NetvizException e) {
                if (inputShape != null) {
                    throw e;
                }
                problem = e.getMessage();
            } catch (RuntimeException e) {
                // the engine refused the shapes (e.g. a kernel larger than the padded input)
                String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
                String msg = "the model cannot run on input shape " + describe(shapes) + ": " + why;
                if (inputShape != null) {
                    throw new ShapeMismatchException(msg);
                }
                problem = msg;
            }
        }
        for (Map.Entry<String, Tensor> e : graph.initializers().entrySet()) {
            measured.putIfAbsent(e.getKey(), e.getValue().shape());
        }

        List<Layer> layers = new ArrayList<>();
        Set<String> counted = new HashSet<>();
        Map<String, Integer> operators = new LinkedHashMap<>();
        long totalParams = 0;
        long totalMacs = 0;
        List<Node> nodes = graph.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            long params = 0;
            for (int j = 0; j < n.inputs().size(); j++) {
                String x = n.inputs().get(j);
                if (isStatistic(n, j)) {
                    continue;
                }
                Tensor init = graph.initializers().get(x);
                Boolean quantized = quantizedData(n, j);
                boolean parameter = quantized != null ? quantized : init != null && init.type().isFloatingPoint();
                if (init != null && parameter && counted.add(x)) {
                    params += init.size();
                }
            }
            long macs = ok ? multiplyAdds(n, measured) : 0;
            List<String> outs = new ArrayList<>();
            List<long[]> outShapes = new ArrayList<>();
            List<String> outTypes = new ArrayList<>();
            for (String o : n.outputs()) {
                if (o.isEmpty()) {
                    continue;
                }
                outs.add(o);
                outShapes.add(measured.get(o));
                outTypes.add(types.get(o));
            }
            layers.add(new Layer(i, n.name(), n.opType(), List.copyOf(n.inputs()), outs, outShapes, outTypes,
                    params, macs));
            operators.merge(n.opType(), 1, Integer::sum);
            totalParams += params;
            totalMacs += macs;
        }
        Map<String, Integer> sortedOps = new LinkedHashMap<>();
        operators.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> sortedOps.put(e.getKey(), e.getValue()));
        Map<String, Integer> opsets = new LinkedHashMap<>();
        graph.opsets().forEach((d, v) -> opsets.put(d.isEmpty() ? "ai.onnx" : d, v));
        return new Summary(graph.name(), opsets, graph.metadata(), ports(graph.inputs()),
                ports(graph.outputs()), shapes, ok, problem, layers, sortedOps, totalParams, totalMacs);
    }

    /** BatchNormalization's running mean and variance (inputs 3 and 4) are statistics, not parameters. */
    static boolean isStatistic(Node n, int input) {
        return n.opType().equals("BatchNormalization") && (input == 3 || input == 4)
                && (n.domain().isEmpty() || n.domain().equals("ai.onnx"));
    }

    private static String describe(Map<String, long[]> shapes) {
        return shapes.size() == 1 ? Arrays.toString(shapes.values().iterator().next())
                : shapes.entrySet().stream().map(e -> e.getKey() + " " + Arrays.toString(e.getValue()))
                        .collect(java.util.stream.Collectors.joining(", "));
    }

    private static List<Port> ports(List<ValueInfo> infos) {
        List<Port> out = new ArrayList<>();
        for (ValueInfo v : infos) {
            out.add(new Port(v.name(), v.type() == null ? null : v.type().name(), v.shapeString()));
        }
        return out;
    }

    /** Runs the model once on zeros with every node output tapped; records shapes and types. */
    private static void measure(Graph graph, Map<String, long[]> inputShapes, Map<String, long[]> shapes,
                                Map<String, String> types) {
        Set<String> taps = new LinkedHashSet<>();
        for (Node n : graph.nodes()) {
            for (String o : n.outputs()) {
                if (!o.isEmpty()) {
                    taps.add(o);
                }
            }
        }
        try (Interpreter ip = Interpreter.of(graph); NDManager scope = ip.newScope()) {
            Map<String, NDArray> feeds = new LinkedHashMap<>();
            for (ValueInfo in : graph.inputs()) {
                long[] s = inputShapes.get(in.name());
                DataType t = in.type() == null ? DataType.FLOAT32 : in.type().djlType();
                feeds.put(in.name(), scope.zeros(new Shape(s), t));
                shapes.put(in.name(), s);
                types.put(in.name(), in.type() == null ? Tensor.ElementType.FLOAT.name() : in.type().name());
            }
            Values v = ip.tensors(scope, feeds, taps);
            for (String t : taps) {
                if (v.has(t)) {
                    NDArray a = v.get(t);
                    shapes.put(t, a.getShape().getShape());
                    types.put(t, Tensor.ElementType.ofDjl(a.getDataType()).name());
                }
            }
        }
    }

    /**
     * For the inputs of quantized operators: true for the quantized data (weights, int32 bias),
     * false for scales and zero points, which are not parameters; null for other operators.
     */
    static Boolean quantizedData(Node n, int input) {
        if (!n.domain().isEmpty() && !n.domain().equals("ai.onnx")) {
            return null;
        }
        switch (n.opType()) {
            case "QLinearConv": return input == 0 || input == 3 || input == 8;
            case "QLinearMatMul": return input == 0 || input == 3;
            case "ConvInteger": case "MatMulInteger": return input <= 1;
            case "DequantizeLinear": case "QuantizeLinear": case "DynamicQuantizeLinear": return input == 0;
            default: return null;
        }
    }

    /** MACs of one node given measured shapes (see the class comment for the formulas); 0 for other operators. */
    static long multiplyAdds(Node n, Map<String, long[]> shapes) {
        String op = n.opType();
        if (!n.domain().isEmpty() && !n.domain().equals("ai.onnx")) {
            return 0;
        }
        long[] y = n.outputs().isEmpty() ? null : shapes.get(n.outputs().get(0));
        switch (op) {
            case "Conv": case "ConvInteger": case "QLinearConv": {
                int wi = op.equals("QLinearConv") ? 3 : 1;
                long[] w = n.hasInput(wi) ? shapes.get(n.input(wi)) : null;
                if (y == null || w == null || w.length < 2) {
                    return 0;
                }
                return Tensor.size(y) * product(w, 1);
            }
            case "ConvTranspose": {
                long[] x = shapes.get(n.input(0));
                long[] w = n.hasInput(1) ? shapes.get(n.input(1)) : null;
                if (x == null || w == null || w.length < 2) {
                    return 0;
                }
                return Tensor.size(x) * product(w, 1);
            }
            case "Gemm": {
                long[] a = shapes.get(n.input(0));
                if (y == null || a == null || a.length != 2) {
                    return 0;
                }
                long k = n.getInt("transA", 0) != 0 ? a[0] : a[1];
                return Tensor.size(y) * k;
            }
            case "MatMul": case "MatMulInteger": case "QLinearMatMul": {
                long[] a = shapes.get(n.input(0));
                if (y == null || a == null || a.length == 0) {
                    return 0;
                }
                return Tensor.size(y) * a[a.length - 1];
            }
            default:
                return 0;
        }
    }

    private static long product(long[] dims, int from) {
        long p = 1;
        for (int i = from; i < dims.length; i++) {
            p *= dims[i];
        }
        return p;
    }
}
