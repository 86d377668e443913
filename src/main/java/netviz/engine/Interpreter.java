package netviz.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import netviz.ModelFormatException;
import netviz.ShapeMismatchException;
import netviz.UnknownNameException;
import netviz.UnsupportedOperatorException;
import netviz.engine.ops.Op;
import netviz.engine.ops.OpContext;
import netviz.engine.ops.OpRegistry;

/**
 * Runs a {@link Graph} on DJL NDArrays (PyTorch engine), one op per node in topological order,
 * over a map {@code name -> value} (after the ONNX reference evaluator's loop). Three verbs:
 * <ul>
 *   <li>{@link #forward}: the value of any named tensor (graph outputs plus taps);</li>
 *   <li>{@link #gradient}: d objective / d any input or intermediate tensor, by PyTorch autograd
 *       over the whole pass;</li>
 *   <li>{@link #backward}: the same, computed node by node in reverse topological order with a
 *       vector-Jacobian product per node that {@link BackwardRules} may override (guided
 *       backpropagation replaces Relu's). With no override it equals {@link #gradient}.</li>
 * </ul>
 * Every verb folds each Conv→BatchNormalization pair into one Conv with precomputed parameters
 * (see {@link ConvBnFolding}) unless the call asks for the Conv's own output (a tap, an objective
 * tensor or a {@code wrt} tensor), feeds or differentiates the pair's parameters, or (for
 * {@link #backward}) overrides Conv or BatchNormalization with a rule; values and gradients differ
 * from the node-by-node run by float rounding only, since the folded Conv is the same function of
 * its input.
 * Every array a call creates lives in the manager the caller passes, and every temporary an op
 * makes is closed when the op returns. Ops are resolved and their attributes checked when the
 * interpreter is built, so an unsupported operator fails at load time, not mid-run. An interpreter
 * is safe to use from several threads at once.
 */
public final class Interpreter implements Forward, InputGradients {

    /** Options of an interpreter. {@code precision}: FLOAT32 (default) or FLOAT64 (exact checks). */
    public record Options(DataType precision) {
        public Options {
            if (precision != DataType.FLOAT32 && precision != DataType.FLOAT64) {
                throw new IllegalArgumentException("precision must be FLOAT32 or FLOAT64, not " + precision);
            }
        }

        public static Options defaults() {
            return new Options(DataType.FLOAT32);
        }

        public Options withPrecision(DataType p) {
            return new Options(p);
        }
    }

    private final Graph graph;
    private final Options options;
    private final NDManager base;
    private final Map<String, NDArray> params = new HashMap<>();
    private final Op[] ops;
    private final Set<String> paramNames;
    /** Per node index: the Conv→BatchNormalization fold whose Conv is that node, or null. */
    private final ConvBnFolding.Fold[] folds;
    /** Per tensor name: the index of the last node that reads it. */
    private final Map<String, Integer> lastUse;
    /** Per wanted set: which nodes a run must execute (cached; bounded). */
    private final Map<Set<String>, boolean[]> plans = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_PLANS = 256;
    /** Per tensor name: the graph inputs it depends on (cached; for passes of a fixed batch). */
    private final Map<String, Set<String>> inputsOf = new java.util.concurrent.ConcurrentHashMap<>();

