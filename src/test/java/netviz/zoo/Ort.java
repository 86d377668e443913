package netviz.zoo;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import netviz.engine.Graph;
import netviz.onnx.OnnxWriter;

/**
 * ONNX Runtime (Java) as an independent oracle: runs the bytes netviz writes, with any
 * intermediate tensor added as a graph output (ORT only returns graph outputs), and the error
 * measure the zoo tests use.
 */
public final class Ort implements AutoCloseable {
    private final OrtSession session;

    private Ort(OrtSession session) {
        this.session = session;
    }

    /** A session on {@code graph} whose outputs are the graph's outputs plus {@code extraOutputs}. */
    public static Ort of(Graph graph, Collection<String> extraOutputs, int intraOpThreads) throws OrtException {
        return of(withOutputs(graph, extraOutputs), intraOpThreads, OrtSession.SessionOptions.OptLevel.ALL_OPT);
    }

    public static Ort of(byte[] model, int intraOpThreads, OrtSession.SessionOptions.OptLevel level) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(intraOpThreads);
            o.setInterOpNumThreads(1);
            o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            o.setOptimizationLevel(level);
            return new Ort(env.createSession(model, o));
        }
    }

    /** The model bytes of {@link OnnxWriter#toBytes} with name-only graph outputs added for each extra tensor. */
    public static byte[] withOutputs(Graph graph, Collection<String> extraOutputs) {
        OnnxMl.ModelProto.Builder m = OnnxWriter.toProto(graph, "netviz").toBuilder();
        OnnxMl.GraphProto.Builder g = m.getGraphBuilder();
        java.util.Set<String> have = new java.util.HashSet<>();
        g.getOutputList().forEach(o -> have.add(o.getName()));
        for (String t : extraOutputs) {
            if (have.add(t)) {
                g.addOutput(OnnxMl.ValueInfoProto.newBuilder().setName(t));
            }
        }
        return m.build().toByteArray();
    }

    /** Runs the session on one float input; returns every float output by name. */
    public Map<String, float[]> run(String inputName, float[] input, long[] shape) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, float[]> out = new LinkedHashMap<>();
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape);
             OrtSession.Result r = session.run(Map.of(inputName, t))) {
            for (Map.Entry<String, OnnxValue> e : r) {
                if (e.getValue() instanceof OnnxTensor ot && ot.getInfo().type == ai.onnxruntime.OnnxJavaType.FLOAT) {
                    FloatBuffer fb = ot.getFloatBuffer();
                    float[] f = new float[fb.remaining()];
                    fb.get(f);
                    out.put(e.getKey(), f);
                }
            }
        }
        return out;
    }

    /** Runs and discards the outputs (for timing). */
    public void runOnly(String inputName, OnnxTensor input) throws OrtException {
        try (OrtSession.Result r = session.run(Map.of(inputName, input))) {
            r.size();
        }
    }

    public long[] shapeOf(String output, String inputName, float[] input, long[] shape) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape);
             OrtSession.Result r = session.run(Map.of(inputName, t))) {
            return ((OnnxTensor) r.get(output).orElseThrow()).getInfo().getShape();
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }

    /** Standard-normal values, seeded. */
    public static float[] randomInput(long[] shape, long seed) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        Random r = new Random(seed);
        float[] f = new float[(int) n];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) r.nextGaussian();
        }
        return f;
    }

    /**
     * The error measure of the zoo tests: {@code max_i |a_i - b_i| / max(1e-6, max_i |b_i|)}, the
     * largest absolute difference relative to the reference tensor's largest magnitude (robust to
     * elements near zero, where an element-wise relative error is meaningless). NaN or a length
     * mismatch gives +infinity.
     */
    public static double relError(float[] a, float[] b) {
        if (a.length != b.length) {
            return Double.POSITIVE_INFINITY;
        }
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs((double) a[i] - b[i]);
            if (Double.isNaN(d)) {
                return Double.POSITIVE_INFINITY;
            }
            diff = Math.max(diff, d);
            scale = Math.max(scale, Math.abs(b[i]));
        }
        return diff / Math.max(1e-6, scale);
    }
}
