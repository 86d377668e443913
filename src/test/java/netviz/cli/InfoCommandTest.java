package netviz.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import netviz.engine.Graph;
import netviz.engine.Tensor;
import netviz.onnx.GraphBuilder;
import netviz.onnx.OnnxWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InfoCommandTest {
    @TempDir
    Path dir;

    /** x (N,3) + b1 (3) → relu → + b2 (2,3) broadcast: 3 + 6 = 9 float parameters, plus an int64 constant that is not one. */
    static Graph small() {
        GraphBuilder g = new GraphBuilder("small", 13);
        String x = g.input("x", -1, 3);
        String b1 = g.initializer("b1", Tensor.ofFloats(new long[] {3}, 1f, 2f, 3f));
        String b2 = g.initializer("b2", Tensor.ofFloats(new long[] {2, 3}, 1f, 2f, 3f, 4f, 5f, 6f));
        String a = g.node("Add", "add1", List.of(x, b1));
        String r = g.node("Relu", "relu1", List.of(a));
        String s = g.node("Add", "add2", List.of(r, b2));
        g.output(s);
        g.metadata("netviz.labels", "[\"a\",\"b\",\"c\"]");
        return g.build();
    }

    @Test
    void jsonHasLayersShapesAndParameterTotal() throws Exception {
        Path m = dir.resolve("small.onnx");
        OnnxWriter.write(small(), m);
        Cli.Result r = Cli.run("info", "--model", m.toString(), "--json");
        assertEquals(0, r.code(), r.toString());
        JsonNode doc = new ObjectMapper().readTree(r.out());
        JsonNode s = doc.get("summary");
        assertEquals(9, s.get("parameters").asLong());
        assertEquals(3, s.get("layers").size());
        JsonNode add2 = s.get("layers").get(2);
        assertEquals("add2", add2.get("name").asText());
        assertEquals("Add", add2.get("operator").asText());
        assertEquals(6, add2.get("parameters").asLong());
        // symbolic batch measured as 1, then broadcast against (2,3)
        assertEquals("[2,3]", add2.get("outputShapes").get(0).toString());
        assertEquals("[1,3]", s.get("layers").get(0).get("outputShapes").get(0).toString());
        assertEquals("[\"a\",\"b\",\"c\"]", s.get("metadata").get("netviz.labels").asText());
    }

    @Test
    void inputShapeOptionChangesMeasuredShapes() throws Exception {
        Path m = dir.resolve("small.onnx");
        OnnxWriter.write(small(), m);
        Cli.Result r = Cli.run("info", "--model", m.toString(), "--input-shape", "2,3");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("relu1_out  [2, 3]"), r.out());
        assertTrue(r.out().contains("parameters     9"), r.out());
    }

    @Test
    void wrongInputShapeIsOneLineAndExitTwo() throws Exception {
        Path m = dir.resolve("small.onnx");
        OnnxWriter.write(small(), m);
        Cli.Result r = Cli.run("info", "--model", m.toString(), "--input-shape", "1,4");
        assertEquals(2, r.code(), r.toString());
        assertEquals("netviz: error: input 'x' has shape [1, 4] but the model expects [N, 3]\n", r.err());
        assertEquals("", r.out());
    }
}
