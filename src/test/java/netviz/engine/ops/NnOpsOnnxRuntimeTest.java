package netviz.engine.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import netviz.engine.Attribute;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Tensor;
import netviz.engine.ValueInfo;
import netviz.engine.Values;
import netviz.onnx.GraphBuilder;
import netviz.onnx.OnnxWriter;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The neural-network operators against ONNX Runtime on single-node models, for the attribute
 * combinations the upstream node tests leave out: batches of several examples, channel groups,
 * dilations, asymmetric pads with ceil_mode, count_include_pad both ways, SAME_* padding with even
 * kernels, 1-D and 3-D windows, MaxPool indices, opset-specific forms (Softmax before 13, Pad
 * attributes, axes and wrap). Max relative error 1e-4.
 */
class NnOpsOnnxRuntimeTest {

    /** One single-node model with random inputs. */
    static final class Case {
        final String name;
        final String op;
        final int opset;
        final GraphBuilder b;
        final Map<String, Tensor> feeds = new LinkedHashMap<>();
        final List<String> inputs = new ArrayList<>();
        final List<Attribute> attrs = new ArrayList<>();
        final List<ValueInfo> outputs = new ArrayList<>();
        final Random rnd;

        Case(String name, String op, int opset) {
            this.name = name;
            this.op = op;
            this.opset = opset;
            this.b = new GraphBuilder(name, opset);
            this.rnd = new Random(name.hashCode());
        }

        float[] random(long[] shape, float lo, float hi) {
            float[] v = new float[(int) Tensor.size(shape)];
            for (int i = 0; i < v.length; i++) {
                v[i] = lo + (hi - lo) * rnd.nextFloat();
            }
            return v;
        }

        /** A random float graph input. */
        Case in(String n, long... shape) {
            b.input(n, shape);
            feeds.put(n, Tensor.ofFloats(shape, random(shape, -2f, 2f)));
            inputs.add(n);
            return this;
        }

        /** A random float initializer in [lo, hi). */
        Case param(String n, float lo, float hi, long... shape) {
            b.initializer(n, Tensor.ofFloats(shape, random(shape, lo, hi)));
            inputs.add(n);
            return this;
        }

        Case init(String n, Tensor t) {
            b.initializer(n, t);
            inputs.add(n);
            return this;
        }

        Case skip() {
            inputs.add("");
            return this;
        }

        Case attr(Attribute a) {
            attrs.add(a);
            return this;
        }

        Case ints(String n, long... v) {
            return attr(Attribute.ofInts(n, v));
        }

        Case i(String n, long v) {
            return attr(Attribute.ofInt(n, v));
        }

        Case out(String n, Tensor.ElementType t) {
            outputs.add(new ValueInfo(n, t, null, List.of()));
            return this;
        }

        Graph build() {
            if (outputs.isEmpty()) {
                out("y", Tensor.ElementType.FLOAT);
            }
            b.node(op, "n", inputs, outputs.stream().map(ValueInfo::name).toList(), attrs.toArray(new Attribute[0]));
            outputs.forEach(b::output);
            return b.build();
        }
    }

    static Case c(String name, String op, int opset) {
        return new Case(name, op, opset);
    }

