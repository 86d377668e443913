package netviz.ort;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import netviz.UnsupportedOperatorException;
import netviz.engine.Attribute;
import netviz.engine.Forward;
import netviz.engine.Gradients;
import netviz.engine.Graph;
import netviz.engine.InputGradients;
import netviz.engine.Interpreter;
import netviz.engine.LinearSeed;
import netviz.engine.Objective;
import netviz.engine.Tensor;
import netviz.engine.Values;
import netviz.onnx.GraphBuilder;

/**
 * Input gradients on ONNX Runtime: d J / d x for an objective J that is linear in the tensors it
 * reads (a class score, a channel mean, a neuron, their sums and scalings; see
 * {@link Objective#linearSeed}), computed as one run of a {@link VjpGraph} (the forward pass and
 * the reverse-mode backward pass as plain ONNX operators, seeded with dJ/dt). On CPUs where
 * libtorch must run oneDNN capped at AVX, this is several times faster than the interpreter's
 * autograd. A seed that depends on the forward values (the predicted class, a channel's maximum)
 * costs one more forward pass; so does the first call for each input shape (it learns the tapped
 * tensors' shapes). One ONNX Runtime session is kept per set of tapped tensors, the
 * {@value #MAX_GRAPHS} most recently used, each an {@link OrtForward} of its graph (so fixed-batch
 * models run in passes, and every ONNX Runtime value is closed).
 *
 * <p>Everything else goes to the interpreter: other objectives, gradients with respect to other
 * tensors or several inputs, a graph the builder refuses (an operator without a backward rule,
 * float64 inputs, opsets before 13) or that ONNX Runtime refuses (one warning line, once, said after
 * the interpreter has answered, so that a run that fails there ends in its one error line), and every
 * call in a process whose self-check failed: on first use, the ONNX Runtime gradient of a small
 * random network (convolutions of stride 1 and 2, overlapping max pooling, batch normalization,
 * ReLU, a residual addition, Gemm) is compared with the float64 interpreter's (libtorch float64 uses
 * no oneDNN); above {@value #TRUSTED_ERROR} relative error the process keeps to the interpreter and
 * says so in one line. Thread-safe.
 */
public final class OrtGradient implements InputGradients, AutoCloseable {
    /** How many vector-Jacobian graphs (one per set of tapped tensors) are kept open. */
    public static final int MAX_GRAPHS = 4;
    /** The largest relative error (max |Δ| / max |g|) the self-check accepts. */
    public static final double TRUSTED_ERROR = 1e-4;
    private static final int MAX_SHAPES = 64;

    /** The self-check's verdict: whether ORT gradients are used in this process, and a line saying why. */
    public record Trust(boolean trusted, double relError, String line) {
    }

    private static volatile Trust trust;

    private final Interpreter interpreter;
    private final Forward forward;
    private final boolean ownsForward;
    private final Consumer<String> warnings;
    private final LinkedHashMap<List<String>, Object> graphs = new LinkedHashMap<>(8, 0.75f, true);
    private final LinkedHashMap<String, long[][]> shapes = new LinkedHashMap<>(16, 0.75f, true);
    private boolean warned;
    private boolean closed;

    private OrtGradient(Interpreter interpreter, Forward forward, boolean ownsForward, Consumer<String> warnings) {
        this.interpreter = interpreter;
        this.forward = forward;
        this.ownsForward = ownsForward;
        this.warnings = warnings;
    }

    /**
     * Gradients of {@code interpreter}'s graph on ONNX Runtime, falling back to {@code interpreter};
     * {@code forward} runs the forward passes the seeds need (ONNX Runtime's, when the caller has
     * one; null: one of its own, or the interpreter when ONNX Runtime cannot run the model);
     * {@code warnings} gets the one line said when the interpreter stands in for a refused graph.
     */
    public static OrtGradient of(Interpreter interpreter, Forward forward, Consumer<String> warnings) {
        Objects.requireNonNull(interpreter, "interpreter");
        boolean owns = false;
        if (forward == null) {
            try {
                forward = OrtForward.of(interpreter.graph());
                owns = true;
            } catch (UnsupportedOperatorException e) {
                forward = interpreter;
            }
        }
        return new OrtGradient(interpreter, forward, owns, warnings == null ? s -> { } : warnings);
    }

