package netviz.methods.features;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Map;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import netviz.NetvizException;

/**
 * The scores {@code ‖b‖² − 2 b·a} of blocks of database rows b against blocks of query rows a, on ONNX
 * Runtime's SGEMM (MLAS), for {@link NearestNeighbors}: one graph {@code y = MatMul(b, qᵀ) + ‖b‖²} whose
 * left operand is a database block ({@code rows × d}) and whose right operand is the query block
 * ({@code d × m}, fed as {@code −2qᵀ}, exact in float), small enough for MLAS to pack per call. Beside the
 * scores {@code y} ({@code rows × m}) the graph returns their minimum over each group of {@value #GROUP}
 * consecutive rows for each query ({@code ReduceMin}, vectorised), so the Java scan compares one value in
 * {@value #GROUP} against a query's threshold and reads the scores of a group only where its minimum passes.
 * The session runs on one thread: the search runs one {@link Worker} per core, each scoring its own query
 * block, with no barrier between the cores.
 *
 * <p>Each worker copies the database block into a direct buffer it reuses rather than the search copying
 * the whole database once: fresh native memory costs a page fault per 4 KiB page, measured at about 150 ms
 * for a 51 MB copy on a 2-core VM, more than all the block copies together. Native memory: the session
 * (closed by {@link #close()}), the tensors (closed after each call, the query block's by
 * {@link Worker#close()}) and the workers' direct buffers (about 3 MB each at d = 128), kept for the next
 * search, at most one set per core.
 */
