package netviz.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import netviz.engine.Engines;

/**
 * The parts of an exact k-NN search timed one by one in one JVM: the matrix product of a query block
 * by a database block on libtorch and on ONNX Runtime (MLAS), the norms and top-k steps, and a Java
 * threshold scan over the score rows. Prints GFLOP/s (2·m·n·d per product) and ms per call, medians.
 *
 * <p>Usage: {@code KnnProfile [--reps R]}.
 */
public final class KnnProfile {
    private KnnProfile() {
    }

    static final int D = 128;

    public static void main(String[] args) throws Exception {
        int reps = args.length > 1 && args[0].equals("--reps") ? Integer.parseInt(args[1]) : 7;
        System.out.printf(Locale.ROOT, "load_before=%s%n", java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim());
        Random rnd = new Random(1);
        int n = 100_000;
        float[] db = new float[n * D];
        for (int i = 0; i < db.length; i++) {
            db[i] = (float) rnd.nextGaussian();
        }
        float[] q = Arrays.copyOf(db, 2000 * D);
        if (args.length > 2 && args[2].equals("--single")) {
            singleThread(db, q, reps);
            return;
        }
        int[][] shapes = {{1000, 16384}, {512, 8192}, {256, 16384}, {2000, 4096}, {128, 100_000}};
        try (NDManager base = Engines.newBaseManager()) {
            NDArray all = base.create(db, new Shape(n, D));
            NDArray qa = base.create(q, new Shape(2000, D));
            for (int[] s : shapes) {
                int m = s[0];
                int b = s[1];
                double[] mm = new double[reps];
                double[] add = new double[reps];
                double[] top = new double[reps];
                double[] copy = new double[reps];
                for (int r = 0; r < reps; r++) {
                    try (NDManager sub = base.newSubManager()) {
                        NDArray a = qa.get("0:" + m);
                        NDArray rowsT = all.get("0:" + b).transpose();
                        NDArray norms = all.get("0:" + b).square().sum(new int[] {1}).reshape(1, b);
                        sub.attachAll(a, rowsT, norms);
                        long t0 = System.nanoTime();
                        NDArray sc = a.matMul(rowsT);
                        sub.attachAll(sc);
                        long t1 = System.nanoTime();
                        sc.addi(norms);
                        long t2 = System.nanoTime();
                        NDList tk = sc.topK(18, 1, false, false);
                        sub.attachAll(tk);
                        tk.get(0).toFloatArray();
                        long t3 = System.nanoTime();
                        sc.toFloatArray();
                        long t4 = System.nanoTime();
                        mm[r] = (t1 - t0) / 1e6;
                        add[r] = (t2 - t1) / 1e6;
                        top[r] = (t3 - t2) / 1e6;
                        copy[r] = (t4 - t3) / 1e6;
                    }
                }
                double g = 2.0 * m * b * D / (median(mm) * 1e6);
                System.out.printf(Locale.ROOT, "libtorch %5d x %6d: matmul %.2f ms (%.1f GFLOP/s), +norms %.2f ms, topk18 %.2f ms, copy to Java %.2f ms%n",
                        m, b, median(mm), g, median(add), median(top), median(copy));
            }
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        for (int[] s : shapes) {
            int m = s[0];
            int b = s[1];
            float[] dbt = transpose(db, b);
            for (int variant = 0; variant < 3; variant++) {
                // 0: MatMul, B as initializer; 1: MatMul, B as input; 2: MatMul+Add+TopK, B as initializer
                byte[] model = model(dbt, b, variant != 1, variant == 2);
                try (OrtSession.SessionOptions o = options(2)) {
                    try (OrtSession session = env.createSession(model, o);
                         OnnxTensor in = OnnxTensor.createTensor(env, direct(q, m * D), new long[] {m, D});
                         OnnxTensor bt = OnnxTensor.createTensor(env, direct(dbt, D * b), new long[] {D, b});
                         OnnxTensor out = OnnxTensor.createTensor(env, direct(new float[m * b], m * b), new long[] {m, b})) {
                        double[] t = new double[reps];
                        float[] row = new float[b];
                        double[] scan = new double[reps];
                        for (int r = 0; r < reps; r++) {
                            Map<String, OnnxTensor> feeds = variant == 1 ? Map.of("q", in, "bt", bt) : Map.of("q", in);
                            long t0 = System.nanoTime();
                            if (variant == 2) {
                                try (OrtSession.Result res = session.run(feeds)) {
                                    ((OnnxTensor) res.get(0)).getFloatBuffer();
                                }
                            } else {
                                try (OrtSession.Result res = session.run(feeds, Map.of("y", out))) {
                                    // the output is written into out's buffer
                                }
                            }
                            long t1 = System.nanoTime();
                            t[r] = (t1 - t0) / 1e6;
                            if (variant == 0) {
                                FloatBuffer fb = ((FloatBuffer) out.getBufferRef().get());
                                long s0 = System.nanoTime();
                                int hits = 0;
                                for (int i = 0; i < m; i++) {
                                    fb.get(i * b, row, 0, b);
                                    float lim = -200;
                                    for (int j = 0; j < b; j++) {
                                        if (row[j] <= lim) {
                                            hits++;
                                        }
                                    }
                                }
                                scan[r] = (System.nanoTime() - s0) / 1e6 + hits * 0;
                            }
                        }
                        double g = 2.0 * m * b * D / (median(t) * 1e6);
                        System.out.printf(Locale.ROOT, "ort %-22s %5d x %6d: %.2f ms (%.1f GFLOP/s)%s%n",
                                variant == 0 ? "MatMul init" : variant == 1 ? "MatMul input" : "MatMul+Add+TopK init", m, b,
                                median(t), g, variant == 0 ? String.format(Locale.ROOT, ", Java copy+scan %.2f ms", median(scan)) : "");
                    }
                }
            }
        }
    }

    /**
     * One thread, both layouts: queries × database block with the block as a constant (packed once), and
     * database block × queries with both fed as inputs; then the threshold scan of the second layout's
     * output, row by row (scalar) and with a max-reduction pre-check per database row.
     */
    static void singleThread(float[] db, float[] q, int reps) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int[][] shapes = {{64, 4096}, {128, 4096}, {64, 2048}, {256, 2048}, {32, 8192}, {128, 1024}};
        for (int[] s : shapes) {
            int m = s[0];
            int b = s[1];
            float[] dbt = transpose(db, b);
            float[] qt = transpose(q, m);
            try (OrtSession.SessionOptions o = options(1)) {
                long c0 = System.nanoTime();
                OrtSession init = env.createSession(model(dbt, b, true, false), o);
                long c1 = System.nanoTime();
                OrtSession swapped = env.createSession(swappedModel(), o);
                try (init; swapped;
                     OnnxTensor in = OnnxTensor.createTensor(env, direct(q, m * D), new long[] {m, D});
                     OnnxTensor a = OnnxTensor.createTensor(env, direct(db, b * D), new long[] {b, D});
                     OnnxTensor bq = OnnxTensor.createTensor(env, direct(qt, D * m), new long[] {D, m});
                     OnnxTensor out = OnnxTensor.createTensor(env, direct(new float[m * b], m * b), new long[] {m, b});
                     OnnxTensor outT = OnnxTensor.createTensor(env, direct(new float[m * b], m * b), new long[] {b, m})) {
                    double[] t1 = new double[reps * 5];
                    double[] t2 = new double[reps * 5];
                    double[] scan1 = new double[reps * 5];
                    double[] scan2 = new double[reps * 5];
                    float[] prod = new float[m * b];
                    float[] nb = new float[b];
                    float[] lim = new float[m];
                    Arrays.fill(lim, -300);
                    long hits = 0;
                    for (int r = 0; r < t1.length; r++) {
                        long s0 = System.nanoTime();
                        try (OrtSession.Result res = init.run(Map.of("q", in), Map.of("y", out))) {
                            // written into out
                        }
                        long s1 = System.nanoTime();
                        try (OrtSession.Result res = swapped.run(Map.of("a", a, "bq", bq), Map.of("y", outT))) {
                            // written into outT
                        }
                        long s2 = System.nanoTime();
                        t1[r] = (s1 - s0) / 1e6;
                        t2[r] = (s2 - s1) / 1e6;
                        FloatBuffer fb = (FloatBuffer) outT.getBufferRef().get();
                        fb.get(0, prod, 0, m * b);
                        long s3 = System.nanoTime();
                        for (int j = 0; j < b; j++) {
                            float nj = nb[j];
                            int base = j * m;
                            for (int i = 0; i < m; i++) {
                                if (nj + prod[base + i] <= lim[i]) {
                                    hits++;
                                }
                            }
                        }
                        long s4 = System.nanoTime();
                        for (int j = 0; j < b; j++) {
                            float nj = nb[j];
                            int base = j * m;
                            float mx = Float.NEGATIVE_INFINITY;
                            for (int i = 0; i < m; i++) {
                                mx = Math.max(mx, lim[i] - prod[base + i]);
                            }
                            if (mx >= nj) {
                                for (int i = 0; i < m; i++) {
                                    if (nj + prod[base + i] <= lim[i]) {
                                        hits++;
                                    }
                                }
                            }
                        }
                        long s5 = System.nanoTime();
                        scan1[r] = (s4 - s3) / 1e6;
                        scan2[r] = (s5 - s4) / 1e6;
                    }
                    double f = 2.0 * m * b * D / 1e6;
                    System.out.printf(Locale.ROOT, "1 thread %4d q x %5d rows: q x const bT %.3f ms (%.1f GFLOP/s, session %.0f ms) | "
                                    + "db x qT inputs %.3f ms (%.1f GFLOP/s) | scan scalar %.3f ms, max-checked %.3f ms (%d)%n",
                            m, b, median(t1), f / median(t1), (c1 - c0) / 1e6, median(t2), f / median(t2), median(scan1), median(scan2), hits);
                }
            }
        }
    }

