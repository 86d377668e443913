package netviz.ort;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import netviz.NetvizException;
import netviz.ShapeMismatchException;
import netviz.UnknownNameException;
import netviz.UnsupportedOperatorException;
import netviz.engine.BatchSplit;
import netviz.engine.Engines;
import netviz.engine.Forward;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.OwnedArrays;
import netviz.engine.Tensor;
import netviz.engine.ValueInfo;
import netviz.engine.Values;
import netviz.onnx.OnnxWriter;

/**
 * The forward pass of a {@link Graph} on ONNX Runtime (Microsoft's inference engine, about 2.5×
 * faster than libtorch through DJL on the CPU for convolutional networks), for forward-only work.
 * The presented graph is written with {@link OnnxWriter}; a tapped intermediate tensor becomes an
 * extra graph output (ONNX Runtime returns graph outputs only, and does not fuse a node whose
 * output is one, so a tapped Conv output is the Conv's own, not the Conv+BatchNormalization fusion).
 * One ONNX Runtime session is kept per set of outputs, the {@value #MAX_SESSIONS} most recently
 * used. Inputs are copied NDArray → direct buffer → {@link OnnxTensor}, outputs back to NDArrays
 * of the caller's scope; every ONNX Runtime value is closed before a call returns.
 *
 * <p>It answers exactly as {@link Interpreter#forward} does: the same taps (tensor names, node
 * names, node indices), returned under their tensor name and under the name asked by; a model
 * whose input fixes its batch B (or whose graph writes one into a Reshape) runs a batch of N in
 * ceil(N/B) passes, the last one padded with copies of its last example, and only real rows come
 * back; float64 models are fed float64 and answer float32 (the interpreter's precision); values
 * that are not finite are returned as they are (the methods decide). Session options: intra-op
 * threads as libtorch's ({@code ai.djl.pytorch.num_threads}, else every core), one inter-op
 * thread, sequential execution, every graph optimisation. Thread-safe.
 */
public final class OrtForward implements Forward {
    /** How many ONNX Runtime sessions (one per set of outputs) are kept open. */
    public static final int MAX_SESSIONS = 8;
    /** The largest per-thread input buffer kept between calls (bytes); larger feeds get a buffer of their own. */
    private static final int MAX_SCRATCH = 64 << 20;
    /** Float outputs from this size on become libtorch-owned copies of the warm scratch buffer (see Host#toNDArray). */
    private static final int OWNED_COPY_BYTES = 64 << 10;
    private static final ThreadLocal<ByteBuffer> SCRATCH = new ThreadLocal<>();

    private final Graph graph;
    private final OnnxMl.ModelProto model;
    private final int threads;
    private final NDManager base;
    private final Set<String> inputNames = new HashSet<>();
    /** The fixed batch the passes use (from the input's shape or from a Reshape in the graph), 0 when free. */
    private final int fixedBatch;
    private final int hardCodedBatch;
    private final Map<String, Set<String>> inputsOf = new ConcurrentHashMap<>();
    /** Open sessions by output set, least recently used first. */
    private final LinkedHashMap<Set<String>, Cached> sessions = new LinkedHashMap<>(16, 0.75f, true);
    private boolean closed;

    private static final class Cached {
        final OrtSession session;
        int users;
        boolean evicted;

        Cached(OrtSession session) {
            this.session = session;
        }
    }

