package netviz.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import netviz.ModelFormatException;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Tensor;
import netviz.engine.Values;
import netviz.onnx.OnnxLoader;
import netviz.onnx.OnnxWriter;
import netviz.onnx.TensorProtos;
import netviz.zoo.ModelZoo.ZooModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forms in which exporters store a model's tensors, each loaded and checked against the plain
 * raw_data form (and against ONNX Runtime where values are computed): initializers stored as
 * external data in a file beside the model, graph inputs that are also initializers (IR version
 * 3 exporters list every weight as an input), and initializers in the typed fields float_data,
 * double_data, int32_data and int64_data.
 */
public class LoaderFormsTest {
    @TempDir
    Path dir;

    @Test
    void externalDataBesideTheModelLoadsTheSameTensorsAndOutputs() throws Exception {
        ZooModel z = ModelZoo.mobilenetV2(11, 1);
        OnnxMl.ModelProto inline = OnnxWriter.toProto(z.graph(), "test");
        OnnxMl.ModelProto ext = LoaderFuzzTest.externalize(inline, dir.resolve("model.onnx.data"), "model.onnx.data");
        assertTrue(ext.getGraph().getInitializerList().stream().allMatch(t -> t.getRawData().isEmpty()));
        Path file = dir.resolve("model.onnx");
        Files.write(file, ext.toByteArray());
        assertTrue(Files.size(file) < Files.size(dir.resolve("model.onnx.data")), "weights really are outside");

        Graph a = OnnxLoader.load(inline.toByteArray(), null, "inline");
        Graph b = OnnxLoader.load(file);
        assertEquals(a.initializers().keySet(), b.initializers().keySet());
        for (String k : a.initializers().keySet()) {
            assertEquals(a.initializers().get(k).data(), b.initializers().get(k).data(), k);
            assertArrayEquals(a.initializers().get(k).shape(), b.initializers().get(k).shape(), k);
        }
        assertArrayEquals(forward(a, z), forward(b, z), 0f);

        // the same file without its data file: a typed error naming the missing file
        Files.delete(dir.resolve("model.onnx.data"));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> OnnxLoader.load(file));
        assertTrue(e.getMessage().contains("model.onnx.data") && e.getMessage().contains("missing"), e.getMessage());
        // and loaded from bytes, with no folder to look in
        ModelFormatException e2 = assertThrows(ModelFormatException.class,
                () -> OnnxLoader.load(ext.toByteArray(), null, "bytes"));
        assertTrue(e2.getMessage().contains("external"), e2.getMessage());
    }

    @Test
    void graphInputsThatAreInitializersAreParametersWithDefaults() throws Exception {
        ZooModel z = ModelZoo.resnetV1(11, 2);
        OnnxMl.ModelProto.Builder m = OnnxWriter.toProto(z.graph(), "test").toBuilder();
        for (OnnxMl.TensorProto t : m.getGraph().getInitializerList()) {
            OnnxMl.TypeProto.Tensor.Builder tt = OnnxMl.TypeProto.Tensor.newBuilder().setElemType(t.getDataType());
            OnnxMl.TensorShapeProto.Builder s = OnnxMl.TensorShapeProto.newBuilder();
            t.getDimsList().forEach(d -> s.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d)));
            m.getGraphBuilder().addInput(OnnxMl.ValueInfoProto.newBuilder().setName(t.getName())
                    .setType(OnnxMl.TypeProto.newBuilder().setTensorType(tt.setShape(s))));
        }
        m.setIrVersion(3);
        byte[] bytes = m.build().toByteArray();
        Graph g = OnnxLoader.load(bytes, null, "ir3");
        assertEquals(List.of(z.input()), g.inputs().stream().map(v -> v.name()).toList(),
                "only the image is an input the caller must feed");
        assertArrayEquals(forward(z.graph(), z), forward(g, z), 0f);

        // feeding an initializer that is also an input overrides it, as ONNX specifies
        String gemm = z.logits();
        String bias = g.producer(gemm).input(2);
        float[] x = Ort.randomInput(z.inputShape(), 5);
        try (Interpreter it = Interpreter.of(g); NDManager s = it.newScope()) {
            NDArray in = s.create(x, new Shape(z.inputShape()));
            float[] c = g.initializers().get(bias).toFloatArray();
            float[] with = it.forward(s, Map.of(z.input(), in), List.of(gemm)).get(gemm).toFloatArray();
            NDArray zero = s.zeros(new Shape(c.length));
            float[] without = it.forward(s, Map.of(z.input(), in, bias, zero), List.of(gemm)).get(gemm).toFloatArray();
            for (int i = 0; i < with.length; i++) {
                assertEquals(with[i] - c[i % c.length], without[i], 1e-5f);
            }
            // and ONNX Runtime agrees on the overridden value
            try (Ort ort = Ort.of(bytes, 1, ai.onnxruntime.OrtSession.SessionOptions.OptLevel.NO_OPT)) {
                float[] ref = ort.run(z.input(), x, z.inputShape()).get(gemm);
                assertTrue(Ort.relError(with, ref) <= 1e-4);
            }
        }
    }

    @Test
    void typedFieldInitializersEqualRawData() throws Exception {
        // y = Reshape((x + Cast(d)) * Cast(i32), shape), with d double, i32 int32 and shape int64
        netviz.onnx.GraphBuilder b = new netviz.onnx.GraphBuilder("typed", 13);
        String x = b.input("x", 2, 6);
        String w = b.initializer("w", Tensor.ofFloats(new long[] {6}, 0.5f, -1f, 2f, 0.25f, -3f, 1.5f));
        String d = b.initializer("d", Tensor.ofDoubles(new long[] {6}, 1.0, -0.5, 1e-3, 2.5, -7.25, 0.125));
        String i32 = b.initializer("i32", Tensor.ofInts(new long[] {6}, 3, -2, 0, 7, 1, -5));
        String shape = b.initializer("shape", Tensor.ofLongs(new long[] {3}, 3, -1, 2));
        String df = b.node("Cast", "cast_d", List.of(d), netviz.engine.Attribute.ofInt("to", 1));
        String inf = b.node("Cast", "cast_i", List.of(i32), netviz.engine.Attribute.ofInt("to", 1));
        String s1 = b.node("Add", "add", List.of(x, df));
        String s2 = b.node("Mul", "mul", List.of(s1, inf));
        String s3 = b.node("Mul", "mul_w", List.of(s2, w));
        String y = b.node("Reshape", "reshape", List.of(s3, shape));
        b.output(y);
        Graph g = b.build();
        OnnxMl.ModelProto raw = OnnxWriter.toProto(g, "test");
        OnnxMl.ModelProto.Builder typed = raw.toBuilder();
        for (OnnxMl.TensorProto.Builder t : typed.getGraphBuilder().getInitializerBuilderList()) {
            Tensor v = TensorProtos.toTensor(t.build(), null);
            t.clearRawData();
            switch (v.type()) {
                case FLOAT: for (float f : v.toFloatArray()) { t.addFloatData(f); } break;
                case DOUBLE: for (double f : v.toDoubleArray()) { t.addDoubleData(f); } break;
                case INT32: for (long f : v.toLongArray()) { t.addInt32Data((int) f); } break;
                case INT64: for (long f : v.toLongArray()) { t.addInt64Data(f); } break;
                default: throw new AssertionError(v.type());
            }
        }
        byte[] bytes = typed.build().toByteArray();
        Graph a = OnnxLoader.load(raw.toByteArray(), null, "raw");
        Graph t = OnnxLoader.load(bytes, null, "typed");
        for (String k : List.of("w", "d", "i32", "shape")) {
            assertEquals(a.initializers().get(k).type(), t.initializers().get(k).type(), k);
            assertEquals(a.initializers().get(k).data(), t.initializers().get(k).data(), k);
        }
        assertArrayEquals(new double[] {1.0, -0.5, 1e-3, 2.5, -7.25, 0.125}, t.initializers().get("d").toDoubleArray());
        assertArrayEquals(new long[] {3, -2, 0, 7, 1, -5}, t.initializers().get("i32").toLongArray());

        float[] in = Ort.randomInput(new long[] {2, 6}, 9);
        float[] ours;
        long[] ourShape;
        try (Interpreter it = Interpreter.of(t); NDManager s = it.newScope()) {
            NDArray out = it.forward(s, s.create(in, new Shape(2, 6))).get(y);
            ours = out.toFloatArray();
            ourShape = out.getShape().getShape();
        }
        try (Ort ort = Ort.of(bytes, 1, ai.onnxruntime.OrtSession.SessionOptions.OptLevel.NO_OPT)) {
            float[] ref = ort.run("x", in, new long[] {2, 6}).get(y);
            assertTrue(Ort.relError(ours, ref) <= 1e-6, "typed-field model differs from ONNX Runtime");
            assertArrayEquals(ort.shapeOf(y, "x", in, new long[] {2, 6}), ourShape);
        }
        assertArrayEquals(new long[] {3, 2, 2}, ourShape);
    }

    private static float[] forward(Graph g, ZooModel z) {
        float[] x = Ort.randomInput(z.inputShape(), 5);
        try (Interpreter it = Interpreter.of(g); NDManager s = it.newScope()) {
            Values v = it.forward(s, s.create(x, new Shape(z.inputShape())));
            return v.get(z.logits()).toFloatArray();
        }
    }
}