    @Override
    public Graph graph() {
        return interpreter.graph();
    }

    @Override
    public String runtime() {
        return "ort";
    }

    @Override
    public NDManager newScope() {
        return interpreter.newScope();
    }

    @Override
    public String inputName() {
        return interpreter.inputName();
    }

    @Override
    public Values tensors(NDManager scope, Map<String, NDArray> inputs, Collection<String> taps) {
        return forward.tensors(scope, inputs, taps);
    }

    /** The interpreter that computes what this runtime does not. */
    public Interpreter interpreter() {
        return interpreter;
    }

    @Override
    public Gradients gradient(NDManager scope, Map<String, NDArray> inputs, Objective objective, Collection<String> wrt) {
        Optional<LinearSeed> seed = objective.linearSeed();
        Graph graph = graph();
        String x = graph.inputs().size() == 1 ? graph.inputs().get(0).name() : null;
        if (x == null || seed.isEmpty() || inputs.size() != 1 || !inputs.containsKey(x) || wrt.size() != 1
                || !wrt.contains(x) || !trust().trusted()) {
            return interpreter.gradient(scope, inputs, objective, wrt);
        }
        try {
            return onOrt(scope, x, inputs.get(x), objective, seed.get());
        } catch (UnsupportedOperatorException e) {
            // said once the interpreter has answered, so that a run that fails there ends in its one error line
            Gradients g = interpreter.gradient(scope, inputs, objective, wrt);
            warnOnce(e.getMessage() + "; gradients run on the libtorch interpreter");
            return g;
        }
    }

    /** Whether this graph's gradients for {@code objective} run on ONNX Runtime (builds the graph when needed). */
    public boolean supports(Objective objective) {
        if (objective.linearSeed().isEmpty() || graph().inputs().size() != 1 || !trust().trusted()) {
            return false;
        }
        List<String> taps = resolved(objective).values().stream().distinct().sorted().toList();
        Map<String, Integer> ranks = new HashMap<>();
        taps.forEach(t -> ranks.put(t, 2));
        try {
            built(taps, ranks);
            return true;
        } catch (UnsupportedOperatorException e) {
            return false;
        }
    }

    private Gradients onOrt(NDManager scope, String x, NDArray in, Objective objective, LinearSeed seed) {
        Map<String, String> asked = resolved(objective);
        List<String> taps = new ArrayList<>(new TreeSet<>(asked.values()));
        Optional<String> argmax = seed.argmaxOf().map(t -> graph().resolveTensor(t));
        if (argmax.isPresent() && taps.equals(List.of(argmax.get()))) {
            return predicted(scope, x, in, objective, asked, argmax.get());
        }
        String shapeKey = taps + "@" + in.getShape();
        long[][] known;
        synchronized (shapes) {
            known = shapes.get(shapeKey);
        }
        Values fv = null;
        if (known == null || seed.readsValues()) {
            fv = forward.tensors(scope, Map.of(x, in), taps);
            known = new long[taps.size()][];
            for (int i = 0; i < taps.size(); i++) {
                known[i] = fv.get(taps.get(i)).getShape().getShape();
            }
            synchronized (shapes) {
                shapes.put(shapeKey, known);
                Iterator<String> it = shapes.keySet().iterator();
                while (shapes.size() > MAX_SHAPES && it.hasNext()) {
                    it.next();
                    it.remove();
                }
            }
        }
        Map<String, Integer> ranks = new HashMap<>();
        Map<String, NDArray> byAsked = new LinkedHashMap<>();
        for (int i = 0; i < taps.size(); i++) {
            ranks.put(taps.get(i), known[i].length);
        }
        for (Map.Entry<String, String> e : asked.entrySet()) {
            int i = taps.indexOf(e.getValue());
            byAsked.put(e.getKey(), fv != null ? fv.get(e.getValue()) : scope.zeros(new Shape(known[i])));
        }
        Map<String, NDArray> seeds = seed.seeds(new Values(byAsked), scope);
        Entry entry = acquire(taps, ranks, Set.of());
        try {
            return withGraph(scope, x, in, objective, asked, taps, known, seeds, fv, entry);
        } finally {
            release(entry);
        }
    }

