package netviz.engine.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Tensor;
import netviz.engine.Values;
import netviz.onnx.OnnxLoader;
import netviz.onnx.TensorProtos;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The same upstream node tests as {@link NodeConformanceTest}, run by an interpreter computing in
 * FLOAT64: every operator must accept double-precision tensors (constants, casts and fills made
 * in the interpreter's precision) and give the same answers.
 */
class NodeConformanceFloat64Test {

    @TestFactory
    Stream<DynamicTest> nodeTestsInFloat64() throws IOException {
        return NodeConformanceTest.cases().stream()
                .map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> run(dir)));
    }

    static void run(Path dir) throws IOException {
        Graph g = OnnxLoader.load(dir.resolve("model.onnx"));
        try (Interpreter it = Interpreter.of(g, new Interpreter.Options(DataType.FLOAT64));
             NDManager m = it.newScope()) {
            Path data = dir.resolve("test_data_set_0");
            Map<String, NDArray> feeds = new LinkedHashMap<>();
            for (int i = 0; i < g.inputs().size(); i++) {
                Path f = data.resolve("input_" + i + ".pb");
                if (Files.exists(f)) {
                    Tensor t = TensorProtos.toTensor(OnnxMl.TensorProto.parseFrom(Files.readAllBytes(f)), data);
                    feeds.put(g.inputs().get(i).name(), t.toNDArray(m, DataType.FLOAT64));
                }
            }
            Values v = it.forward(m, feeds, List.of());
            for (int i = 0; i < g.outputs().size(); i++) {
                Path f = data.resolve("output_" + i + ".pb");
                Tensor want = TensorProtos.toTensor(OnnxMl.TensorProto.parseFrom(Files.readAllBytes(f)), data);
                NDArray got = v.get(g.outputs().get(i).name());
                String what = dir.getFileName() + " (float64) output " + g.outputs().get(i).name();
                assertArrayEquals(want.shape(), got.getShape().getShape(), what + ": shape");
                if (want.type().isFloatingPoint() && got.getDataType().isFloating()) {
                    assertArrayEquals(new Object[] {DataType.FLOAT64}, new Object[] {got.getDataType()}, what + ": type");
                }
                NodeConformanceTest.compare(want, Tensor.of(got), what);
            }
        }
    }
}
