package netviz.methods.features;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import netviz.NetvizException;

/**
 * The dot products {@code −2 b·a} of blocks of database rows b with blocks of query rows a, on ONNX
 * Runtime's SGEMM (MLAS), for {@link NearestNeighbors}: one graph {@code y = MatMul(b, qᵀ)} whose left
 * operand is a database block ({@code rows × d}) and whose right operand is the query block ({@code d × m},
 * fed as {@code −2qᵀ}, exact in float), small enough for MLAS to pack per call. The result {@code y}
 * ({@code rows × m}) holds, for each database row, its products with every query of the block side by side,
 * so the scan that follows compares a row against all the queries' thresholds in one pass. The session runs
 * on one thread: the search runs one {@link Worker} per core, each multiplying its own query block and
 * scanning the result while it is in cache, with no barrier between the cores.
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
    private final float[] data;
    private final int d;
    private final int n;
    final int blockRows;

    /** A search over the {@code n = data.length / d} row-major rows of {@code data}, in blocks of {@code blockRows}. */
    OrtDotBlocks(float[] data, int d, int blockRows) {
        this.d = d;
        this.n = data.length / d;
        this.blockRows = blockRows;
        this.data = data;
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

    /** The graph {@code y = MatMul(b, q)} for {@code b: rows × d} and {@code q: d × m}. */
    private static byte[] model(int d) {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("knn_dot_block")
                .addInput(matrix("b", "rows", d))
                .addInput(matrix("q", d, "m"))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("MatMul").addInput("b").addInput("q").addOutput("y"))
                .addOutput(matrix("y", "rows", "m"));
        return OnnxMl.ModelProto.newBuilder().setIrVersion(8).setGraph(g)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13)).build().toByteArray();
    }

    /** A float matrix value; each dimension is a size (Integer) or a symbolic name (String). */
    private static OnnxMl.ValueInfoProto matrix(String name, Object rows, Object cols) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (Object dim : new Object[] {rows, cols}) {
            shape.addDim(dim instanceof Integer size
                    ? OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(size)
                    : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam((String) dim));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(OnnxMl.TensorProto.DataType.FLOAT_VALUE)
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
     * One thread's buffers: the database block and the query block (direct memory that ONNX Runtime reads)
     * and the product block (direct memory that ONNX Runtime writes into, then copied to {@link #products}).
     */
    final class Worker implements AutoCloseable {
        private final Scratch scratch;
        private final FloatBuffer block;
        private final FloatBuffer in;
        private final FloatBuffer out;
        /** The last product block: {@code products[j * m + i] = −2 b_j · a_i} for the block's rows j. */
        final float[] products;
        private int m;
        private OnnxTensor query;

        private Worker(int maxQueries) {
            scratch = Scratch.take(blockRows * d, maxQueries * d, maxQueries * blockRows);
            block = scratch.block.clear();
            in = scratch.in.clear();
            out = scratch.out.clear();
            products = scratch.products;
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

        /** Fills {@link #products} for database block {@code s} and the current query block. */
        void multiply(int s) {
            int sn = rows(s);
            block.clear();
            block.put(data, s * blockRows * d, sn * d).flip();
            out.clear().limit(sn * m);
            try (OnnxTensor b = tensor(block, sn, d);
                 OnnxTensor y = tensor(out.slice(), sn, m);
                 OrtSession.Result r = session.run(Map.of("b", b, "q", query), Map.of("y", y))) {
                out.get(products, 0, sn * m);
            } catch (OrtException e) {
                throw new NetvizException("ONNX Runtime failed on a k-NN product block: " + e.getMessage(), e);
            }
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
        final FloatBuffer in;
        final FloatBuffer out;
        final float[] products;

        private Scratch(int blockFloats, int inFloats, int outFloats) {
            block = direct(blockFloats);
            in = direct(inFloats);
            out = direct(outFloats);
            products = new float[outFloats];
        }

        private static FloatBuffer direct(int floats) {
            return ByteBuffer.allocateDirect(4 * floats).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }

        /** A kept set with at least these capacities (in floats), else a new one. */
        static Scratch take(int blockFloats, int inFloats, int outFloats) {
            for (Scratch s = FREE.pollFirst(); s != null; s = FREE.pollFirst()) {
                if (s.block.capacity() >= blockFloats && s.in.capacity() >= inFloats && s.out.capacity() >= outFloats) {
                    return s;
                }
            }
            return new Scratch(blockFloats, inFloats, outFloats);
        }

        static void give(Scratch s) {
            if (FREE.size() < KEPT) {
                FREE.addFirst(s);
            }
        }
    }
}