    private Gradients withGraph(NDManager scope, String x, NDArray in, Objective objective, Map<String, String> asked,
                                List<String> taps, long[][] known, Map<String, NDArray> seeds, Values fv, Entry entry) {
        VjpGraph.Built built = entry.built;
        Map<String, NDArray> feeds = new LinkedHashMap<>();
        feeds.put(x, in);
        for (int i = 0; i < taps.size(); i++) {
            String t = taps.get(i);
            NDArray s = null;
            for (Map.Entry<String, String> e : asked.entrySet()) {
                NDArray part = e.getValue().equals(t) ? seeds.get(e.getKey()) : null;
                if (part != null) {
                    s = s == null ? part : s.add(part);
                }
            }
            if (s == null) {
                s = scope.zeros(new Shape(known[i]));
            }
            if (!Arrays.equals(s.getShape().getShape(), known[i])) {
                throw new IllegalStateException("the seed of '" + t + "' has shape " + s.getShape() + ", not "
                        + Arrays.toString(known[i]));
            }
            feeds.put(built.seeds().get(t), s.getDataType() == DataType.FLOAT32 ? s : s.toType(DataType.FLOAT32, false));
        }
        List<String> outs = new ArrayList<>(taps);
        outs.add(built.gradient());
        Values out = entry.run.tensors(scope, feeds, outs);
        for (int i = 0; i < taps.size(); i++) {
            if (!Arrays.equals(out.get(taps.get(i)).getShape().getShape(), known[i])) {
                throw new IllegalStateException("tensor '" + taps.get(i) + "' has shape " + out.get(taps.get(i)).getShape()
                        + " in the gradient pass but " + Arrays.toString(known[i]) + " in the forward pass");
            }
        }
        return finish(x, in, objective, asked, fv != null ? fv : out, out, built);
    }

    /** The predicted class's gradient in one run: the graph seeds itself with the one-hot of the argmax. */
    private Gradients predicted(NDManager scope, String x, NDArray in, Objective objective, Map<String, String> asked,
                                String tap) {
        Entry entry = acquire(List.of(tap), Map.of(tap, 0), Set.of(tap));
        try {
            Values out = entry.run.tensors(scope, Map.of(x, in), List.of(tap, entry.built.gradient()));
            return finish(x, in, objective, asked, out, out, entry.built);
        } finally {
            release(entry);
        }
    }