    static List<Case> cases() {
        List<Case> l = new ArrayList<>();
        // ---- Conv
        l.add(c("conv_groups_dilations_asym_pads", "Conv", 13).in("x", 2, 4, 9, 8).param("w", -1, 1, 6, 2, 3, 3)
                .param("b", -1, 1, 6).i("group", 2).ints("strides", 2, 1).ints("dilations", 2, 1)
                .ints("pads", 1, 0, 2, 1));
        l.add(c("conv_depthwise_same_upper", "Conv", 11).in("x", 2, 4, 7, 7).param("w", -1, 1, 4, 1, 3, 3)
                .i("group", 4).ints("strides", 2, 2).attr(Attribute.ofString("auto_pad", "SAME_UPPER")));
        l.add(c("conv_even_kernel_same_lower", "Conv", 11).in("x", 1, 3, 8, 7).param("w", -1, 1, 5, 3, 4, 4)
                .param("b", -1, 1, 5).ints("strides", 2, 2).attr(Attribute.ofString("auto_pad", "SAME_LOWER")));
        l.add(c("conv_even_kernel_same_upper", "Conv", 11).in("x", 1, 3, 8, 7).param("w", -1, 1, 5, 3, 2, 2)
                .attr(Attribute.ofString("auto_pad", "SAME_UPPER")));
        l.add(c("conv_dilated_strided_pads", "Conv", 11).in("x", 2, 3, 10, 9).param("w", -1, 1, 4, 3, 2, 3)
                .param("b", -1, 1, 4).ints("dilations", 3, 2).ints("strides", 2, 3).ints("pads", 2, 0, 1, 3));
        l.add(c("conv_valid_kernel_shape", "Conv", 7).in("x", 2, 3, 6, 6).param("w", -1, 1, 2, 3, 3, 2)
                .ints("kernel_shape", 3, 2).attr(Attribute.ofString("auto_pad", "VALID")));
        l.add(c("conv_1d", "Conv", 13).in("x", 2, 3, 11).param("w", -1, 1, 4, 3, 3).param("b", -1, 1, 4)
                .ints("pads", 2, 1).ints("strides", 2));
        l.add(c("conv_3d_asym", "Conv", 13).in("x", 1, 2, 5, 6, 4).param("w", -1, 1, 3, 2, 2, 3, 3)
                .param("b", -1, 1, 3).ints("pads", 1, 0, 1, 0, 2, 1));
        // ---- ConvTranspose
        l.add(c("convtranspose_groups_dilations_pads", "ConvTranspose", 13).in("x", 2, 4, 5, 4)
                .param("w", -1, 1, 4, 3, 3, 2).param("b", -1, 1, 6).i("group", 2).ints("strides", 2, 3)
                .ints("dilations", 2, 1).ints("pads", 1, 0, 2, 1).ints("output_padding", 1, 2));
        l.add(c("convtranspose_output_shape_same_lower", "ConvTranspose", 13).in("x", 1, 2, 4, 5)
                .param("w", -1, 1, 2, 3, 3, 3).ints("strides", 2, 2).ints("output_shape", 8, 11));
        l.add(c("convtranspose_same_upper", "ConvTranspose", 13).in("x", 2, 2, 3, 4)
                .param("w", -1, 1, 2, 2, 4, 3).ints("strides", 2, 3).attr(Attribute.ofString("auto_pad", "SAME_UPPER")));
        l.add(c("convtranspose_1d", "ConvTranspose", 13).in("x", 2, 3, 6).param("w", -1, 1, 3, 2, 4)
                .param("b", -1, 1, 2).ints("strides", 3).ints("pads", 1, 2));
        l.add(c("convtranspose_3d_depthwise", "ConvTranspose", 13).in("x", 1, 3, 3, 2, 3)
                .param("w", -1, 1, 3, 1, 2, 2, 2).i("group", 3).ints("strides", 2, 1, 2));
        // ---- MaxPool
        l.add(c("maxpool_resnet_stem", "MaxPool", 13).in("x", 2, 3, 12, 12).ints("kernel_shape", 3, 3)
                .ints("strides", 2, 2).ints("pads", 1, 1, 1, 1));
        l.add(c("maxpool_ceil_asym_pads", "MaxPool", 12).in("x", 2, 2, 7, 8).ints("kernel_shape", 3, 3)
                .ints("strides", 2, 2).ints("pads", 0, 1, 1, 0).i("ceil_mode", 1));
        l.add(c("maxpool_ceil_drop_last_window", "MaxPool", 12).in("x", 1, 2, 5, 5).ints("kernel_shape", 2, 2)
                .ints("strides", 2, 2).ints("pads", 1, 1, 1, 1).i("ceil_mode", 1));
        l.add(c("maxpool_dilated_pads", "MaxPool", 12).in("x", 2, 2, 9, 9).ints("kernel_shape", 3, 3)
                .ints("dilations", 2, 2).ints("pads", 1, 2, 1, 0));
        l.add(c("maxpool_dilated_ceil", "MaxPool", 12).in("x", 1, 2, 8, 9).ints("kernel_shape", 2, 2)
                .ints("dilations", 2, 2).ints("strides", 2, 2).i("ceil_mode", 1));
        l.add(c("maxpool_same_lower", "MaxPool", 11).in("x", 2, 2, 7, 6).ints("kernel_shape", 3, 2)
                .ints("strides", 2, 2).attr(Attribute.ofString("auto_pad", "SAME_LOWER")));
        l.add(c("maxpool_big_pads", "MaxPool", 11).in("x", 1, 2, 6, 6).ints("kernel_shape", 3, 3)
                .ints("pads", 2, 2, 2, 2));
        l.add(c("maxpool_indices", "MaxPool", 12).in("x", 2, 3, 7, 7).ints("kernel_shape", 3, 3)
                .ints("strides", 2, 2).ints("pads", 1, 0, 0, 1)
                .out("y", Tensor.ElementType.FLOAT).out("idx", Tensor.ElementType.INT64));
        l.add(c("maxpool_indices_dilated_ceil", "MaxPool", 12).in("x", 2, 2, 8, 7).ints("kernel_shape", 2, 2)
                .ints("strides", 2, 2).ints("dilations", 2, 1).i("ceil_mode", 1)
                .out("y", Tensor.ElementType.FLOAT).out("idx", Tensor.ElementType.INT64));
        l.add(c("maxpool_1d", "MaxPool", 12).in("x", 2, 3, 10).ints("kernel_shape", 3).ints("strides", 2)
                .ints("pads", 1, 1));
        l.add(c("maxpool_3d_ceil", "MaxPool", 12).in("x", 1, 2, 5, 6, 7).ints("kernel_shape", 2, 2, 2)
                .ints("strides", 2, 2, 2).i("ceil_mode", 1));
        // ---- AveragePool
        for (int cip = 0; cip <= 1; cip++) {
            l.add(c("avgpool_sym_pads_cip" + cip, "AveragePool", 11).in("x", 2, 3, 9, 9).ints("kernel_shape", 3, 3)
                    .ints("strides", 2, 2).ints("pads", 1, 1, 1, 1).i("count_include_pad", cip));
            l.add(c("avgpool_asym_pads_ceil_cip" + cip, "AveragePool", 11).in("x", 2, 2, 7, 8)
                    .ints("kernel_shape", 3, 3).ints("strides", 2, 2).ints("pads", 0, 1, 2, 0).i("ceil_mode", 1)
                    .i("count_include_pad", cip));
            l.add(c("avgpool_same_lower_cip" + cip, "AveragePool", 11).in("x", 2, 2, 7, 6)
                    .ints("kernel_shape", 3, 4).ints("strides", 2, 2).attr(Attribute.ofString("auto_pad", "SAME_LOWER"))
                    .i("count_include_pad", cip));
            l.add(c("avgpool_1d_cip" + cip, "AveragePool", 11).in("x", 2, 3, 10).ints("kernel_shape", 4)
                    .ints("strides", 3).ints("pads", 2, 1).i("count_include_pad", cip));
            l.add(c("avgpool_3d_cip" + cip, "AveragePool", 11).in("x", 1, 2, 5, 6, 5).ints("kernel_shape", 3, 3, 2)
                    .ints("strides", 2, 2, 2).ints("pads", 1, 1, 0, 1, 1, 1).i("count_include_pad", cip));
        }
        // ONNX Runtime departs from the ONNX reference for count_include_pad=1 when a ceil_mode window
        // runs past the padding or the window is dilated (PoolingReferenceTest covers those)
        l.add(c("avgpool_sym_pads_ceil_cip0", "AveragePool", 11).in("x", 1, 2, 6, 6)
                .ints("kernel_shape", 3, 3).ints("strides", 2, 2).ints("pads", 1, 1, 1, 1).i("ceil_mode", 1));
        l.add(c("avgpool_dilated_cip0", "AveragePool", 19).in("x", 2, 2, 9, 8).ints("kernel_shape", 3, 2)
                .ints("dilations", 2, 2).ints("pads", 1, 0, 2, 1));
        l.add(c("avgpool_ceil_no_pads", "AveragePool", 11).in("x", 2, 2, 7, 7).ints("kernel_shape", 3, 3)
                .ints("strides", 2, 2).i("ceil_mode", 1));
        // ---- global pools
        l.add(c("globalavgpool_1d", "GlobalAveragePool", 13).in("x", 2, 3, 7));
        l.add(c("globalmaxpool_3d", "GlobalMaxPool", 13).in("x", 2, 3, 4, 3, 5));
        l.add(c("globalavgpool_batch", "GlobalAveragePool", 13).in("x", 3, 4, 5, 6));
        // ---- normalization
        l.add(c("batchnorm_opset9_batch", "BatchNormalization", 9).in("x", 3, 4, 5, 6).param("s", -1, 1, 4)
                .param("bias", -1, 1, 4).param("mean", -1, 1, 4).param("var", 0.5f, 2f, 4));
        l.add(c("batchnorm_opset15_2d", "BatchNormalization", 15).in("x", 5, 4).param("s", -1, 1, 4)
                .param("bias", -1, 1, 4).param("mean", -1, 1, 4).param("var", 0.5f, 2f, 4)
                .attr(Attribute.ofFloat("epsilon", 1e-3f)));
        l.add(c("batchnorm_opset7_3d", "BatchNormalization", 7).in("x", 2, 3, 4, 3, 2).param("s", -1, 1, 3)
                .param("bias", -1, 1, 3).param("mean", -1, 1, 3).param("var", 0.5f, 2f, 3));
        l.add(c("instancenorm_1d", "InstanceNormalization", 6).in("x", 3, 4, 7).param("s", -1, 1, 4)
                .param("b", -1, 1, 4).attr(Attribute.ofFloat("epsilon", 1e-3f)));
        l.add(c("layernorm_axis1", "LayerNormalization", 17).in("x", 2, 3, 4, 5)
                .param("s", -1, 1, 3, 4, 5).param("b", -1, 1, 3, 4, 5).i("axis", 1)
                .out("y", Tensor.ElementType.FLOAT).out("mean", Tensor.ElementType.FLOAT)
                .out("inv", Tensor.ElementType.FLOAT));
        // ONNX Runtime implements odd sizes and 4-D inputs only (NnOpsTest covers the rest)
        for (int size : new int[] {1, 3, 5}) {
            l.add(c("lrn_size" + size, "LRN", 13).in("x", 2, 6, 4, 5).i("size", size)
                    .attr(Attribute.ofFloat("alpha", 0.3f)).attr(Attribute.ofFloat("beta", 0.75f))
                    .attr(Attribute.ofFloat("bias", 1.5f)));
        }
        // ---- fully connected
        l.add(c("gemm_fc", "Gemm", 13).in("a", 3, 5).param("w", -1, 1, 4, 5).param("c", -1, 1, 4).i("transB", 1));
        l.add(c("gemm_fc_row_bias", "Gemm", 9).in("a", 3, 5).param("w", -1, 1, 4, 5).param("c", -1, 1, 1, 4)
                .i("transB", 1));
        l.add(c("gemm_col_bias_all_attrs", "Gemm", 13).in("a", 5, 3).param("w", -1, 1, 5, 4).param("c", -1, 1, 3, 1)
                .i("transA", 1).attr(Attribute.ofFloat("alpha", 0.7f)).attr(Attribute.ofFloat("beta", -1.5f)));
        l.add(c("gemm_no_c", "Gemm", 11).in("a", 3, 5).in("bm", 4, 5).i("transB", 1)
                .attr(Attribute.ofFloat("alpha", 2f)));
        l.add(c("matmul_vec_mat", "MatMul", 13).in("a", 4).in("bm", 4, 3));
        l.add(c("matmul_mat_vec", "MatMul", 13).in("a", 2, 3, 4).in("bm", 4));
        l.add(c("matmul_broadcast", "MatMul", 13).in("a", 2, 1, 3, 4).in("bm", 5, 4, 2));
        l.add(c("flatten_axis3_rank3", "Flatten", 11).in("x", 2, 3, 4).i("axis", 3));
        l.add(c("flatten_opset9", "Flatten", 9).in("x", 2, 3, 4, 5).i("axis", 2));
        // ---- softmax
        for (String op : new String[] {"Softmax", "LogSoftmax"}) {
            l.add(c(op + "_opset11_axis1_4d", op, 11).in("x", 2, 3, 4, 5).i("axis", 1));
            l.add(c(op + "_opset11_default", op, 11).in("x", 2, 3, 4));
            l.add(c(op + "_opset11_axis0", op, 11).in("x", 2, 3, 4).i("axis", 0));
            l.add(c(op + "_opset13_axis1_4d", op, 13).in("x", 2, 3, 4, 5).i("axis", 1));
        }
        // ---- pad
        for (String mode : new String[] {"constant", "reflect", "edge"}) {
            l.add(c("pad_opset11_" + mode, "Pad", 11).in("x", 2, 3, 5, 6)
                    .init("pads", Tensor.ofLongs(new long[] {8}, 0, 1, 2, 3, 0, -1, 1, 2))
                    .attr(Attribute.ofString("mode", mode)));
            l.add(c("pad_opset2_" + mode, "Pad", 2).in("x", 2, 3, 5)
                    .ints("pads", 0, 2, 1, 1, 0, 4).attr(Attribute.ofFloat("value", 1.5f))
                    .attr(Attribute.ofString("mode", mode)));
            l.add(c("pad_opset18_axes_" + mode, "Pad", 18).in("x", 2, 3, 5, 6)
                    .init("pads", Tensor.ofLongs(new long[] {4}, 2, 1, 3, 2)).skip()
                    .init("axes", Tensor.ofLongs(new long[] {2}, -1, 1)).attr(Attribute.ofString("mode", mode)));
        }
        l.add(c("pad_crop_and_pad", "Pad", 13).in("x", 2, 3, 6, 5)
                .init("pads", Tensor.ofLongs(new long[] {8}, 0, -1, 2, -3, -1, 1, -2, 2)));
        l.add(c("pad_reflect_crop", "Pad", 13).in("x", 2, 3, 6, 5)
                .init("pads", Tensor.ofLongs(new long[] {8}, 0, 0, -2, 3, 0, 0, 2, -1))
                .attr(Attribute.ofString("mode", "reflect")));
        l.add(c("pad_constant_value", "Pad", 13).in("x", 2, 3, 4)
                .init("pads", Tensor.ofLongs(new long[] {6}, 1, 0, 2, 0, 3, 1))
                .init("v", Tensor.ofFloats(new long[] {}, -7f)));
        l.add(c("pad_wrap", "Pad", 19).in("x", 1, 2, 3, 4)
                .init("pads", Tensor.ofLongs(new long[] {8}, 0, 0, 2, 3, 0, 0, 1, 4))
                .attr(Attribute.ofString("mode", "wrap")));
        return l;
    }