final class OrtDotBlocks implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    /** Database rows per group whose smallest score per query the graph returns beside the scores. */
    static final int GROUP = 16;

    private final float[] data;
    private final float[] norms2;
    private final int d;
    private final int n;
    final int blockRows;

    /**
     * A search over the {@code n = data.length / d} row-major rows of {@code data} with squared norms
     * {@code norms2}, in blocks of {@code blockRows} (a multiple of {@link #GROUP}).
     */
    OrtDotBlocks(float[] data, float[] norms2, int d, int blockRows) {
        if (blockRows % GROUP != 0) {
            throw new IllegalArgumentException("blocks of " + blockRows + " rows are not groups of " + GROUP);
        }
        this.d = d;
        this.n = data.length / d;
        this.blockRows = blockRows;
        this.data = data;
        this.norms2 = norms2;
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(1);
            o.setInterOpNumThreads(1);
            o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            o.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            session = env.createSession(model(d), o);
        } catch (OrtException e) {
            throw new NetvizException("ONNX Runtime refused the k-NN product graph: " + e.getMessage(), e);
        }
    }

    /** How many database blocks there are. */
    int blocks() {
        return (n + blockRows - 1) / blockRows;
    }

    /** The number of rows of database block {@code s}. */
    int rows(int s) {
        return Math.min(blockRows, n - s * blockRows);
    }

    /**
     * The graph {@code y = MatMul(b, q) + nb} for {@code b: rows × d}, {@code q: d × m}, {@code nb: rows × 1},
     * and {@code g = ReduceMin(Reshape(y, shape), axis 1)} with {@code shape = [rows / GROUP, GROUP, m]}: the
     * smallest score of each group of rows for each query.
     */
    private static byte[] model(int d) {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("knn_dot_block")
                .addInput(value("b", OnnxMl.TensorProto.DataType.FLOAT, "rows", d))
                .addInput(value("q", OnnxMl.TensorProto.DataType.FLOAT, d, "m"))
                .addInput(value("nb", OnnxMl.TensorProto.DataType.FLOAT, "rows", 1))
                .addInput(value("shape", OnnxMl.TensorProto.DataType.INT64, 3))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("MatMul").addInput("b").addInput("q").addOutput("p"))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Add").addInput("p").addInput("nb").addOutput("y"))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Reshape").addInput("y").addInput("shape").addOutput("grouped"))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("ReduceMin").addInput("grouped").addOutput("g")
                        .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("axes").setType(OnnxMl.AttributeProto.AttributeType.INTS).addInts(1))
                        .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("keepdims").setType(OnnxMl.AttributeProto.AttributeType.INT).setI(0)))
                .addOutput(value("y", OnnxMl.TensorProto.DataType.FLOAT, "rows", "m"))
                .addOutput(value("g", OnnxMl.TensorProto.DataType.FLOAT, "groups", "m"));
        return OnnxMl.ModelProto.newBuilder().setIrVersion(8).setGraph(g)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13)).build().toByteArray();
    }

    /** A tensor value; each dimension is a size (Integer) or a symbolic name (String). */
    private static OnnxMl.ValueInfoProto value(String name, OnnxMl.TensorProto.DataType type, Object... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (Object dim : dims) {
            shape.addDim(dim instanceof Integer size
                    ? OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(size)
                    : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam((String) dim));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type.getNumber())
                        .setShape(shape))).build();
    }

    /** Per-thread buffers for blocks of at most {@code maxQueries} queries; the caller closes it. */
    Worker worker(int maxQueries) {
        return new Worker(maxQueries);
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            // closing only releases native memory; nothing is left to do
        }
    }

    private OnnxTensor tensor(FloatBuffer b, int rows, int cols) {
        try {
            return OnnxTensor.createTensor(env, b, new long[] {rows, cols});
        } catch (OrtException e) {
            throw new NetvizException("ONNX Runtime refused a " + rows + " x " + cols + " k-NN tensor: " + e.getMessage(), e);
        }
    }

    /**
     * One thread's buffers: the database block, its norms and the query block (direct memory that ONNX
     * Runtime reads), the scores and their group minima (direct memory that ONNX Runtime writes into; the
     * minima are then copied to {@link #mins}, the scores read in place where a minimum calls for it).
     */
    final class Worker implements AutoCloseable {
        private final Scratch scratch;
        private final FloatBuffer block;
        private final FloatBuffer norms;
        private final FloatBuffer in;
        private final FloatBuffer out;
        private final FloatBuffer groupMins;
        private final LongBuffer shape;
        /** The last block's group minima: {@code mins[g * m + i]} is the smallest score of rows {@code g·GROUP..} for query i. */
        final float[] mins;
        private int m;
        private int groups;
        private OnnxTensor query;

        private Worker(int maxQueries) {
            scratch = Scratch.take(blockRows, d, maxQueries);
            block = scratch.block.clear();
            norms = scratch.norms.clear();
            in = scratch.in.clear();
            out = scratch.out.clear();
            groupMins = scratch.groupMins.clear();
            shape = scratch.shape.clear();
            mins = scratch.mins;
        }

        /** Sets the query block: rows {@code q0..q0+m} of {@code queries}, fed transposed as {@code −2qᵀ}. */
        void queries(float[] queries, int q0, int m) {
            closeQuery();
            this.m = m;
            in.clear();
            for (int c = 0; c < d; c++) {
                for (int i = q0; i < q0 + m; i++) {
                    in.put(-2f * queries[i * d + c]);
                }
            }
            in.flip();
            query = tensor(in, d, m);
        }

        /**
         * Scores database block {@code s} against the current query block: {@link #score} and {@link #mins}.
         * A last block short of a whole group is padded with zero rows of infinite norm (infinite scores).
         */
        void multiply(int s) {
            int sn = rows(s);
            groups = (sn + GROUP - 1) / GROUP;
            int padded = groups * GROUP;
            block.clear();
            block.put(data, s * blockRows * d, sn * d);
            norms.clear();
            norms.put(norms2, s * blockRows, sn);
            for (int j = sn; j < padded; j++) {
                block.put(new float[d]);
                norms.put(Float.POSITIVE_INFINITY);
            }
            block.flip();
            norms.flip();
            shape.clear();
            shape.put(groups).put(GROUP).put(m).flip();
            out.clear().limit(padded * m);
            groupMins.clear().limit(groups * m);
            try (OnnxTensor b = tensor(block, padded, d);
                 OnnxTensor nb = tensor(norms, padded, 1);
                 OnnxTensor sh = OnnxTensor.createTensor(env, shape, new long[] {3});
                 OnnxTensor y = tensor(out.slice(), padded, m);
                 OnnxTensor g = tensor(groupMins.slice(), groups, m);
                 OrtSession.Result r = session.run(Map.of("b", b, "q", query, "nb", nb, "shape", sh), Map.of("y", y, "g", g))) {
                groupMins.get(mins, 0, groups * m);
            } catch (OrtException e) {
                throw new NetvizException("ONNX Runtime failed on a k-NN product block: " + e.getMessage(), e);
            }
        }

        /** The number of row groups of the last block. */
        int groups() {
            return groups;
        }

        /** The last block's score {@code ‖b_j‖² − 2 b_j·a_i} of its row j for query i. */
        float score(int j, int i) {
            return out.get(j * m + i);
        }

        private void closeQuery() {
            if (query != null) {
                query.close();
                query = null;
            }
        }

        /** Closes the query block's tensor and gives the buffers back for the next search. */
        @Override
        public void close() {
            closeQuery();
            Scratch.give(scratch);
        }
    }

    /**
     * A worker's buffers, kept between searches (at most one set per core) instead of allocated per search:
     * direct memory is only returned when the garbage collector runs, so per-search buffers would pile up
     * over repeated calls, and fresh pages cost page faults. A set too small for a search is dropped and a
     * larger one made.
     */
    private static final class Scratch {
        private static final java.util.concurrent.ConcurrentLinkedDeque<Scratch> FREE = new java.util.concurrent.ConcurrentLinkedDeque<>();
        private static final int KEPT = Runtime.getRuntime().availableProcessors();

        final FloatBuffer block;
        final FloatBuffer norms;
        final FloatBuffer in;
        final FloatBuffer out;
        final FloatBuffer groupMins;
        final LongBuffer shape = ByteBuffer.allocateDirect(24).order(ByteOrder.nativeOrder()).asLongBuffer();
        final float[] mins;
        private final int rows;
        private final int queries;

        private Scratch(int rows, int d, int queries) {
            this.rows = rows;
            this.queries = queries;
            block = direct(rows * d);
            norms = direct(rows);
            in = direct(queries * d);
            out = direct(rows * queries);
            groupMins = direct(rows / GROUP * queries);
            mins = new float[rows / GROUP * queries];
        }

        private static FloatBuffer direct(int floats) {
            return ByteBuffer.allocateDirect(4 * floats).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }

        /** A kept set for blocks of {@code rows} rows of width {@code d} and {@code queries} queries, else a new one. */
        static Scratch take(int rows, int d, int queries) {
            for (Scratch s = FREE.pollFirst(); s != null; s = FREE.pollFirst()) {
                if (s.rows >= rows && s.queries >= queries && s.block.capacity() >= rows * d && s.in.capacity() >= queries * d) {
                    return s;
                }
            }
            return new Scratch(rows, d, queries);
        }

        static void give(Scratch s) {
            if (FREE.size() < KEPT) {
                FREE.addFirst(s);
            }
        }
    }
}
