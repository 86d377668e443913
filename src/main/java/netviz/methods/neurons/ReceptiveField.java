package netviz.methods.neurons;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import netviz.NetvizException;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Node;
import netviz.engine.Objective;
import netviz.engine.ValueInfo;
import netviz.engine.Values;
import netviz.methods.attribution.GradientSupport;
import netviz.methods.unit.Unit;

/**
 * The receptive field of a unit: the input pixels that can influence it. Computed analytically
 * through the graph (Araujo, Norris and Sim, "Computing Receptive Fields of Convolutional Neural
 * Networks", Distill 2019): per spatial axis each tensor has a size r, a jump j (the distance in
 * input pixels between neighbouring units) and a start s (the input coordinate of the first pixel
 * of unit 0's field). The input has r = 1, j = 1, s = 0; a convolution or pooling with kernel k,
 * stride t, begin padding p and dilation d gives
 * <pre>  k' = d (k - 1) + 1,   r' = r + (k' - 1) j,   j' = j t,   s' = s - p j  </pre>
 * (auto_pad SAME_* pads computed from the actual sizes). Element-wise operators, activations,
 * BatchNormalization, LRN and a channel Concat pass the field through; where branches meet
 * (Add, Concat, ...) the field is the union of the branches' fields. Global pooling, Flatten,
 * Gemm, MatMul, Reshape and normalisations over the spatial axes see the whole image. Unit
 * (c, y, x) covers rows s + y j … s + y j + r - 1, clipped to the image.
 *
 * <p>Where the analysis is impossible (an operator whose spatial effect is not modelled, such as
 * Resize or a spatial Transpose) the tensor is marked unknown with the reason, and
 * {@link #effective} gives the effective receptive field instead: the bounding box of the support
 * of the gradient of the unit with respect to the input (over several random inputs).
 */
public final class ReceptiveField {

    /** Per spatial axis (rows, columns) field of one tensor; {@code whole}: every unit sees the whole image. */
    public record Field(String tensor, long[] shape, boolean whole, String unknown, int[] size, int[] jump,
                        int[] start) {
        public boolean known() {
            return unknown == null;
        }

        /** True when the tensor has spatial axes (rank 4, N C H W). */
        public boolean spatial() {
            return shape.length == 4;
        }
    }

    /** A rectangle of input pixels, inclusive bounds, and whether it came from the analysis. */
    public record Box(int y0, int x0, int y1, int x1, boolean analytic) {
        public int height() {
            return y1 - y0 + 1;
        }

        public int width() {
            return x1 - x0 + 1;
        }

        public boolean contains(int y, int x) {
            return y >= y0 && y <= y1 && x >= x0 && x <= x1;
        }
    }

    private static final Set<String> PASS = Set.of("Relu", "LeakyRelu", "Elu", "Selu", "Celu", "Sigmoid", "Tanh",
            "HardSigmoid", "HardSwish", "Softplus", "Softsign", "PRelu", "Clip", "BatchNormalization", "Dropout",
            "Identity", "Add", "Sub", "Mul", "Div", "Sum", "Max", "Min", "Mean", "Neg", "Abs", "Exp", "Log", "Sqrt",
            "Pow", "Reciprocal", "LRN", "Cast", "Erf", "Gelu", "Mish", "ThresholdedRelu", "Where", "Not", "Equal",
            "Greater", "Less", "Floor", "Ceil", "Round", "Sign", "Shrink", "Dequantize");
    private static final Set<String> WINDOW = Set.of("Conv", "MaxPool", "AveragePool", "LpPool");
    private static final Set<String> WHOLE = Set.of("GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool", "Flatten",
            "Gemm", "MatMul", "Reshape", "InstanceNormalization", "LayerNormalization", "ReduceMean", "ReduceMax",
            "ReduceSum", "ReduceMin", "Squeeze", "Unsqueeze", "Softmax", "LogSoftmax", "ArgMax");

    private final Graph graph;
    private final Map<String, Field> fields = new LinkedHashMap<>();
    private final int height;
    private final int width;

