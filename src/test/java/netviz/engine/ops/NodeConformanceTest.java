package netviz.engine.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Node;
import netviz.engine.Tensor;
import netviz.engine.Values;
import netviz.onnx.OnnxLoader;
import netviz.onnx.TensorProtos;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The official ONNX backend node tests (copied from Debian's libonnx-testdata, Apache-2.0, by
 * scripts/import-onnx-node-tests.sh into src/test/resources/onnx-node): every case runs through the
 * interpreter and must match the expected outputs (rtol 1e-3, atol 1e-5 for floating types, as
 * the ONNX backend runner; integers and booleans exactly).
 */
class NodeConformanceTest {
    static final Path ROOT = Path.of("src/test/resources/onnx-node");
    /** Registered operators that the upstream node tests do not cover (checked by other tests). */
    static final Set<String> NO_UPSTREAM_CASE = Set.of(
            "Gelu"); // opset 20, newer than the ONNX 1.12 test data; checked against ONNX Runtime in NewOpsOrtTest

    private static int passed;

    static List<Path> cases() throws IOException {
        if (!Files.isDirectory(ROOT)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(ROOT)) {
            return s.filter(p -> Files.isRegularFile(p.resolve("model.onnx"))).sorted().collect(Collectors.toList());
        }
    }

    @TestFactory
    Stream<DynamicTest> nodeTests() throws IOException {
        return cases().stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> run(dir)));
    }

    static void run(Path dir) throws IOException {
        Graph g = OnnxLoader.load(dir.resolve("model.onnx"));
        try (Interpreter it = Interpreter.of(g); NDManager m = it.newScope()) {
            Path data = dir.resolve("test_data_set_0");
            Map<String, NDArray> feeds = new LinkedHashMap<>();
            for (int i = 0; i < g.inputs().size(); i++) {
                Path f = data.resolve("input_" + i + ".pb");
                if (!Files.exists(f)) {
                    continue;
                }
                Tensor t = TensorProtos.toTensor(OnnxMl.TensorProto.parseFrom(Files.readAllBytes(f)), data);
                feeds.put(g.inputs().get(i).name(), t.toNDArray(m, null));
            }
            Values v = it.forward(m, feeds, List.of());
            for (int i = 0; i < g.outputs().size(); i++) {
                Path f = data.resolve("output_" + i + ".pb");
                Tensor want = TensorProtos.toTensor(OnnxMl.TensorProto.parseFrom(Files.readAllBytes(f)), data);
                NDArray got = v.get(g.outputs().get(i).name());
                String what = dir.getFileName() + " output " + g.outputs().get(i).name();
                assertArrayEquals(want.shape(), got.getShape().getShape(), what + ": shape");
                compare(want, Tensor.of(got), what);
            }
        }
        synchronized (NodeConformanceTest.class) {
            passed++;
        }
    }

    static void compare(Tensor want, Tensor got, String what) {
        double[] w = want.toDoubleArray();
        double[] g = got.toDoubleArray();
        assertEquals(w.length, g.length, what + ": size");
        boolean exact = !want.type().isFloatingPoint();
        for (int i = 0; i < w.length; i++) {
            if (Double.isNaN(w[i]) && Double.isNaN(g[i])) {
                continue;
            }
            if (w[i] == g[i]) {
                continue;
            }
            double tol = exact ? 0 : 1e-5 + 1e-3 * Math.abs(w[i]);
            if (!(Math.abs(w[i] - g[i]) <= tol)) {
                fail(what + ": element " + i + " is " + g[i] + ", expected " + w[i]);
            }
        }
    }

    /** Every operator the registry claims has at least one upstream case (unless listed above). */
    @Test
    void everyRegisteredOperatorHasConformanceCases() throws IOException {
        Set<String> covered = new TreeSet<>();
        for (Path dir : cases()) {
            for (Node n : OnnxLoader.load(dir.resolve("model.onnx")).nodes()) {
                covered.add(n.opType());
            }
        }
        List<String> missing = new ArrayList<>();
        for (OpDef d : OpRegistry.get().all()) {
            if (!covered.contains(d.opType()) && !NO_UPSTREAM_CASE.contains(d.opType())) {
                missing.add(d.opType());
            }
        }
        assertTrue(missing.isEmpty(), "operators without conformance cases: " + missing);
    }

    @AfterAll
    static void report() {
        System.out.println("ONNX node conformance: " + passed + " cases passed");
    }
}