    static byte[] swappedModel() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("knn2");
        g.addInput(info("a", -1, D));
        OnnxMl.TensorShapeProto.Builder s = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(D))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("m"));
        g.addInput(OnnxMl.ValueInfoProto.newBuilder().setName("bq").setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(OnnxMl.TensorProto.DataType.FLOAT_VALUE).setShape(s))));
        g.addNode(OnnxMl.NodeProto.newBuilder().setOpType("MatMul").addInput("a").addInput("bq").addOutput("y"));
        g.addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("y"));
        return OnnxMl.ModelProto.newBuilder().setIrVersion(8).setGraph(g)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(17)).build().toByteArray();
    }

    /** The first {@code rows} rows of a row-major {@code rows × D} matrix, transposed ({@code D × rows}). */
    static float[] transpose(float[] x, int rows) {
        float[] t = new float[D * rows];
        for (int j = 0; j < rows; j++) {
            for (int c = 0; c < D; c++) {
                t[c * rows + j] = x[j * D + c];
            }
        }
        return t;
    }

    /** Session options as the search's: {@code threads} intra-op threads, sequential, every optimisation. */
    static OrtSession.SessionOptions options(int threads) throws ai.onnxruntime.OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setIntraOpNumThreads(threads);
        o.setInterOpNumThreads(1);
        o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        o.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
        return o;
    }

    static FloatBuffer direct(float[] v, int len) {
        FloatBuffer fb = ByteBuffer.allocateDirect(4 * len).order(ByteOrder.nativeOrder()).asFloatBuffer();
        fb.put(v, 0, len);
        fb.rewind();
        return fb;
    }

    static byte[] model(float[] dbt, int b, boolean init, boolean topk) {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("knn");
        g.addInput(info("q", -1, D));
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName("bt").addDims(D).addDims(b)
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE);
        ByteBuffer raw = ByteBuffer.allocate(4 * dbt.length).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(dbt);
        t.setRawData(com.google.protobuf.ByteString.copyFrom(raw.array()));
        if (init) {
            g.addInitializer(t);
        } else {
            g.addInput(info("bt", D, b));
        }
        g.addNode(OnnxMl.NodeProto.newBuilder().setOpType("MatMul").addInput("q").addInput("bt").addOutput(topk ? "p" : "y"));
        if (topk) {
            float[] nn = new float[b];
            g.addInitializer(OnnxMl.TensorProto.newBuilder().setName("nrm").addDims(1).addDims(b)
                    .setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE).addAllFloatData(asList(nn)));
            g.addInitializer(OnnxMl.TensorProto.newBuilder().setName("k").addDims(1)
                    .setDataType(OnnxMl.TensorProto.DataType.INT64_VALUE).addInt64Data(18));
            g.addNode(OnnxMl.NodeProto.newBuilder().setOpType("Add").addInput("p").addInput("nrm").addOutput("s"));
            g.addNode(OnnxMl.NodeProto.newBuilder().setOpType("TopK").addInput("s").addInput("k").addOutput("y").addOutput("yi")
                    .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("largest").setType(OnnxMl.AttributeProto.AttributeType.INT).setI(0)));
            g.addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("y"));
            g.addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("yi"));
        } else {
            g.addOutput(info("y", -1, b));
        }
        return OnnxMl.ModelProto.newBuilder().setIrVersion(8).setGraph(g)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(17)).build().toByteArray();
    }

    static java.util.List<Float> asList(float[] v) {
        java.util.List<Float> l = new java.util.ArrayList<>(v.length);
        for (float f : v) {
            l.add(f);
        }
        return l;
    }

    static OnnxMl.ValueInfoProto info(String name, long... dims) {
        OnnxMl.TensorShapeProto.Builder s = OnnxMl.TensorShapeProto.newBuilder();
        for (long dd : dims) {
            s.addDim(dd < 0 ? OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("m").build()
                    : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(dd).build());
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(OnnxMl.TensorProto.DataType.FLOAT_VALUE)
                        .setShape(s))).build();
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