    private ReceptiveField(Graph graph, Map<String, long[]> shapes) {
        this.graph = graph;
        String in = graph.inputs().get(0).name();
        long[] inShape = shapes.get(in);
        if (inShape == null || inShape.length != 4) {
            throw new NetvizException("receptive fields need an image input (N, C, H, W); input '" + in + "' has shape "
                    + Arrays.toString(inShape));
        }
        height = (int) inShape[2];
        width = (int) inShape[3];
        fields.put(in, new Field(in, inShape, false, null, new int[] {1, 1}, new int[] {1, 1}, new int[] {0, 0}));
        for (Node n : graph.nodes()) {
            Field f = propagate(n, shapes);
            for (String o : n.outputs()) {
                if (shapes.containsKey(o)) {
                    fields.put(o, new Field(o, shapes.get(o), f.whole, f.unknown, f.size, f.jump, f.start));
                }
            }
        }
    }

    /** Analyses {@code graph} with the tensor shapes of one forward pass (an input of the declared size). */
    public static ReceptiveField analyze(Interpreter interpreter) {
        Graph g = interpreter.graph();
        ValueInfo in = g.inputs().get(0);
        long[] dims = in.dims().clone();
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] <= 0) {
                if (i >= 2) {
                    throw new NetvizException("input '" + in.name() + "' has no fixed spatial size ("
                            + in.shapeString() + "); receptive fields need one");
                }
                dims[i] = 1;
            }
        }
        dims[0] = 1;
        List<String> taps = new ArrayList<>();
        for (Node n : g.nodes()) {
            taps.addAll(n.outputs());
        }
        Map<String, long[]> shapes = new LinkedHashMap<>();
        try (NDManager scope = interpreter.newScope()) {
            NDArray x = scope.zeros(new Shape(dims), DataType.FLOAT32);
            Values v = interpreter.forward(scope, Map.of(in.name(), x), taps);
            shapes.put(in.name(), dims);
            for (String t : taps) {
                if (!t.isEmpty() && v.has(t)) {
                    shapes.put(t, v.get(t).getShape().getShape());
                }
            }
        }
        return new ReceptiveField(g, shapes);
    }

    /** Analyses {@code graph} given every tensor's shape. */
    public static ReceptiveField analyze(Graph graph, Map<String, long[]> shapes) {
        return new ReceptiveField(graph, shapes);
    }

    public int imageHeight() {
        return height;
    }

    public int imageWidth() {
        return width;
    }

    /** The field of a layer (node name, tensor name or index). */
    public Field field(String layer) {
        String t = graph.resolveTensor(layer);
        Field f = fields.get(t);
        if (f == null) {
            throw new NetvizException("tensor '" + t + "' is not computed from the input; it has no receptive field");
        }
        return f;
    }

    /** Every tensor computed from the input, in graph order. */
    public List<Field> fields() {
        return List.copyOf(fields.values());
    }

    /**
     * The analytic box of unit ({@code y}, {@code x}) of {@code layer} in input pixels, clipped to
     * the image; the whole image for layers without spatial axes or after global operations.
     * Fails with a {@link NetvizException} naming the reason where the analysis is impossible.
     */
    public Box box(String layer, int y, int x) {
        Field f = field(layer);
        if (!f.known()) {
            throw new NetvizException("the receptive field of '" + f.tensor + "' cannot be computed analytically: "
                    + f.unknown);
        }
        if (f.whole || !f.spatial()) {
            return new Box(0, 0, height - 1, width - 1, true);
        }
        Unit.checkPosition(f.tensor, f.shape, y, x);
        int y0 = f.start[0] + y * f.jump[0];
        int x0 = f.start[1] + x * f.jump[1];
        return new Box(Math.max(0, y0), Math.max(0, x0), Math.min(height - 1, y0 + f.size[0] - 1),
                Math.min(width - 1, x0 + f.size[1] - 1), true);
    }

    /**
     * The analytic box where possible, else the effective receptive field ({@link #effective}).
     */
    public Box boxOrEffective(Interpreter interpreter, String layer, int channel, int y, int x) {
        Field f = field(layer);
        if (f.known()) {
            return box(layer, y, x);
        }
        return effective(interpreter, layer, channel, y, x, 8, 1);
    }

    /**
     * The effective receptive field: the bounding box of the input pixels where the gradient of
     * unit ({@code channel}, {@code y}, {@code x}) of {@code layer} is non-zero, over
     * {@code samples} Gaussian random inputs (seeded). An empty support gives the whole image.
     */
    public static Box effective(Interpreter interpreter, String layer, int channel, int y, int x, int samples,
                                long seed) {
        Graph g = interpreter.graph();
        String t = g.resolveTensor(layer);
        ValueInfo in = g.inputs().get(0);
        long[] dims = in.dims().clone();
        for (int i = 1; i < dims.length; i++) {
            if (dims[i] <= 0) {
                throw new NetvizException("input '" + in.name() + "' has no fixed size (" + in.shapeString() + ")");
            }
        }
        // one batch of every sample (the interpreter runs a fixed-batch model in passes of its size)
        dims[0] = samples;
        int h = (int) dims[2];
        int w = (int) dims[3];
        Random r = new Random(seed);
        float[] noise = new float[(int) (samples * dims[1] * h * w)];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) r.nextGaussian();
        }
        int[][] boxes;
        try (NDManager scope = interpreter.newScope()) {
            NDArray xs = scope.create(noise, new Shape(dims));
            long[] s = interpreter.forward(scope, Map.of(in.name(), xs), List.of(t)).get(t).getShape().getShape();
            Unit.checkChannel(t, s, channel);
            Objective obj;
            if (s.length == 4) {
                Unit.checkPosition(t, s, y, x);
                obj = Objective.neuron(t, channel, y, x);
            } else {
                obj = Objective.logit(t, channel);
            }
            boxes = GradientSupport.support(interpreter, xs, obj, null);
        }
        // the union over the samples
        int y0 = h;
        int x0 = w;
        int y1 = -1;
        int x1 = -1;
        for (int[] b : boxes) {
            if (b != null) {
                y0 = Math.min(y0, b[0]);
                x0 = Math.min(x0, b[1]);
                y1 = Math.max(y1, b[2]);
                x1 = Math.max(x1, b[3]);
            }
        }
        if (y1 < 0) {
            return new Box(0, 0, h - 1, w - 1, false);
        }
        return new Box(y0, x0, y1, x1, false);
    }

    // ------------------------------------------------------------------ propagation

    private Field unknown(String why) {
        return new Field("", new long[0], false, why, null, null, null);
    }

    private static Field wholeField() {
        return new Field("", new long[0], true, null, null, null, null);
    }

    /** True for a rank-4 Transpose with perm [0,2,3,1] or [0,3,1,2] (channels to the end, or back). */
    private static boolean movesOnlyChannels(Node n, Map<String, long[]> shapes) {
        long[] s = shapes.get(n.input(0));
        netviz.engine.Attribute perm = n.attributes().get("perm");
        if (s == null || s.length != 4 || perm == null || perm.ints() == null) {
            return false;
        }
        long[] p = perm.ints();
        return Arrays.equals(p, new long[] {0, 2, 3, 1}) || Arrays.equals(p, new long[] {0, 3, 1, 2});
    }

    private Field propagate(Node n, Map<String, long[]> shapes) {
        List<Field> ins = new ArrayList<>();
        for (String i : n.inputs()) {
            if (!i.isEmpty() && fields.containsKey(i)) {
                ins.add(fields.get(i));
            }
        }
        if (ins.isEmpty()) {
            return unknown("computed from constants only");
        }
        for (Field f : ins) {
            if (!f.known()) {
                return unknown(f.unknown);
            }
        }
        boolean anyWhole = ins.stream().anyMatch(Field::whole);
        String op = n.opType();
        if (anyWhole) {
            return wholeField();
        }
        if (WHOLE.contains(op)) {
            if ((op.startsWith("Reduce") || op.equals("Softmax") || op.equals("LogSoftmax") || op.equals("ArgMax"))
                    && !mixesSpatial(n, shapes)) {
                return ins.get(0);
            }
            return wholeField();
        }
        if (WINDOW.contains(op)) {
            return window(n, ins.get(0), shapes);
        }
        if (op.equals("Transpose") && movesOnlyChannels(n, shapes)) {
            // NCHW <-> NHWC (a channels-last model, or netviz's own Transpose in front of one):
            // the geometry of the spatial axes is unchanged
            return ins.get(0);
        }
        if (op.equals("Concat")) {
            long axis = n.getInt("axis", 1);
            long[] s = shapes.get(n.input(0));
            int rank = s == null ? 4 : s.length;
            if (axis < 0) {
                axis += rank;
            }
            if (rank == 4 && axis >= 2) {
                return unknown("node '" + n.name() + "' (Concat) joins along a spatial axis");
            }
            return union(n, ins);
        }
        if (op.equals("Pad")) {
            return pad(n, ins.get(0), shapes);
        }
        if (PASS.contains(op)) {
            return union(n, ins);
        }
        return unknown("node '" + n.name() + "' (" + op + ") has no receptive-field rule");
    }

    private boolean mixesSpatial(Node n, Map<String, long[]> shapes) {
        long[] s = shapes.get(n.input(0));
        if (s == null || s.length != 4) {
            return false;
        }
        long[] axes;
        if (n.opType().contains("Softmax") || n.opType().equals("ArgMax")) {
            axes = new long[] {n.getInt("axis", n.opType().equals("ArgMax") ? 0 : -1)};
        } else {
            axes = n.getInts("axes", null);
            if (axes == null) {
                return true;
            }
        }
        for (long a : axes) {
            long ax = a < 0 ? a + 4 : a;
            if (ax >= 2) {
                return true;
            }
        }
        return false;
    }

    private Field union(Node n, List<Field> ins) {
        Field a = ins.get(0);
        int[] size = a.size.clone();
        int[] jump = a.jump.clone();
        int[] start = a.start.clone();
        for (Field f : ins.subList(1, ins.size())) {
            for (int d = 0; d < 2; d++) {
                if (f.jump[d] != jump[d]) {
                    return unknown("node '" + n.name() + "' (" + n.opType() + ") joins branches of different strides ("
                            + jump[d] + " and " + f.jump[d] + ")");
                }
                int end = Math.max(start[d] + size[d], f.start[d] + f.size[d]);
                start[d] = Math.min(start[d], f.start[d]);
                size[d] = end - start[d];
            }
        }
        return new Field("", new long[0], false, null, size, jump, start);
    }

    private Field pad(Node n, Field in, Map<String, long[]> shapes) {
        long[] pads = n.getInts("pads", null);
        if (pads == null && n.inputs().size() > 1 && graph.initializers().containsKey(n.input(1))) {
            pads = graph.initializers().get(n.input(1)).toLongArray();
        }
        if (pads == null || pads.length != 8) {
            return unknown("node '" + n.name() + "' (Pad) has pads that are not constant 4-D pads");
        }
        int[] start = in.start.clone();
        for (int d = 0; d < 2; d++) {
            start[d] = in.start[d] - (int) pads[2 + d] * in.jump[d];
        }
        return new Field("", new long[0], false, null, in.size.clone(), in.jump.clone(), start);
    }

    private Field window(Node n, Field in, Map<String, long[]> shapes) {
        long[] inShape = shapes.get(n.input(0));
        if (inShape == null || inShape.length != 4) {
            return unknown("node '" + n.name() + "' (" + n.opType() + ") is not a 2-D window on (N, C, H, W)");
        }
        long[] kernel = n.getInts("kernel_shape", null);
        if (kernel == null && n.opType().equals("Conv") && n.inputs().size() > 1) {
            long[] ws = shapes.get(n.input(1));
            if (ws == null && graph.initializers().containsKey(n.input(1))) {
                ws = graph.initializers().get(n.input(1)).shape();
            }
            if (ws != null && ws.length == 4) {
                kernel = new long[] {ws[2], ws[3]};
            }
        }
        if (kernel == null || kernel.length != 2) {
            return unknown("node '" + n.name() + "' (" + n.opType() + ") has no 2-D kernel_shape");
        }
        long[] strides = n.getInts("strides", new long[] {1, 1});
        long[] dil = n.getInts("dilations", new long[] {1, 1});
        long[] pads = n.getInts("pads", new long[] {0, 0, 0, 0});
        String auto = n.getString("auto_pad", "NOTSET");
        int[] size = new int[2];
        int[] jump = new int[2];
        int[] start = new int[2];
        for (int d = 0; d < 2; d++) {
            int k = (int) kernel[d];
            int s = (int) strides[d];
            int dl = (int) dil[d];
            int ke = dl * (k - 1) + 1;
            int padBegin;
            long len = inShape[2 + d];
            switch (auto) {
                case "SAME_UPPER", "SAME_LOWER" -> {
                    long outLen = (len + s - 1) / s;
                    int total = (int) Math.max(0, (outLen - 1) * s + ke - len);
                    padBegin = auto.equals("SAME_UPPER") ? total / 2 : total - total / 2;
                }
                case "VALID" -> padBegin = 0;
                default -> padBegin = (int) pads[d];
            }
            size[d] = in.size[d] + (ke - 1) * in.jump[d];
            jump[d] = in.jump[d] * s;
            start[d] = in.start[d] - padBegin * in.jump[d];
        }
        return new Field("", new long[0], false, null, size, jump, start);
    }
}