    private Interpreter(Graph graph, Options options) {
        this.graph = graph;
        this.options = options;
        int opset = graph.opset("");
        if (opset < OpRegistry.MIN_OPSET || opset > OpRegistry.MAX_OPSET) {
            throw new UnsupportedOperatorException("the model imports ONNX opset " + (opset < 0 ? "(none)" : opset)
                    + "; netviz supports opsets " + OpRegistry.MIN_OPSET + " to " + OpRegistry.MAX_OPSET);
        }
        List<Node> nodes = graph.nodes();
        ops = new Op[nodes.size()];
        for (int i = 0; i < ops.length; i++) {
            Node n = nodes.get(i);
            int nodeOpset = graph.opset(n.domain());
            if (nodeOpset < 0) {
                throw new UnsupportedOperatorException("node '" + n.label() + "': operator domain '" + n.domain()
                        + "' is not imported by the model; netviz supports the default ONNX domain");
            }
            ops[i] = OpRegistry.get().create(n, nodeOpset);
        }
        base = Engines.newBaseManager();
        try {
            netviz.engine.backend.Backend.requireTrusted();
        } catch (RuntimeException e) {
            base.close();
            throw e;
        }
        try {
            for (Map.Entry<String, Tensor> e : graph.initializers().entrySet()) {
                params.put(e.getKey(), e.getValue().toNDArray(base, options.precision()));
            }
        } catch (RuntimeException e) {
            base.close();
            throw e;
        }
        paramNames = Collections.unmodifiableSet(params.keySet());
        try {
            folds = ConvBnFolding.find(graph, graph.initializers(), base, options.precision());
        } catch (RuntimeException e) {
            base.close();
            throw e;
        }
        Map<String, Integer> last = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            for (String x : nodes.get(i).inputs()) {
                last.put(x, i);
            }
        }
        lastUse = Map.copyOf(last);
    }

    /** The nodes a run that must produce {@code wanted} executes: those with an output among its ancestors. */
    private boolean[] plan(Set<String> wanted) {
        boolean[] p = plans.get(wanted);
        if (p != null) {
            return p;
        }
        Set<String> needed = graph.ancestors(wanted);
        List<Node> nodes = graph.nodes();
        p = new boolean[nodes.size()];
        for (int i = 0; i < p.length; i++) {
            for (String o : nodes.get(i).outputs()) {
                if (needed.contains(o)) {
                    p[i] = true;
                    break;
                }
            }
        }
        if (plans.size() >= MAX_PLANS) {
            plans.clear();
        }
        plans.put(Set.copyOf(wanted), p);
        return p;
    }

    /** The Conv outputs that runs skip by folding the BatchNormalization after them, unless asked for (graph order). */
    List<String> foldedConvOutputs() {
        List<String> out = new ArrayList<>();
        for (ConvBnFolding.Fold f : folds) {
            if (f != null) {
                out.add(f.convOutput());
            }
        }
        return out;
    }

    /** How many Conv→BatchNormalization pairs runs fold into one Conv when they may (see {@link ConvBnFolding}). */
    public int foldedPairs() {
        int n = 0;
        for (ConvBnFolding.Fold f : folds) {
            n += f == null ? 0 : 1;
        }
        return n;
    }

    /** Builds an interpreter computing in float32. */
    public static Interpreter of(Graph graph) {
        return new Interpreter(graph, Options.defaults());
    }

    public static Interpreter of(Graph graph, Options options) {
        return new Interpreter(graph, options);
    }

    @Override
    public Graph graph() {
        return graph;
    }

    @Override
    public String inputName() {
        return Forward.super.inputName();
    }

    @Override
    public String runtime() {
        return "torch";
    }

    public Options options() {
        return options;
    }

    /** A new manager for one request; close it (try-with-resources) to free everything the request made. */
    public NDManager newScope() {
        return base.newSubManager();
    }

    /** The interpreter's parameter (initializer) array, owned by the interpreter: do not close it. */
    public NDArray parameter(String name) {
        NDArray a = params.get(name);
        if (a == null) {
            throw new UnknownNameException("parameter", name, paramNames);
        }
        return a;
    }

    /** The first graph output's name. */
    public String outputName() {
        return graph.outputs().get(0).name();
    }

    // ---------------------------------------------------------------- forward

    /** Runs the model on its single input; returns the graph outputs and the tapped tensors. */
    public Values forward(NDManager scope, NDArray input, String... taps) {
        return forward(scope, Map.of(inputName(), input), Arrays.asList(taps));
    }

    /**
     * Runs the nodes needed for the graph outputs and for {@code taps}: tensor names, node names or
     * node indices (see {@link Graph#resolveTensor}); a tap is returned under its tensor name and
     * under the name it was asked by. A model with a fixed batch runs any batch in passes (see
     * {@link #fixedBatch}).
     */
    public Values forward(NDManager scope, Map<String, NDArray> inputs, Collection<String> taps) {
        Set<String> wanted = new LinkedHashSet<>();
        graph.outputs().forEach(o -> wanted.add(o.name()));
        Map<String, String> alias = new LinkedHashMap<>();
        for (String t : taps) {
            String r = graph.resolveTensor(t);
            wanted.add(r);
            alias.put(t, r);
        }
        return run(scope, inputs, wanted, alias);
    }

    /** Runs the model and returns only the requested tensors (graph outputs are not computed unless asked). */
    public Values tensors(NDManager scope, Map<String, NDArray> inputs, Collection<String> taps) {
        Set<String> wanted = new LinkedHashSet<>();
        Map<String, String> alias = new LinkedHashMap<>();
        for (String t : taps) {
            String r = graph.resolveTensor(t);
            wanted.add(r);
            alias.put(t, r);
        }
        return run(scope, inputs, wanted, alias);
    }

    private Values run(NDManager scope, Map<String, NDArray> inputs, Set<String> wanted, Map<String, String> alias) {
        BatchSplit split = split(inputs);
        try (Autograd.Mode m = Autograd.pause()) {
            if (split == null) {
                Run run = new Run(scope, inputs, wanted);
                run.execute(null, true);
                return run.result(wanted, alias);
            }
            // one pass at a time, each in its own manager; the rows of the wanted tensors are joined
            Map<String, List<NDArray>> pieces = new LinkedHashMap<>();
            Map<String, NDArray> whole = new LinkedHashMap<>();
            for (int p = 0; p < split.passes(); p++) {
                try (NDManager pass = scope.newSubManager()) {
                    Run run = new Run(pass, passFeeds(inputs, split, p, Map.of(), pass), wanted);
                    run.execute(null, true);
                    for (String t : wanted) {
                        NDArray a = run.values.get(t);
                        if (a == null) {
                            throw new UnknownNameException("tensor", t, run.values.keySet());
                        }
                        Kind kind = kind(t, a, split);
                        if (kind == Kind.ROWS) {
                            NDArray piece = rows(a, split.rows(p), split);
                            if (piece.getManager() == pass) {
                                piece.attach(scope);
                            }
                            pieces.computeIfAbsent(t, k -> new ArrayList<>()).add(piece);
                        } else if (kind == Kind.OTHER && p > 0 && !a.contentEquals(whole.get(t))) {
                            // not batch-first and not the same in every pass: nothing sound to return
                            throw notBatchFirst(t, a, split);
                        } else if (p == 0) {
                            if (a.getManager() == pass) {
                                a.attach(scope);
                            }
                            whole.put(t, a);
                        }
                    }
                }
            }
            Map<String, NDArray> out = new LinkedHashMap<>();
            for (String t : wanted) {
                List<NDArray> ps = pieces.get(t);
                if (ps == null) {
                    out.put(t, whole.get(t));
                    continue;
                }
                out.put(t, join(ps, scope));
            }
            // the pieces joined into new arrays are no longer needed (one piece may serve two names)
            Set<NDArray> kept = Collections.newSetFromMap(new IdentityHashMap<>());
            kept.addAll(out.values());
            Set<NDArray> done = Collections.newSetFromMap(new IdentityHashMap<>());
            for (List<NDArray> ps : pieces.values()) {
                for (NDArray a : ps) {
                    if (!kept.contains(a) && done.add(a)) {
                        a.close();
                    }
                }
            }
            alias.forEach((a, t) -> out.putIfAbsent(a, out.get(t)));
            return new Values(out);
        }
    }

    // ---------------------------------------------------------------- gradients

    /**
     * d objective / d each tensor of {@code wrt} (graph inputs, intermediate tensors, or
     * parameters), by autograd over one forward pass (or over every pass of a fixed-batch model:
     * the objective then sees the joined rows of all passes, so it need not be separable).
     */
    public Gradients gradient(NDManager scope, Map<String, NDArray> inputs, Objective objective,
                              Collection<String> wrt) {
        Set<String> wrtSet = checkWrt(wrt);
        Set<String> wanted = new LinkedHashSet<>(objective.tensors());
        wanted.forEach(this::checkTensor);
        BatchSplit split = split(inputs);
        try (Autograd.Mode m = Autograd.record()) {
            // leaves shared by every pass: the split inputs (whole batch), unsplit inputs and parameters
            Map<String, NDArray> sources = new HashMap<>();
            Map<String, NDArray> whole = new LinkedHashMap<>();
            if (split != null) {
                for (String name : split.inputs()) {
                    NDArray x = precise(inputs.get(name), scope);
                    if (wrtSet.contains(name)) {
                        x = Autograd.leaf(x);
                        x.attach(scope);
                        whole.put(name, x);
                    }
                    sources.put(name, x);
                }
            }
            List<Run> runs = new ArrayList<>();
            List<Map<String, NDArray>> perPass = new ArrayList<>();
            int passes = split == null ? 1 : split.passes();
            for (int p = 0; p < passes; p++) {
                Run run = new Run(scope, split == null ? inputs : passFeeds(inputs, split, p, sources, scope),
                        union(wanted, wrtSet));
                wrtSet.stream().filter(params::containsKey).forEach(run.unfixedParams::add);
                for (String w : wrtSet) {
                    if (!run.values.containsKey(w) || (split != null && split.inputs().contains(w))) {
                        continue;
                    }
                    NDArray leaf = whole.get(w);
                    if (leaf == null) {
                        leaf = Autograd.leaf(run.values.get(w));
                        leaf.attach(scope);
                        whole.put(w, leaf);
                    }
                    run.values.put(w, leaf);
                }
                Map<String, NDArray> leaves = new LinkedHashMap<>();
                run.execute(new Hook() {
                    @Override
                    public void afterNode(int index, Node node, NDArray[] outputs) {
                        for (int k = 0; k < outputs.length; k++) {
                            String name = node.outputs().get(k);
                            if (wrtSet.contains(name) && outputs[k] != null) {
                                NDArray z = scope.zeros(outputs[k].getShape(), outputs[k].getDataType());
                                z.setRequiresGradient(true);
                                leaves.put(name, z);
                                NDArray shifted = outputs[k].add(z);
                                shifted.attach(scope);
                                outputs[k] = shifted;
                            }
                        }
                    }
                }, true);
                runs.add(run);
                perPass.add(leaves);
            }
            Values fwd = split == null ? runs.get(0).result(wanted) : joined(runs, wanted, split, scope);
            NDArray value = scalar(objective, fwd);
            double v = value.toType(DataType.FLOAT64, false).getDouble();
            Autograd.backward(value);
            Map<String, NDArray> grads = new LinkedHashMap<>();
            for (String w : wrt) {
                if (whole.containsKey(w)) {
                    grads.put(w, gradientOf(whole.get(w), scope));
                    continue;
                }
                List<NDArray> gs = new ArrayList<>();
                for (Map<String, NDArray> leaves : perPass) {
                    gs.add(gradientOf(leaves.get(w), scope));
                }
                grads.put(w, combine(w, gs, runs, split, scope));
            }
            return new Gradients(v, fwd, new Values(grads));
        }
    }

    /**
     * The rule-based backward pass: forward once keeping each node's local autograd graph, then
     * propagate the gradient node by node in reverse topological order, each node's
     * vector-Jacobian product given by {@code rules} or, by default, by autograd. A fixed-batch
     * model runs in passes: the objective is differentiated once on the joined rows, then each
     * pass propagates its rows of that gradient.
     */
    public Gradients backward(NDManager scope, Map<String, NDArray> inputs, Objective objective,
                              Collection<String> wrt, BackwardRules rules) {
        Set<String> wrtSet = checkWrt(wrt);
        Set<String> wanted = new LinkedHashSet<>(objective.tensors());
        wanted.forEach(this::checkTensor);
        BatchSplit split = split(inputs);
        try (Autograd.Mode m = Autograd.record()) {
            int passes = split == null ? 1 : split.passes();
            List<Run> runs = new ArrayList<>();
            List<List<TapeEntry>> tapes = new ArrayList<>();
            Set<String> active = new HashSet<>(wrtSet);
            for (int p = 0; p < passes; p++) {
                List<TapeEntry> tape = new ArrayList<>();
                Run run = new Run(scope, split == null ? inputs : passFeeds(inputs, split, p, Map.of(), scope),
                        union(wanted, wrtSet));
                wrtSet.stream().filter(params::containsKey).forEach(run.unfixedParams::add);
                Set<String> act = new HashSet<>(wrtSet);
                run.execute(new Hook() {
                    @Override
                    public void beforeNode(int index, Node node, NDArray[] in) {
                        boolean any = false;
                        for (int k = 0; k < in.length; k++) {
                            if (in[k] != null && act.contains(node.input(k)) && in[k].getDataType().isFloating()) {
                                NDArray leaf = Autograd.leaf(in[k]);
                                leaf.attach(scope);
                                in[k] = leaf;
                                any = true;
                            }
                        }
                        if (any) {
                            tape.add(new TapeEntry(index, node, in.clone()));
                        }
                    }

                    @Override
                    public void afterNode(int index, Node node, NDArray[] outputs) {
                        if (!tape.isEmpty() && tape.get(tape.size() - 1).index == index) {
                            tape.get(tape.size() - 1).outputs = outputs.clone();
                            for (int k = 0; k < outputs.length; k++) {
                                if (outputs[k] != null && outputs[k].getDataType().isFloating()) {
                                    act.add(node.outputs().get(k));
                                }
                            }
                        }
                    }
                }, foldsUnder(rules));
                active.addAll(act);
                runs.add(run);
                tapes.add(tape);
            }
            Values fwd = split == null ? runs.get(0).result(wanted) : joined(runs, wanted, split, scope);
            // Seed: the gradient of the objective with respect to the tensors it reads.
            Map<String, NDArray> objLeaves = new LinkedHashMap<>();
            Map<String, NDArray> seen = new LinkedHashMap<>(fwd.asMap());
            for (String t : objective.tensors()) {
                if (active.contains(t)) {
                    NDArray leaf = Autograd.leaf(seen.get(t));
                    leaf.attach(scope);
                    objLeaves.put(t, leaf);
                    seen.put(t, leaf);
                }
            }
            NDArray value = scalar(objective, new Values(seen));
            double v = value.toType(DataType.FLOAT64, false).getDouble();
            Map<String, NDArray> seeds = new HashMap<>();
            if (!objLeaves.isEmpty()) {
                Autograd.backward(value);
                objLeaves.forEach((t, leaf) -> seeds.put(t, gradientOf(leaf, scope)));
            }
            List<Map<String, NDArray>> perPass = new ArrayList<>();
            for (int p = 0; p < passes; p++) {
                Map<String, NDArray> grads = new HashMap<>();
                for (Map.Entry<String, NDArray> e : seeds.entrySet()) {
                    if (split == null) {
                        grads.put(e.getKey(), e.getValue());
                    } else if (carriesBatch(e.getKey(), runs.get(p).values.get(e.getKey()), split)) {
                        grads.put(e.getKey(), passRows(e.getValue(), split, p, scope));
                    } else if (p == 0) {
                        grads.put(e.getKey(), e.getValue());
                    }
                }
                propagate(tapes.get(p), grads, rules, scope);
                perPass.add(grads);
            }
            Map<String, NDArray> out = new LinkedHashMap<>();
            for (String w : wrt) {
                List<NDArray> gs = new ArrayList<>();
                for (int p = 0; p < passes; p++) {
                    NDArray g = perPass.get(p).get(w);
                    if (g == null) {
                        NDArray ref = runs.get(p).values.get(w);
                        g = scope.zeros(ref.getShape(), ref.getDataType());
                    }
                    gs.add(g);
                }
                out.put(w, split == null ? gs.get(0) : combine(w, gs, runs, split, scope));
            }
            return new Gradients(v, fwd, new Values(out));
        }
    }

    /**
     * Whether a rule-based backward may fold Conv→BatchNormalization pairs: only when no rule
     * overrides either op, so that the folded Conv's autograd vector-Jacobian product, the same
     * function of the Conv's input, stands for the pair's.
     */
    private static boolean foldsUnder(BackwardRules rules) {
        return rules.ruleFor("Conv") == null && rules.ruleFor("BatchNormalization") == null;
    }

    /** Propagates {@code grads} (tensor → gradient, updated in place) backwards through {@code tape}. */
    private void propagate(List<TapeEntry> tape, Map<String, NDArray> grads, BackwardRules rules, NDManager scope) {
        for (int e = tape.size() - 1; e >= 0; e--) {
            TapeEntry entry = tape.get(e);
            NDArray[] gOut = new NDArray[entry.outputs.length];
            boolean any = false;
            for (int k = 0; k < gOut.length; k++) {
                gOut[k] = grads.get(entry.node.outputs().get(k));
                any |= gOut[k] != null;
            }
            if (!any) {
                continue;
            }
            NDArray[] gIn = vjp(entry, gOut, rules, scope);
            for (int k = 0; k < gIn.length && k < entry.inputs.length; k++) {
                if (gIn[k] == null) {
                    continue;
                }
                String name = entry.node.input(k);
                NDArray prev = grads.get(name);
                if (prev == null) {
                    grads.put(name, gIn[k]);
                } else {
                    NDArray sum = prev.add(gIn[k]);
                    sum.attach(scope);
                    grads.put(name, sum);
                }
            }
        }
    }

    // ---------------------------------------------------------------- passes of a fixed batch

    /**
     * The batch size the model's graph inputs fix (their first dimension is a number, as in a
     * PyTorch export without {@code dynamic_axes}), or 0 when it is free (symbolic or unknown).
     * Every call of this interpreter accepts any batch: a batch of N that differs from a fixed B
     * runs in ceil(N/B) passes of B, the last one padded with copies of its last example; only
     * the real rows come back, and an objective sees the joined rows of every pass.
     */
    public int fixedBatch() {
        for (ValueInfo in : graph.inputs()) {
            if (in.hasShape() && in.dims().length > 0 && in.dims()[0] > 0
                    && (in.type() == null || in.type().isFloatingPoint())) {
                return (int) in.dims()[0];
            }
        }
        return 0;
    }

    /**
     * The batch a graph writes into itself although its input leaves the batch free: the first
     * entry of a Reshape to a constant shape such as [1, -1] (as {@code x.view(1, -1)} exports)
     * applied to a tensor computed from the input; 0 when there is none. Such a model runs in
     * passes of that batch, as if its input fixed it.
     */
    public int hardCodedBatch() {
        int b = hardBatch;
        if (b < 0) {
            b = findHardCodedBatch();
            hardBatch = b;
        }
        return b;
    }

    private volatile int hardBatch = -1;

    private int findHardCodedBatch() {
        return hardCodedBatch(graph);
    }

    /** {@link #hardCodedBatch()} of {@code graph}. */
    public static int hardCodedBatch(Graph graph) {
        Map<String, Tensor> constants = new HashMap<>(graph.initializers());
        for (Node n : graph.nodes()) {
            Attribute v = n.attributes().get("value");
            if (n.opType().equals("Constant") && v != null && v.t() != null && !n.outputs().isEmpty()) {
                constants.put(n.outputs().get(0), v.t());
            }
        }
        Set<String> inputs = new HashSet<>();
        graph.inputs().forEach(v -> inputs.add(v.name()));
        for (Node n : graph.nodes()) {
            if (!n.opType().equals("Reshape") || n.inputs().size() < 2 || !constants.containsKey(n.input(1))) {
                continue;
            }
            Tensor shape = constants.get(n.input(1));
            if (shape.rank() != 1 || shape.size() < 2 || shape.type().isFloatingPoint()) {
                continue;
            }
            long first = shape.toLongArray()[0];
            if (first <= 0 || first > Integer.MAX_VALUE) {
                continue;
            }
            if (readsValuesOf(graph, n.input(0), inputs)) {
                return (int) first;
            }
        }
        return 0;
    }

    /** True when {@code tensor} depends on the values (not only the shape) of one of {@code inputs}. */
    private static boolean readsValuesOf(Graph graph, String tensor, Set<String> inputs) {
        Set<String> seen = new HashSet<>();
        java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(List.of(tensor));
        while (!todo.isEmpty()) {
            String t = todo.pop();
            if (!seen.add(t)) {
                continue;
            }
            if (inputs.contains(t)) {
                return true;
            }
            Node p = graph.producer(t);
            if (p == null || p.opType().equals("Shape") || p.opType().equals("Size")) {
                continue;
            }
            for (String x : p.inputs()) {
                if (!x.isEmpty()) {
                    todo.push(x);
                }
            }
        }
        return false;
    }

    /**
     * The largest fixed batch run in passes (each pass is padded to it): a model that declares a
     * batch of 2^40 is refused instead of dividing by zero or padding one image to millions.
     */
    public static final int MAX_FIXED_BATCH = 4096;

    /** The passes the feeds need: null when every input's batch matches the model's (or is free). */
    private BatchSplit split(Map<String, NDArray> feeds) {
        Map<String, long[]> shapes = new HashMap<>();
        Set<String> floating = new HashSet<>();
        feeds.forEach((name, x) -> {
            shapes.put(name, x.getShape().getShape());
            if (x.getDataType().isFloating()) {
                floating.add(name);
            }
        });
        return BatchSplit.of(graph, shapes, floating, this::hardCodedBatch);
    }

    /** The feeds of pass {@code p}: rows of each split input (from {@code sources} where given), padded. */
    private static Map<String, NDArray> passFeeds(Map<String, NDArray> feeds, BatchSplit s, int p,
                                                  Map<String, NDArray> sources, NDManager m) {
        Map<String, NDArray> out = new HashMap<>(feeds);
        for (String name : s.inputs()) {
            NDArray src = sources.getOrDefault(name, feeds.get(name));
            long from = s.from(p);
            int r = s.rows(p);
            NDArray part = src.get(new NDIndex(from + ":" + (from + r)));
            part.attach(m);
            if (r < s.batch()) {
                // padding: copies of the pass's last example, cut from autograd (real values, no
                // zeros that a normalisation inside the graph could turn into NaN)
                NDArray last = src.get(new NDIndex((from + r - 1) + ":" + (from + r))).stopGradient();
                last.attach(m);
                long[] shape = last.getShape().getShape().clone();
                shape[0] = s.batch() - r;
                NDArray pad = last.broadcast(new Shape(shape));
                pad.attach(m);
                part = part.concat(pad, 0);
                part.attach(m);
            }
            out.put(name, part);
        }
        return out;
    }

    /** How a tensor relates to the passes. */
    private enum Kind {
        /** One row per example: its real rows are joined over the passes. */
        ROWS,
        /** The same in every pass (it does not depend on a split input, or is not floating point). */
        SHARED,
        /** Computed from a split input but without the batch as its first axis. */
        OTHER
    }

    private Kind kind(String tensor, NDArray value, BatchSplit s) {
        Set<String> from = inputsOf.computeIfAbsent(tensor, t -> {
            Set<String> a = graph.ancestors(Set.of(t));
            Set<String> ins = new HashSet<>();
            graph.inputs().forEach(v -> {
                if (a.contains(v.name())) {
                    ins.add(v.name());
                }
            });
            return Set.copyOf(ins);
        });
        boolean depends = false;
        for (String in : s.inputs()) {
            depends |= from.contains(in);
        }
        if (!depends || !value.getDataType().isFloating()) {
            return Kind.SHARED; // shapes and indices computed from the input are the same in every pass
        }
        long[] shape = value.getShape().getShape();
        return shape.length > 0 && shape[0] == s.batch() ? Kind.ROWS : Kind.OTHER;
    }

    /**
     * True when {@code tensor} has one row per example (it depends on a split input); one that
     * depends on the input but does not keep the batch as its first axis is refused, not guessed.
     */
    private boolean carriesBatch(String tensor, NDArray value, BatchSplit s) {
        Kind k = kind(tensor, value, s);
        if (k == Kind.OTHER) {
            throw notBatchFirst(tensor, value, s);
        }
        return k == Kind.ROWS;
    }

    private static ShapeMismatchException notBatchFirst(String tensor, NDArray value, BatchSplit s) {
        return s.notBatchFirst(tensor, value.getShape().toString());
    }

    /** The first {@code r} rows of {@code a} (a itself when it has no more). */
    private static NDArray rows(NDArray a, int r, BatchSplit s) {
        return r == s.batch() ? a : a.get(new NDIndex("0:" + r));
    }

    /** Rows of pass {@code p} of a whole-batch array, padded with zeros to the pass size. */
    private static NDArray passRows(NDArray a, BatchSplit s, int p, NDManager scope) {
        long from = s.from(p);
        int r = s.rows(p);
        NDArray part = a.get(new NDIndex(from + ":" + (from + r)));
        part.attach(scope);
        if (r < s.batch()) {
            long[] shape = part.getShape().getShape().clone();
            shape[0] = s.batch() - r;
            NDArray zeros = scope.zeros(new Shape(shape), part.getDataType());
            part = part.concat(zeros, 0);
            part.attach(scope);
        }
        return part;
    }

    /** Joins arrays along the first axis, in {@code scope}. */
    private static NDArray join(List<NDArray> parts, NDManager scope) {
        NDArray out = parts.get(0);
        if (parts.size() > 1) {
            out = ai.djl.ndarray.NDArrays.concat(new ai.djl.ndarray.NDList(parts), 0);
        }
        if (out.getManager() != scope) {
            out.attach(scope);
        }
        return out;
    }

    /** The values of {@code names} over every pass: real rows joined (differentiably), the rest from pass 0. */
    private Values joined(List<Run> runs, Set<String> names, BatchSplit s, NDManager scope) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (String t : names) {
            NDArray first = runs.get(0).values.get(t);
            if (first == null) {
                throw new UnknownNameException("tensor", t, runs.get(0).values.keySet());
            }
            if (!carriesBatch(t, first, s)) {
                out.put(t, first);
                continue;
            }
            List<NDArray> parts = new ArrayList<>();
            for (int p = 0; p < runs.size(); p++) {
                NDArray part = rows(runs.get(p).values.get(t), s.rows(p), s);
                part.attach(scope);
                parts.add(part);
            }
            out.put(t, join(parts, scope));
        }
        return new Values(out);
    }

    /** One gradient from the per-pass gradients of {@code w}: rows joined, or summed for a shared tensor. */
    private NDArray combine(String w, List<NDArray> gs, List<Run> runs, BatchSplit s, NDManager scope) {
        if (s == null) {
            return gs.get(0);
        }
        NDArray ref = runs.get(0).values.get(w);
        if (ref != null && carriesBatch(w, ref, s)) {
            List<NDArray> parts = new ArrayList<>();
            for (int p = 0; p < gs.size(); p++) {
                NDArray part = rows(gs.get(p), s.rows(p), s);
                part.attach(scope);
                parts.add(part);
            }
            return join(parts, scope);
        }
        NDArray sum = gs.get(0);
        for (int p = 1; p < gs.size(); p++) {
            sum = sum.add(gs.get(p));
            sum.attach(scope);
        }
        return sum;
    }

    /** {@code x} in the interpreter's precision (a new array in {@code scope} when converted). */
    private NDArray precise(NDArray x, NDManager scope) {
        if (x.getDataType().isFloating() && x.getDataType() != options.precision()) {
            NDArray c = x.toType(options.precision(), true);
            c.attach(scope);
            return c;
        }
        return x;
    }

    private NDArray[] vjp(TapeEntry entry, NDArray[] gOut, BackwardRules rules, NDManager scope) {
        NDArray[] g = gOut.clone();
        for (int k = 0; k < g.length; k++) {
            if (g[k] == null && entry.outputs[k] != null) {
                g[k] = scope.zeros(entry.outputs[k].getShape(), entry.outputs[k].getDataType());
            }
        }
        BackwardRule rule = rules.ruleFor(entry.node.opType());
        if (rule != null) {
            try (NDScope s = new NDScope()) {
                NDArray[] gIn = rule.vjp(new BackwardRule.Context(entry.node, entry.inputs, entry.outputs, g));
                for (NDArray a : gIn) {
                    if (a != null) {
                        NDScope.unregister(a);
                        a.attach(scope);
                    }
                }
                return gIn;
            }
        }
        NDArray[] gIn = new NDArray[entry.inputs.length];
        try (NDScope s = new NDScope()) {
            NDArray target = null;
            NDArray seed = null;
            int live = 0;
            for (int k = 0; k < g.length; k++) {
                if (gOut[k] != null && entry.outputs[k] != null && entry.outputs[k].getDataType().isFloating()) {
                    live++;
                    NDArray term = entry.outputs[k].mul(gOut[k]).sum();
                    target = target == null ? term : target.add(term);
                    if (live == 1) {
                        seed = entry.outputs[k];
                    }
                }
            }
            if (target == null) {
                return gIn;
            }
            if (live == 1) {
                int k = firstLive(entry, gOut);
                Autograd.backward(entry.outputs[k], gOut[k], false);
            } else {
                Autograd.backward(target);
            }
            for (int k = 0; k < gIn.length; k++) {
                NDArray leaf = entry.inputs[k];
                if (leaf != null && leaf.getDataType().isFloating() && leaf.hasGradient()) {
                    NDArray gr = gradientOf(leaf, scope);
                    NDScope.unregister(gr);
                    gIn[k] = gr;
                }
            }
        }
        return gIn;
    }

    private static int firstLive(TapeEntry entry, NDArray[] gOut) {
        for (int k = 0; k < gOut.length; k++) {
            if (gOut[k] != null && entry.outputs[k] != null && entry.outputs[k].getDataType().isFloating()) {
                return k;
            }
        }
        throw new IllegalStateException();
    }

    private static NDArray gradientOf(NDArray leaf, NDManager scope) {
        NDArray g = null;
        if (leaf != null && leaf.hasGradient()) {
            try {
                g = leaf.getGradient();
            } catch (RuntimeException e) {
                g = null;
            }
        }
        if (g == null || g.getShape().size() != leaf.getShape().size()) {
            if (g != null) {
                g.close();
            }
            g = scope.zeros(leaf.getShape(), leaf.getDataType());
        } else {
            g = OwnedArrays.copyOf(g); // a libtorch-owned copy (DJL's duplicate() is Java-backed)
            g.attach(scope);
        }
        return g;
    }

    private static NDArray scalar(Objective objective, Values values) {
        NDArray v = objective.evaluate(values);
        if (v.getShape().size() != 1) {
            throw new IllegalArgumentException("objective " + objective.describe() + " gives shape " + v.getShape()
                    + ", not a scalar");
        }
        return v.getShape().dimension() == 0 ? v : v.reshape(new Shape());
    }

    private Set<String> checkWrt(Collection<String> wrt) {
        Set<String> s = new LinkedHashSet<>(wrt);
        s.forEach(this::checkTensor);
        return s;
    }

    private void checkTensor(String name) {
        if (!graph.hasTensor(name)) {
            graph.resolveTensor(name); // throws with suggestions
            throw new UnknownNameException("tensor", name, graph.tensorNames());
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> s = new LinkedHashSet<>(a);
        s.addAll(b);
        return s;
    }

    @Override
    public void close() {
        base.close();
    }

    // ---------------------------------------------------------------- one run

    private interface Hook {
        default void beforeNode(int index, Node node, NDArray[] inputs) {
        }

        default void afterNode(int index, Node node, NDArray[] outputs) {
        }
    }

    private static final class TapeEntry {
        final int index;
        final Node node;
        final NDArray[] inputs;
        NDArray[] outputs;

        TapeEntry(int index, Node node, NDArray[] inputs) {
            this.index = index;
            this.node = node;
            this.inputs = inputs;
        }
    }

    private final class Run implements OpContext {
        final NDManager scope;
        final Map<String, NDArray> values = new HashMap<>();
        final Set<String> wanted;
        final Set<NDArray> owned = Collections.newSetFromMap(new IdentityHashMap<>());
        /** Initializers that the caller's feeds replace (folds built from them are not used). */
        final Set<String> fedParams = new HashSet<>();
        /** Initializers the run differentiates (folds built from them are not used). */
        final Set<String> unfixedParams = new HashSet<>();

        Run(NDManager scope, Map<String, NDArray> feeds, Set<String> wanted) {
            this.scope = scope;
            this.wanted = wanted;
            values.putAll(params);
            for (String name : feeds.keySet()) {
                if (graph.inputs().stream().noneMatch(v -> v.name().equals(name)) && !params.containsKey(name)) {
                    throw new UnknownNameException("model input", name,
                            graph.inputs().stream().map(ValueInfo::name).toList());
                }
            }
            for (ValueInfo in : graph.inputs()) {
                NDArray x = feeds.get(in.name());
                if (x == null) {
                    throw new ShapeMismatchException("missing input '" + in.name() + "'; the model takes: "
                            + graph.inputs());
                }
                checkShape(in, x);
                values.put(in.name(), prepare(x));
            }
            for (Map.Entry<String, NDArray> e : feeds.entrySet()) {
                if (params.containsKey(e.getKey())) {
                    fedParams.add(e.getKey());
                    values.put(e.getKey(), prepare(e.getValue()));
                }
            }
        }

        private NDArray prepare(NDArray x) {
            DataType t = x.getDataType();
            if (t.isFloating() && t != options.precision()) {
                NDArray c = x.toType(options.precision(), true);
                c.attach(scope);
                owned.add(c);
                return c;
            }
            return x;
        }

        private void checkShape(ValueInfo in, NDArray x) {
            in.checkFeed(x);
        }

        @Override
        public NDManager manager() {
            return scope;
        }

        @Override
        public DataType floatType() {
            return options.precision();
        }

        /**
         * Runs the planned nodes. With {@code mayFold}, each Conv→BatchNormalization pair runs as one
         * folded Conv unless the run wants the Conv's own output or the fold's parameters are fed
         * or differentiated ({@link #fixedParams}); a hook then sees the folded Conv as
         * {@link ConvBnFolding.Fold#fused} (inputs x, folded weight, folded bias; the
         * BatchNormalization's output), at the Conv's index.
         */
        void execute(Hook hook, boolean mayFold) {
            List<Node> nodes = graph.nodes();
            boolean[] plan = plan(wanted);
            boolean[] skip = null;
            for (int i = 0; i < nodes.size(); i++) {
                if (!plan[i] || (skip != null && skip[i])) {
                    continue;
                }
                Node node = nodes.get(i);
                ConvBnFolding.Fold fold = mayFold ? folds[i] : null;
                if (fold != null && (wanted.contains(fold.convOutput())
                        || (!fedParams.isEmpty() && fold.sources().stream().anyMatch(fedParams::contains))
                        || (!unfixedParams.isEmpty() && fold.sources().stream().anyMatch(unfixedParams::contains)))) {
                    fold = null;
                }
                Node seen = fold != null ? fold.fused() : node;
                NDArray[] in = new NDArray[node.inputs().size()];
                for (int k = 0; k < in.length; k++) {
                    String x = node.input(k);
                    if (!x.isEmpty()) {
                        in[k] = values.get(x);
                        if (in[k] == null) {
                            throw new ModelFormatException("node '" + node.label() + "' reads tensor '" + x
                                    + "', which has no value");
                        }
                    }
                }
                if (fold != null) {
                    in = new NDArray[] {in[0], fold.weight(), fold.bias()};
                    if (skip == null) {
                        skip = new boolean[nodes.size()];
                    }
                    skip[fold.bnIndex()] = true;
                }
                if (hook != null) {
                    hook.beforeNode(i, seen, in);
                }
                NDArray[] out;
                try (NDScope s = new NDScope()) {
                    try {
                        out = ops[i].apply(this, in);
                    } catch (netviz.NetvizException e) {
                        throw e;
                    } catch (RuntimeException e) {
                        throw new ShapeMismatchException("node '" + node.label() + "' (" + node.opType()
                                + ") failed on inputs " + describe(in) + ": " + firstLine(e));
                    }
                    if (out.length > node.outputs().size()) {
                        out = Arrays.copyOf(out, node.outputs().size());
                    }
                    for (NDArray o : out) {
                        if (o != null) {
                            NDScope.unregister(o);
                        }
                    }
                }
                for (int k = 0; k < out.length; k++) {
                    if (out[k] != null && !isOneOf(out[k], in) && !owned.contains(out[k])) {
                        out[k].attach(scope);
                        owned.add(out[k]);
                    }
                }
                if (hook != null) {
                    hook.afterNode(i, seen, out);
                }
                if (fold != null) {
                    values.put(fold.bnOutput(), out[0]);
                } else {
                    for (int k = 0; k < out.length; k++) {
                        if (out[k] != null && !node.outputs().get(k).isEmpty()) {
                            values.put(node.outputs().get(k), out[k]);
                        }
                    }
                }
                if (hook == null) {
                    release(node, i, lastUse);
                }
            }
        }

        private static boolean isOneOf(NDArray a, NDArray[] in) {
            for (NDArray x : in) {
                if (x == a) {
                    return true;
                }
            }
            return false;
        }

        /** Frees values that no later node reads and nobody asked for (forward only). */
        private void release(Node node, int i, Map<String, Integer> lastUse) {
            for (String x : node.inputs()) {
                if (x.isEmpty() || lastUse.get(x) != i || wanted.contains(x)) {
                    continue;
                }
                NDArray a = values.remove(x);
                if (a == null || !owned.contains(a)) {
                    continue;
                }
                boolean stillNamed = false;
                for (NDArray v : values.values()) {
                    if (v == a) {
                        stillNamed = true;
                        break;
                    }
                }
                if (!stillNamed) {
                    owned.remove(a);
                    a.close();
                }
            }
        }

        Values result(Set<String> names, Map<String, String> alias) {
            Values v = result(names);
            Map<String, NDArray> out = new LinkedHashMap<>(v.asMap());
            alias.forEach((a, t) -> out.putIfAbsent(a, values.get(t)));
            return new Values(out);
        }

        Values result(Set<String> names) {
            Map<String, NDArray> out = new LinkedHashMap<>();
            for (String n : names) {
                NDArray a = values.get(n);
                if (a == null) {
                    throw new UnknownNameException("tensor", n, values.keySet());
                }
                out.put(n, a);
            }
            return new Values(out);
        }
    }

    private static String describe(NDArray[] in) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < in.length; i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append(in[i] == null ? "-" : in[i].getDataType() + in[i].getShape().toString());
        }
        return b.append(")").toString();
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