    /** The gradients with the objective evaluated on the values {@code read} (which the seeds came from). */
    private static Gradients finish(String x, NDArray in, Objective objective, Map<String, String> asked, Values read,
                                    Values out, VjpGraph.Built built) {
        Map<String, NDArray> values = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : asked.entrySet()) {
            NDArray v = read.get(e.getValue());
            values.put(e.getValue(), v);
            values.put(e.getKey(), v);
        }
        Values forwardValues = new Values(values);
        NDArray value = objective.evaluate(forwardValues);
        double v = value.toType(DataType.FLOAT64, false).getDouble();
        NDArray g = out.get(built.gradient());
        if (in.getDataType() != DataType.FLOAT32 && in.getDataType().isFloating()) {
            g = g.toType(in.getDataType(), false);
        }
        return new Gradients(v, forwardValues, new Values(Map.of(x, g)));
    }

    /** Each tensor the objective reads, as asked → as the graph names it. */
    private Map<String, String> resolved(Objective objective) {
        Map<String, String> asked = new LinkedHashMap<>();
        for (String t : objective.tensors()) {
            asked.put(t, graph().resolveTensor(t));
        }
        return asked;
    }

    /** A vector-Jacobian graph with its session; closed when evicted and no call uses it. */
    private static final class Entry {
        final VjpGraph.Built built;
        final OrtForward run;
        int users;
        boolean evicted;

        Entry(VjpGraph.Built built, OrtForward run) {
            this.built = built;
            this.run = run;
        }
    }

    /** The graph and session for these taps, built on first use (refusals remembered); release it after use. */
    private Entry acquire(List<String> taps, Map<String, Integer> ranks, Set<String> argmax) {
        synchronized (graphs) {
            if (closed) {
                throw new IllegalStateException("the ONNX Runtime gradients are closed");
            }
            List<String> key = new ArrayList<>(taps);
            taps.forEach(t -> key.add(argmax.contains(t) ? "argmax" : Integer.toString(ranks.get(t))));
            Object o = graphs.get(key);
            if (o instanceof UnsupportedOperatorException u) {
                throw u;
            }
            Entry e = (Entry) o;
            if (e == null) {
                try {
                    VjpGraph.Built b = VjpGraph.build(graph(), inputName(), taps, ranks, argmax,
                            VjpGraph.StridedConv.CONV_TRANSPOSE);
                    e = new Entry(b, OrtForward.of(b.graph()));
                } catch (UnsupportedOperatorException u) {
                    graphs.put(key, u);
                    throw u;
                }
                graphs.put(key, e);
                Iterator<Object> it = graphs.values().iterator();
                while (graphs.size() > MAX_GRAPHS && it.hasNext()) {
                    Object old = it.next();
                    it.remove();
                    if (old instanceof Entry x) {
                        x.evicted = true;
                        if (x.users == 0) {
                            x.run.close();
                        }
                    }
                }
            }
            e.users++;
            return e;
        }
    }

    private void release(Entry e) {
        synchronized (graphs) {
            e.users--;
            if (e.evicted && e.users == 0) {
                e.run.close();
            }
        }
    }

    private VjpGraph.Built built(List<String> taps, Map<String, Integer> ranks) {
        return VjpGraph.build(graph(), inputName(), taps, ranks);
    }

    private synchronized void warnOnce(String line) {
        if (!warned) {
            warned = true;
            warnings.accept(line);
        }
    }

    @Override
    public void close() {
        synchronized (graphs) {
            closed = true;
            for (Object o : graphs.values()) {
                if (o instanceof Entry e) {
                    e.evicted = true;
                    if (e.users == 0) {
                        e.run.close();
                    }
                }
            }
            graphs.clear();
        }
        if (ownsForward) {
            forward.close();
        }
    }

    // ---------------------------------------------------------------- the self-check

    /** The self-check's verdict for this process (run on first call). */
    public static Trust trust() {
        Trust t = trust;
        if (t == null) {
            synchronized (OrtGradient.class) {
                t = trust;
                if (t == null) {
                    t = selfCheck(UnaryOperator.identity());
                    trust = t;
                    if (!t.trusted()) {
                        System.err.println("netviz: " + t.line());
                    }
                }
            }
        }
        return t;
    }

    /** Replaces the process's verdict (tests of the failure path); null runs the self-check again on next use. */
    static void setTrust(Trust t) {
        trust = t;
    }

    /**
     * The ONNX Runtime gradient of a small random network against the float64 interpreter's;
     * {@code tamper} edits the ONNX Runtime result first (tests of the failure path).
     */
    static Trust selfCheck(UnaryOperator<float[]> tamper) {
        Graph g = checkNet();
        try (Interpreter exact = Interpreter.of(g, new Interpreter.Options(DataType.FLOAT64));
             Interpreter plain = Interpreter.of(g);
             NDManager m = exact.newScope()) {
            float[] xv = new float[2 * 3 * 12 * 12];
            Random r = new Random(17);
            for (int i = 0; i < xv.length; i++) {
                xv[i] = (float) r.nextGaussian();
            }
            NDArray x = m.create(xv, new Shape(2, 3, 12, 12));
            Objective j = Objective.logits("logits", new int[] {1, 3}).plus(Objective.channel("relu2_out", 2).times(0.5));
            double[] want = exact.gradient(m, Map.of("x", x.toType(DataType.FLOAT64, false)), j, List.of("x"))
                    .wrt("x").toType(DataType.FLOAT64, false).toDoubleArray();
            float[] got;
            try (OrtGradient o = new OrtGradient(plain, plain, false, s -> { })) {
                got = o.onOrt(m, "x", x, j, j.linearSeed().orElseThrow()).wrt("x").toFloatArray();
            }
            got = tamper.apply(got);
            double scale = 0;
            double err = 0;
            for (int i = 0; i < want.length; i++) {
                scale = Math.max(scale, Math.abs(want[i]));
                err = Math.max(err, Math.abs(want[i] - got[i]));
            }
            double rel = err / Math.max(scale, 1e-30);
            if (!(rel <= TRUSTED_ERROR)) {
                return new Trust(false, rel, String.format(java.util.Locale.ROOT, "ONNX Runtime gradients disagree with "
                        + "the float64 interpreter on the self-check network (relative error %.1e > %.0e); gradients "
                        + "run on the libtorch interpreter in this process", rel, TRUSTED_ERROR));
            }
            return new Trust(true, rel, String.format(java.util.Locale.ROOT, "ONNX Runtime gradients agree with the "
                    + "float64 interpreter (relative error %.1e)", rel));
        } catch (RuntimeException e) {
            return new Trust(false, Double.NaN, "ONNX Runtime gradients failed their self-check (" + e.getMessage()
                    + "); gradients run on the libtorch interpreter in this process");
        }
    }

    /**
     * x (N, 3, 12, 12) → conv 3×3 s1 → BN → ReLU → max pool 3×3 s2 p1 (overlapping) → conv 3×3 s2
     * → ReLU (relu2) → + conv 1×1 s1 of itself → global average pool → flatten → Gemm (5 classes).
     */
    static Graph checkNet() {
        Random r = new Random(5);
        GraphBuilder b = new GraphBuilder("ort-gradient-check", 13);
        String x = b.input("x", -1, 3, 12, 12);
        String c1 = b.node("Conv", "conv1", List.of(x, b.initializer("w1", random(r, 0.4, 6, 3, 3, 3)),
                b.initializer("b1", random(r, 0.1, 6))), Attribute.ofInts("pads", 1, 1, 1, 1));
        String bn = b.node("BatchNormalization", "bn1", List.of(c1, b.initializer("g1", positive(r, 6)),
                b.initializer("be1", random(r, 0.1, 6)), b.initializer("m1", random(r, 0.1, 6)),
                b.initializer("v1", positive(r, 6))));
        String r1 = b.node("Relu", "relu1", List.of(bn));
        String p1 = b.node("MaxPool", "pool1", List.of(r1), Attribute.ofInts("kernel_shape", 3, 3),
                Attribute.ofInts("strides", 2, 2), Attribute.ofInts("pads", 1, 1, 1, 1));
        String c2 = b.node("Conv", "conv2", List.of(p1, b.initializer("w2", random(r, 0.3, 8, 6, 3, 3))),
                Attribute.ofInts("strides", 2, 2), Attribute.ofInts("pads", 1, 1, 1, 1));
        String r2 = b.node("Relu", "relu2", List.of(c2));
        String c3 = b.node("Conv", "conv3", List.of(r2, b.initializer("w3", random(r, 0.3, 8, 8, 1, 1))));
        String sum = b.node("Add", "add", List.of(r2, c3));
        String pool = b.node("GlobalAveragePool", "gap", List.of(sum));
        String flat = b.node("Flatten", "flatten", List.of(pool));
        b.node("Gemm", "fc", List.of(flat, b.initializer("wf", random(r, 0.5, 5, 8)), b.initializer("bf", random(r, 0.1, 5))),
                List.of("logits"), Attribute.ofInt("transB", 1));
        b.output("logits");
        return b.build();
    }

    private static Tensor random(Random r, double std, long... shape) {
        float[] v = new float[(int) Tensor.size(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * std);
        }
        return Tensor.ofFloats(shape, v);
    }

    private static Tensor positive(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (0.5 + r.nextDouble());
        }
        return Tensor.ofFloats(new long[] {n}, v);
    }
}
