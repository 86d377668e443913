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
import com.google.protobuf.ByteString;
import netviz.NetvizException;

/**
 * The dot products {@code −2 a·b} of blocks of query rows with blocks of database rows, on ONNX Runtime's
 * SGEMM (MLAS), for {@link NearestNeighbors}: the database is cut into blocks of {@code blockRows} rows and
 * each block, transposed ({@code d × rows}), is the constant right operand of its own one-node ONNX graph
 * {@code y = MatMul(q, bᵀ)}, so ONNX Runtime packs it once for its kernel when the session starts. Each
 * session runs on one thread: the search runs one {@link Worker} per core, each multiplying its own query
 * block and scanning the result while it is still in cache, with no barrier between the cores.
 *
 * <p>The queries are fed multiplied by −2 (exact in float), so a block of products plus {@code ‖b‖²} orders
 * the rows like their squared distances. The sessions hold a copy of the database in native memory until
 * {@link #close()}.
 */
final class OrtDotBlocks implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession[] sessions;
    private final int d;
    private final int n;
    final int blockRows;

    /** Sessions over the {@code n = data.length / d} row-major rows of {@code data}, in blocks of {@code blockRows}. */
    OrtDotBlocks(float[] data, int d, int blockRows) {
        this.d = d;
        this.n = data.length / d;
        this.blockRows = blockRows;
        this.sessions = new OrtSession[(n + blockRows - 1) / blockRows];
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(1);
            o.setInterOpNumThreads(1);
            o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            o.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            for (int s = 0; s < sessions.length; s++) {
                sessions[s] = env.createSession(model(data, s * blockRows, rows(s)), o);
            }
        } catch (OrtException e) {
            close();
            throw new NetvizException("ONNX Runtime refused the k-NN product graph: " + e.getMessage(), e);
        }
    }

    /** How many database blocks there are. */
    int blocks() {
        return sessions.length;
    }

    /** The number of rows of database block {@code s}. */
    int rows(int s) {
        return Math.min(blockRows, n - s * blockRows);
    }

    /** The graph {@code y = MatMul(q, bᵀ)} with database rows {@code s0..s0+sn} transposed as the constant bᵀ. */
    private byte[] model(float[] data, int s0, int sn) {
        ByteBuffer raw = ByteBuffer.allocate(4 * d * sn).order(ByteOrder.LITTLE_ENDIAN);
        FloatBuffer f = raw.asFloatBuffer();
        for (int c = 0; c < d; c++) {
            for (int j = 0; j < sn; j++) {
                f.put(data[(s0 + j) * d + c]);
            }
        }
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("knn_dot_block")
                .addInput(matrix("q", -1, d))
                .addInitializer(OnnxMl.TensorProto.newBuilder().setName("bt").addDims(d).addDims(sn)
                        .setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE).setRawData(ByteString.copyFrom(raw.array())))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("MatMul").addInput("q").addInput("bt").addOutput("y"))
                .addOutput(matrix("y", -1, sn));
        return OnnxMl.ModelProto.newBuilder().setIrVersion(8).setGraph(g)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13)).build().toByteArray();
    }

    private static OnnxMl.ValueInfoProto matrix(String name, long rows, long cols) {
        OnnxMl.TensorShapeProto.Dimension r = rows < 0
                ? OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("m").build()
                : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(rows).build();
        OnnxMl.TensorShapeProto.Dimension c = OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(cols).build();
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(OnnxMl.TensorProto.DataType.FLOAT_VALUE)
                        .setShape(OnnxMl.TensorShapeProto.newBuilder().addDim(r).addDim(c)))).build();
    }

    /** Per-thread buffers for blocks of at most {@code maxQueries} queries. */
    Worker worker(int maxQueries) {
        return new Worker(maxQueries);
    }

    @Override
    public void close() {
        for (OrtSession s : sessions) {
            if (s != null) {
                try {
                    s.close();
                } catch (OrtException e) {
                    // closing releases native memory only; nothing left to do
                }
            }
        }
    }

    /**
     * One thread's buffers: the query block (direct memory that ONNX Runtime reads) and the product block
     * (direct memory that ONNX Runtime writes into, then copied to {@link #products}).
     */
    final class Worker {
        private final FloatBuffer in;
        private final FloatBuffer out;
        /** The last block's products, {@code m × rows(s)} row-major. */
        final float[] products;
        private int m;
        private OnnxTensor query;

        private Worker(int maxQueries) {
            in = ByteBuffer.allocateDirect(4 * maxQueries * d).order(ByteOrder.nativeOrder()).asFloatBuffer();
            out = ByteBuffer.allocateDirect(4 * maxQueries * blockRows).order(ByteOrder.nativeOrder()).asFloatBuffer();
            products = new float[maxQueries * blockRows];
        }

        /** Sets the query block: rows {@code q0..q0+m} of {@code queries}, fed as {@code −2q}. */
        void queries(float[] queries, int q0, int m) {
            closeQuery();
            this.m = m;
            in.clear();
            for (int t = q0 * d; t < (q0 + m) * d; t++) {
                in.put(-2f * queries[t]);
            }
            in.flip();
            query = tensor(in, m, d);
        }

        /** {@code products[i * rows(s) + j] = −2 q_i · b_{s·blockRows + j}} for the current query block. */
        void multiply(int s) {
            int sn = rows(s);
            out.clear().limit(m * sn);
            try (OnnxTensor y = tensor(out.slice(), m, sn);
                 OrtSession.Result r = sessions[s].run(Map.of("q", query), Map.of("y", y))) {
                out.get(products, 0, m * sn);
            } catch (OrtException e) {
                throw new NetvizException("ONNX Runtime failed on a k-NN product block: " + e.getMessage(), e);
            }
        }

        private OnnxTensor tensor(FloatBuffer b, int rows, int cols) {
            try {
                return OnnxTensor.createTensor(env, b, new long[] {rows, cols});
            } catch (OrtException e) {
                throw new NetvizException("ONNX Runtime refused a " + rows + " x " + cols + " tensor: " + e.getMessage(), e);
            }
        }

        private void closeQuery() {
            if (query != null) {
                query.close();
                query = null;
            }
        }

        /** Closes the query tensor (the direct buffers are left to the garbage collector). */
        void release() {
            closeQuery();
        }
    }
}