    @TestFactory
    Stream<DynamicTest> matchesOnnxRuntime() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name, () -> check(c)));
    }

    static void check(Case c) throws Exception {
        Graph g = c.build();
        byte[] model = OnnxWriter.toBytes(g);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, double[]> want = new HashMap<>();
        Map<String, long[]> wantShape = new HashMap<>();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(1);
            try (OrtSession s = env.createSession(model, so)) {
                Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
                try {
                    for (Map.Entry<String, Tensor> e : c.feeds.entrySet()) {
                        feeds.put(e.getKey(), OnnxTensor.createTensor(env,
                                FloatBuffer.wrap(e.getValue().toFloatArray()), e.getValue().shape()));
                    }
                    try (OrtSession.Result r = s.run(feeds)) {
                        for (ValueInfo o : c.outputs) {
                            OnnxTensor t = (OnnxTensor) r.get(o.name()).orElseThrow();
                            wantShape.put(o.name(), t.getInfo().getShape());
                            want.put(o.name(), values(t));
                        }
                    }
                } finally {
                    feeds.values().forEach(OnnxTensor::close);
                }
            }
        }
        try (Interpreter it = Interpreter.of(g); NDManager m = it.newScope()) {
            Map<String, NDArray> feeds = new LinkedHashMap<>();
            c.feeds.forEach((k, v) -> feeds.put(k, v.toNDArray(m, null)));
            Values v = it.forward(m, feeds, List.of());
            for (ValueInfo o : c.outputs) {
                NDArray got = v.get(o.name());
                String what = c.name + " output " + o.name();
                assertArrayEquals(wantShape.get(o.name()), got.getShape().getShape(), what + ": shape");
                double[] w = want.get(o.name());
                double[] gv = Tensor.of(got).toDoubleArray();
                assertEquals(w.length, gv.length, what);
                for (int i = 0; i < w.length; i++) {
                    if (!(Math.abs(w[i] - gv[i]) <= 1e-5 + 1e-4 * Math.abs(w[i]))) {
                        fail(what + ": element " + i + " is " + gv[i] + ", ONNX Runtime gives " + w[i]);
                    }
                }
            }
        }
    }

    static double[] values(OnnxTensor t) {
        switch (t.getInfo().type) {
            case FLOAT: {
                FloatBuffer b = t.getFloatBuffer();
                double[] d = new double[b.remaining()];
                for (int i = 0; i < d.length; i++) {
                    d[i] = b.get(i);
                }
                return d;
            }
            case INT64: {
                LongBuffer b = t.getLongBuffer();
                double[] d = new double[b.remaining()];
                for (int i = 0; i < d.length; i++) {
                    d[i] = b.get(i);
                }
                return d;
            }
            case BOOL: {
                java.nio.ByteBuffer b = t.getByteBuffer();
                double[] d = new double[b.remaining()];
                for (int i = 0; i < d.length; i++) {
                    d[i] = b.get(i) != 0 ? 1 : 0;
                }
                return d;
            }
            default:
                throw new IllegalStateException("unexpected output type " + t.getInfo().type);
        }
    }
}