    private OrtForward(Graph graph, int threads) {
        this.graph = graph;
        this.threads = threads;
        graph.inputs().forEach(v -> inputNames.add(v.name()));
        this.hardCodedBatch = Interpreter.hardCodedBatch(graph);
        int fixed = 0;
        for (ValueInfo in : graph.inputs()) {
            if (in.hasShape() && in.dims().length > 0 && in.dims()[0] > 0
                    && (in.type() == null || in.type().isFloatingPoint())) {
                fixed = (int) in.dims()[0];
                break;
            }
        }
        this.fixedBatch = fixed;
        try {
            this.model = OnnxWriter.toProto(graph, "netviz");
        } catch (RuntimeException e) {
            throw refused("the model cannot be written back as ONNX: " + firstLine(e));
        }
        this.base = Engines.newBaseManager();
        try {
            Set<String> outputs = new LinkedHashSet<>();
            graph.outputs().forEach(o -> outputs.add(o.name()));
            release(acquire(outputs)); // ONNX Runtime checks the model now, not on the first call
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * A forward pass of {@code graph} on ONNX Runtime with libtorch's thread count; an
     * {@link UnsupportedOperatorException} naming ONNX Runtime's reason when it cannot run the model
     * (an operator, opset or domain it does not know, a graph it rejects).
     */
    public static OrtForward of(Graph graph) {
        return of(graph, defaultThreads());
    }

    /** The same with {@code threads} intra-op threads. */
    public static OrtForward of(Graph graph, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, not " + threads);
        }
        return new OrtForward(Objects.requireNonNull(graph, "graph"), threads);
    }

    /** The threads libtorch is given ({@code -Dai.djl.pytorch.num_threads}, set from NETVIZ_THREADS), else every core. */
    public static int defaultThreads() {
        String t = System.getProperty("ai.djl.pytorch.num_threads");
        if (t != null) {
            try {
                int n = Integer.parseInt(t.trim());
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // as libtorch: an unreadable value means every core
            }
        }
        return Runtime.getRuntime().availableProcessors();
    }

    @Override
    public Graph graph() {
        return graph;
    }

    @Override
    public String runtime() {
        return "ort";
    }

    /** The intra-op threads of this forward's sessions. */
    public int threads() {
        return threads;
    }

    @Override
    public NDManager newScope() {
        return base.newSubManager();
    }

    @Override
    public int fixedBatch() {
        return fixedBatch;
    }

    @Override
    public Values forward(NDManager scope, Map<String, NDArray> inputs, Collection<String> taps) {
        Set<String> wanted = new LinkedHashSet<>();
        graph.outputs().forEach(o -> wanted.add(o.name()));
        return run(scope, inputs, wanted, taps);
    }

    @Override
    public Values tensors(NDManager scope, Map<String, NDArray> inputs, Collection<String> taps) {
        return run(scope, inputs, new LinkedHashSet<>(), taps);
    }

    /** How many sessions are open (for tests of the cache). */
    int openSessions() {
        synchronized (sessions) {
            return sessions.size();
        }
    }

    // ---------------------------------------------------------------- one call

    /**
     * {@inheritDoc}
     * <p>On ONNX Runtime the Java array goes straight into the runtime's input buffer (one copy, no
     * libtorch array in between), unless the input is declared float64 or a tap names the input.
     */
    @Override
    public Values tensors(NDManager scope, String input, float[] data, long[] shape, Collection<String> taps) {
        ValueInfo in = graph.inputs().stream().filter(v -> v.name().equals(input)).findFirst().orElse(null);
        Set<String> wanted = new LinkedHashSet<>();
        Map<String, String> alias = resolve(taps, wanted);
        boolean direct = in != null && graph.inputs().size() == 1 && data.length == new Shape(shape).size()
                && (in.type() == null || in.type().djlType() == DataType.FLOAT32)
                && java.util.Collections.disjoint(wanted, inputNames);
        if (!direct) {
            return Forward.super.tensors(scope, input, data, shape, taps);
        }
        passable(in).checkFeed(new Shape(shape), DataType.FLOAT32);
        Map<String, Host> results = runPasses(Map.of(input, new Host(OnnxJavaType.FLOAT, shape.clone(), data)), wanted);
        Map<String, NDArray> named = new LinkedHashMap<>();
        for (String t : wanted) {
            named.put(t, results.get(t).toNDArray(scope));
        }
        alias.forEach((a, t) -> named.putIfAbsent(a, named.get(t)));
        return new Values(named);
    }

    /** Resolves each tap to its tensor name, adding it to {@code wanted}; returns tap -> tensor. */
    private Map<String, String> resolve(Collection<String> taps, Set<String> wanted) {
        Map<String, String> alias = new LinkedHashMap<>();
        for (String t : taps) {
            String r = graph.resolveTensor(t);
            wanted.add(r);
            alias.put(t, r);
        }
        return alias;
    }

    private Values run(NDManager scope, Map<String, NDArray> feeds, Set<String> wanted, Collection<String> taps) {
        Map<String, String> alias = resolve(taps, wanted);
        for (String name : feeds.keySet()) {
            if (!inputNames.contains(name)) {
                if (graph.initializers().containsKey(name)) {
                    throw new NetvizException("parameter '" + name + "' cannot be replaced on ONNX Runtime; "
                            + "replaced parameters run on the libtorch interpreter (--runtime torch)");
                }
                throw new UnknownNameException("model input", name, graph.inputs().stream().map(ValueInfo::name).toList());
            }
        }
        Map<String, Host> hosts = new LinkedHashMap<>();
        for (ValueInfo in : graph.inputs()) {
            NDArray x = feeds.get(in.name());
            if (x == null) {
                throw new ShapeMismatchException("missing input '" + in.name() + "'; the model takes: " + graph.inputs());
            }
            passable(in).checkFeed(x);
            hosts.put(in.name(), Host.of(in, x));
        }
        // what ONNX Runtime computes, and what is already known (inputs, parameters)
        Set<String> computed = new LinkedHashSet<>();
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (String t : wanted) {
            if (inputNames.contains(t)) {
                out.put(t, asInterpreterFeeds(feeds.get(t), scope));
            } else if (graph.initializers().containsKey(t) && graph.producer(t) == null) {
                out.put(t, graph.initializers().get(t).toNDArray(scope, DataType.FLOAT32));
            } else {
                computed.add(t);
            }
        }
        if (!computed.isEmpty()) {
            Map<String, Host> results = runPasses(hosts, computed);
            for (String t : computed) {
                out.put(t, results.get(t).toNDArray(scope));
            }
        }
        Map<String, NDArray> named = new LinkedHashMap<>();
        for (String t : wanted) {
            named.put(t, out.get(t));
        }
        alias.forEach((a, t) -> named.putIfAbsent(a, named.get(t)));
        return new Values(named);
    }

    /** {@code in} with its batch left free when the model fixes it (any batch runs in passes). */
    private ValueInfo passable(ValueInfo in) {
        if (!in.hasShape() || in.dims().length == 0 || (in.dims()[0] <= 0 && hardCodedBatch == 0)) {
            return in;
        }
        long[] d = in.dims().clone();
        d[0] = -1;
        return new ValueInfo(in.name(), in.type(), d, in.symbols());
    }

    /** A fed input as the interpreter returns it when tapped: float32 when floating. */
    private static NDArray asInterpreterFeeds(NDArray x, NDManager scope) {
        if (x.getDataType().isFloating() && x.getDataType() != DataType.FLOAT32) {
            NDArray c = x.toType(DataType.FLOAT32, true);
            c.attach(scope);
            return c;
        }
        return x;
    }

    /** Runs ONNX Runtime on the whole batch, or in passes of the model's fixed batch. */
    private Map<String, Host> runPasses(Map<String, Host> inputs, Set<String> outputs) {
        BatchSplit split = split(inputs);
        if (split == null) {
            return runOnce(inputs, outputs);
        }
        Map<String, List<Host>> pieces = new LinkedHashMap<>();
        Map<String, Host> whole = new HashMap<>();
        for (int p = 0; p < split.passes(); p++) {
            Map<String, Host> feeds = new LinkedHashMap<>(inputs);
            for (String name : split.inputs()) {
                feeds.put(name, inputs.get(name).rows(split.from(p), split.rows(p), split.batch()));
            }
            Map<String, Host> r = runOnce(feeds, outputs);
            for (String t : outputs) {
                Host h = r.get(t);
                boolean depends = !java.util.Collections.disjoint(inputsOf(t), split.inputs());
                if (depends && h.floating() && h.shape().length > 0 && h.shape()[0] == split.batch()) {
                    pieces.computeIfAbsent(t, k -> new ArrayList<>()).add(h.rows(0, split.rows(p), split.rows(p)));
                } else if (p == 0) {
                    whole.put(t, h);
                } else if (depends && h.floating() && !h.sameAs(whole.get(t))) {
                    throw split.notBatchFirst(t, new Shape(h.shape()).toString());
                }
            }
        }
        Map<String, Host> out = new HashMap<>(whole);
        pieces.forEach((t, ps) -> out.put(t, Host.join(ps)));
        return out;
    }

    /** The graph inputs {@code tensor} depends on. */
    private Set<String> inputsOf(String tensor) {
        return inputsOf.computeIfAbsent(tensor, t -> {
            Set<String> a = graph.ancestors(Set.of(t));
            Set<String> ins = new HashSet<>();
            for (String in : inputNames) {
                if (a.contains(in)) {
                    ins.add(in);
                }
            }
            return Set.copyOf(ins);
        });
    }

    /** The passes the inputs need: null when every input's batch is the model's (or free), as the interpreter splits. */
    private BatchSplit split(Map<String, Host> inputs) {
        Map<String, long[]> shapes = new HashMap<>();
        Set<String> floating = new HashSet<>();
        inputs.forEach((name, h) -> {
            shapes.put(name, h.shape());
            if (h.floating()) {
                floating.add(name);
            }
        });
        return BatchSplit.of(graph, shapes, floating, () -> hardCodedBatch);
    }

    /** One ONNX Runtime run; every tensor and result it makes is closed before it returns. */
    private Map<String, Host> runOnce(Map<String, Host> inputs, Set<String> outputs) {
        Cached c = acquire(outputs);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
        try {
            long bytes = 0;
            for (Host h : inputs.values()) {
                bytes += h.bytes();
            }
            ByteBuffer scratch = scratch(bytes);
            int offset = 0;
            for (Map.Entry<String, Host> e : inputs.entrySet()) {
                Host h = e.getValue();
                ByteBuffer slice = scratch.slice(offset, (int) h.bytes()).order(ByteOrder.nativeOrder());
                offset += (int) h.bytes();
                feeds.put(e.getKey(), h.toOnnx(env, slice));
            }
            Map<String, Host> out = new HashMap<>();
            try (OrtSession.Result r = c.session.run(feeds)) {
                for (Map.Entry<String, OnnxValue> e : r) {
                    if (outputs.contains(e.getKey())) {
                        out.put(e.getKey(), Host.of(e.getKey(), e.getValue()));
                    }
                }
            }
            return out;
        } catch (OrtException e) {
            throw new NetvizException("ONNX Runtime failed to run the model: " + firstLine(e), e);
        } finally {
            feeds.values().forEach(OnnxTensor::close);
            release(c);
        }
    }

    /** A native-order direct buffer of at least {@code bytes}, reused by the calling thread when small enough. */
    private static ByteBuffer scratch(long bytes) {
        if (bytes > Integer.MAX_VALUE) {
            throw new ShapeMismatchException("the input has " + bytes + " bytes; ONNX Runtime is fed at most 2 GiB at once");
        }
        if (bytes > MAX_SCRATCH) {
            return ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
        }
        ByteBuffer b = SCRATCH.get();
        if (b == null || b.capacity() < bytes) {
            b = ByteBuffer.allocateDirect((int) Math.max(bytes, 1 << 16)).order(ByteOrder.nativeOrder());
            SCRATCH.set(b);
        }
        return b;
    }

    // ---------------------------------------------------------------- sessions

    private Cached acquire(Set<String> outputs) {
        synchronized (sessions) {
            if (closed) {
                throw new IllegalStateException("the ONNX Runtime forward is closed");
            }
            Cached c = sessions.get(outputs);
            if (c != null) {
                c.users++;
                return c;
            }
        }
        OrtSession s = create(outputs);
        synchronized (sessions) {
            Cached c = sessions.get(outputs);
            if (c != null || closed) {
                closeQuietly(s);
                if (c == null) {
                    throw new IllegalStateException("the ONNX Runtime forward is closed");
                }
                c.users++;
                return c;
            }
            c = new Cached(s);
            c.users = 1;
            sessions.put(Set.copyOf(outputs), c);
            Iterator<Cached> it = sessions.values().iterator();
            while (sessions.size() > MAX_SESSIONS && it.hasNext()) {
                Cached old = it.next();
                it.remove();
                old.evicted = true;
                if (old.users == 0) {
                    closeQuietly(old.session);
                }
            }
            return c;
        }
    }

    private void release(Cached c) {
        synchronized (sessions) {
            c.users--;
            if (c.evicted && c.users == 0) {
                closeQuietly(c.session);
            }
        }
    }

    /** A session whose graph outputs are exactly {@code outputs} (graph outputs keep their declared types). */
    private OrtSession create(Set<String> outputs) {
        OnnxMl.ModelProto.Builder m = model.toBuilder();
        OnnxMl.GraphProto.Builder g = m.getGraphBuilder();
        Map<String, OnnxMl.ValueInfoProto> declared = new HashMap<>();
        g.getOutputList().forEach(o -> declared.put(o.getName(), o));
        g.clearOutput();
        for (String t : outputs) {
            g.addOutput(declared.getOrDefault(t, OnnxMl.ValueInfoProto.newBuilder().setName(t).build()));
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(threads);
            o.setInterOpNumThreads(1);
            o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            o.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            // each session has its own thread pool; spinning threads of the session that just ran
            // take the cores from the next one (the gradient graph after a forward, libtorch after ORT)
            o.addConfigEntry("session.intra_op.allow_spinning", "0");
            return env.createSession(m.build().toByteArray(), o);
        } catch (OrtException e) {
            throw refused(firstLine(e));
        }
    }

    private static UnsupportedOperatorException refused(String reason) {
        // ORT's own prefix ("Error code - ORT_NOT_IMPLEMENTED - message: ") says nothing to a user
        String why = reason.replaceFirst("^Error code - [A-Z_]+ - message: ", "");
        return new UnsupportedOperatorException("ONNX Runtime cannot run this model (" + why + ")");
    }

    private static void closeQuietly(OrtSession s) {
        try {
            s.close();
        } catch (OrtException e) {
            // closing frees native memory; nothing to report
        }
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        int nl = m.indexOf('\n');
        m = nl < 0 ? m : m.substring(0, nl);
        return m.length() > 300 ? m.substring(0, 300) + "…" : m;
    }

    @Override
    public void close() {
        synchronized (sessions) {
            if (closed) {
                return;
            }
            closed = true;
            for (Cached c : sessions.values()) {
                c.evicted = true;
                if (c.users == 0) {
                    closeQuietly(c.session);
                }
            }
            sessions.clear();
        }
        if (base != null) {
            base.close();
        }
    }

    // ---------------------------------------------------------------- host arrays

    /** A tensor in Java memory: float[], double[], long[], int[] or boolean[] with its shape. */
    private record Host(OnnxJavaType type, long[] shape, Object data) {

        /** The input {@code x} as the model declares it (float32 unless the input is declared float64). */
        static Host of(ValueInfo in, NDArray x) {
            long[] shape = x.getShape().getShape();
            DataType want = in.type() != null ? in.type().djlType() : x.getDataType();
            if (want == DataType.FLOAT16 || want == DataType.BFLOAT16) {
                throw new UnsupportedOperatorException("input '" + in.name() + "' is " + want
                        + "; netviz feeds ONNX Runtime float32, float64, int32, int64 and bool inputs");
            }
            if (want.isFloating() && want != DataType.FLOAT64) {
                want = DataType.FLOAT32;
            }
            NDArray y = x.getDataType() == want ? x : x.toType(want, true);
            try {
                return switch (want) {
                    case FLOAT32 -> new Host(OnnxJavaType.FLOAT, shape, y.toFloatArray());
                    case FLOAT64 -> new Host(OnnxJavaType.DOUBLE, shape, y.toDoubleArray());
                    case INT64 -> new Host(OnnxJavaType.INT64, shape, y.toLongArray());
                    case INT32 -> new Host(OnnxJavaType.INT32, shape, y.toIntArray());
                    case BOOLEAN -> new Host(OnnxJavaType.BOOL, shape, y.toBooleanArray());
                    default -> throw new UnsupportedOperatorException("input '" + in.name() + "' is " + want
                            + "; netviz feeds ONNX Runtime float32, float64, int32, int64 and bool inputs");
                };
            } finally {
                if (y != x) {
                    y.close();
                }
            }
        }

        /** An ONNX Runtime output: floating types as float32 (the interpreter's precision). */
        static Host of(String name, OnnxValue v) throws OrtException {
            if (!(v instanceof OnnxTensor t)) {
                throw new UnsupportedOperatorException("output '" + name + "' is not a tensor (" + v.getType()
                        + "); netviz reads tensors");
            }
            long[] shape = t.getInfo().getShape();
            OnnxJavaType type = t.getInfo().type;
            return switch (type) {
                case FLOAT, FLOAT16, BFLOAT16 -> new Host(OnnxJavaType.FLOAT, shape, array(t.getFloatBuffer()));
                case DOUBLE -> {
                    java.nio.DoubleBuffer d = t.getDoubleBuffer();
                    float[] f = new float[d.remaining()];
                    for (int i = 0; i < f.length; i++) {
                        f[i] = (float) d.get(i);
                    }
                    yield new Host(OnnxJavaType.FLOAT, shape, f);
                }
                case INT64 -> {
                    java.nio.LongBuffer b = t.getLongBuffer();
                    long[] a = new long[b.remaining()];
                    b.get(a);
                    yield new Host(type, shape, a);
                }
                case INT32 -> {
                    java.nio.IntBuffer b = t.getIntBuffer();
                    int[] a = new int[b.remaining()];
                    b.get(a);
                    yield new Host(type, shape, a);
                }
                case BOOL -> {
                    ByteBuffer b = t.getByteBuffer();
                    boolean[] a = new boolean[b.remaining()];
                    for (int i = 0; i < a.length; i++) {
                        a[i] = b.get(i) != 0;
                    }
                    yield new Host(type, shape, a);
                }
                default -> throw new UnsupportedOperatorException("output '" + name + "' is " + type
                        + "; netviz reads float, double, int32, int64 and bool tensors from ONNX Runtime");
            };
        }

        private static float[] array(java.nio.FloatBuffer b) {
            if (b.hasArray() && b.arrayOffset() == 0 && b.position() == 0 && b.array().length == b.remaining()) {
                return b.array(); // ONNX Runtime's copy is already a fresh heap array: no second copy
            }
            float[] f = new float[b.remaining()];
            b.get(f);
            return f;
        }

        boolean floating() {
            return type == OnnxJavaType.FLOAT || type == OnnxJavaType.DOUBLE;
        }

        int length() {
            return java.lang.reflect.Array.getLength(data);
        }

        int elementBytes() {
            return switch (type) {
                case DOUBLE, INT64 -> 8;
                case BOOL -> 1;
                default -> 4;
            };
        }

        long bytes() {
            return (long) length() * elementBytes();
        }

        /** Rows {@code from .. from+r} followed by copies of the last of them up to {@code batch} rows. */
        Host rows(long from, int r, int batch) {
            int row = shape[0] == 0 ? 0 : (int) (length() / shape[0]);
            Object d = java.lang.reflect.Array.newInstance(data.getClass().getComponentType(), batch * row);
            System.arraycopy(data, (int) from * row, d, 0, r * row);
            for (int i = r; i < batch; i++) {
                System.arraycopy(data, (int) (from + r - 1) * row, d, i * row, row);
            }
            long[] s = shape.clone();
            s[0] = batch;
            return new Host(type, s, d);
        }

        static Host join(List<Host> parts) {
            if (parts.size() == 1) {
                return parts.get(0);
            }
            Host first = parts.get(0);
            int n = 0;
            long rows = 0;
            for (Host h : parts) {
                n += h.length();
                rows += h.shape[0];
            }
            Object d = java.lang.reflect.Array.newInstance(first.data.getClass().getComponentType(), n);
            int at = 0;
            for (Host h : parts) {
                System.arraycopy(h.data, 0, d, at, h.length());
                at += h.length();
            }
            long[] s = first.shape.clone();
            s[0] = rows;
            return new Host(first.type, s, d);
        }

        boolean sameAs(Host o) {
            return o != null && Arrays.equals(shape, o.shape) && Objects.deepEquals(data, o.data);
        }

        /** An ONNX Runtime tensor over {@code buffer} (direct, native order, exactly {@link #bytes()} long). */
        OnnxTensor toOnnx(OrtEnvironment env, ByteBuffer buffer) throws OrtException {
            switch (type) {
                case FLOAT -> {
                    java.nio.FloatBuffer f = buffer.asFloatBuffer();
                    f.put((float[]) data).flip();
                    return OnnxTensor.createTensor(env, f, shape);
                }
                case DOUBLE -> {
                    java.nio.DoubleBuffer f = buffer.asDoubleBuffer();
                    f.put((double[]) data).flip();
                    return OnnxTensor.createTensor(env, f, shape);
                }
                case INT64 -> {
                    java.nio.LongBuffer f = buffer.asLongBuffer();
                    f.put((long[]) data).flip();
                    return OnnxTensor.createTensor(env, f, shape);
                }
                case INT32 -> {
                    java.nio.IntBuffer f = buffer.asIntBuffer();
                    f.put((int[]) data).flip();
                    return OnnxTensor.createTensor(env, f, shape);
                }
                default -> {
                    for (boolean b : (boolean[]) data) {
                        buffer.put((byte) (b ? 1 : 0));
                    }
                    buffer.flip();
                    return OnnxTensor.createTensor(env, buffer, shape, OnnxJavaType.BOOL);
                }
            }
        }

        NDArray toNDArray(NDManager scope) {
            Shape s = new Shape(shape);
            if (type == OnnxJavaType.FLOAT && bytes() >= OWNED_COPY_BYTES && bytes() <= MAX_SCRATCH) {
                // DJL would copy a float[] into a fresh direct buffer, freed only by a garbage collection:
                // fresh pages every call (2.7 ms for a 224x224 RGB image here, against 0.13 ms). Instead the
                // thread's warm scratch buffer is borrowed for a moment and libtorch copies it into memory
                // it owns (and frees when the scope closes).
                ByteBuffer b = scratch(bytes());
                b.clear();
                b.asFloatBuffer().put((float[]) data);
                return OwnedArrays.copyOf(scope.create(b.slice(0, (int) bytes()).order(ByteOrder.nativeOrder()), s,
                        DataType.FLOAT32));
            }
            return switch (type) {
                case FLOAT -> scope.create((float[]) data, s);
                case INT64 -> scope.create((long[]) data, s);
                case INT32 -> scope.create((int[]) data, s);
                case BOOL -> scope.create((boolean[]) data, s);
                default -> throw new IllegalStateException(type.toString());
            };
        }
    }
}
