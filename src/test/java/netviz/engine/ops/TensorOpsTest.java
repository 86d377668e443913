package netviz.engine.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import netviz.ModelFormatException;
import netviz.ShapeMismatchException;
import netviz.UnsupportedOperatorException;
import netviz.engine.Attribute;
import netviz.engine.Interpreter;
import netviz.engine.Tensor;
import netviz.engine.Values;
import netviz.onnx.GraphBuilder;
import org.junit.jupiter.api.Test;

/**
 * Hand-computed cases for the forms that neither the upstream node tests nor ONNX Runtime cover
 * (opsets 1-6: legacy broadcasting, string Cast targets, attribute-form Slice/Reshape), and the
 * load-time and run-time errors of the shape operators.
 */
class TensorOpsTest {

    /** Runs the graph and copies the requested tensors to the heap. */
    private static Map<String, Tensor> run(GraphBuilder b, Map<String, float[]> in, Map<String, long[]> shapes,
                                           String... outs) {
        try (Interpreter it = Interpreter.of(b.build()); NDManager m = it.newScope()) {
            Map<String, NDArray> feeds = new LinkedHashMap<>();
            in.forEach((k, v) -> feeds.put(k, m.create(v, new Shape(shapes.get(k)))));
            Values v = it.forward(m, feeds, List.of(outs));
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (String o : outs) {
                out.put(o, Tensor.of(v.get(o)));
            }
            return out;
        }
    }

    @Test
    void legacyBroadcastAtOpset6() {
        GraphBuilder b = new GraphBuilder("legacy", 6);
        String x = b.input("x", 2, 3, 2);
        String w = b.initializer("w", Tensor.ofFloats(new long[] {3}, 10, 20, 30));
        b.output(b.node("Mul", "mul", List.of(x, w), Attribute.ofInt("broadcast", 1), Attribute.ofInt("axis", 1)));
        float[] xs = new float[12];
        for (int i = 0; i < 12; i++) {
            xs[i] = i;
        }
        Map<String, Tensor> v = run(b, Map.of("x", xs), Map.of("x", new long[] {2, 3, 2}), "mul_out");
        assertArrayEquals(new float[] {0, 10, 40, 60, 120, 150, 60, 70, 160, 180, 300, 330},
                v.get("mul_out").toFloatArray(), 1e-6f);
    }

    @Test
    void opset1FormsOfCastSliceReshapeSqueeze() {
        GraphBuilder b = new GraphBuilder("old", 1);
        String x = b.input("x", 2, 4);
        String c = b.node("Cast", "cast", List.of(x), Attribute.ofString("to", "INT32"));
        String s = b.node("Slice", "slice", List.of(x), Attribute.ofInts("starts", 1, -3),
                Attribute.ofInts("ends", 2, 1000), Attribute.ofInts("axes", 0, 1));
        String r = b.node("Reshape", "reshape", List.of(s), Attribute.ofInts("shape", 0, -1, 1));
        b.node("Squeeze", "squeeze", List.of(r));
        b.output(c).output("squeeze_out");
        Map<String, Tensor> v = run(b, Map.of("x", new float[] {-1.5f, 2.5f, 3, 4, 5, 6, 7, 8.9f}),
                Map.of("x", new long[] {2, 4}), "cast_out", "reshape_out", "squeeze_out");
        assertEquals(Tensor.ElementType.INT32, v.get("cast_out").type());
        assertArrayEquals(new long[] {-1, 2, 3, 4, 5, 6, 7, 8}, v.get("cast_out").toLongArray());
        assertArrayEquals(new long[] {1, 3, 1}, v.get("reshape_out").shape());
        assertArrayEquals(new float[] {6, 7, 8.9f}, v.get("squeeze_out").toFloatArray(), 1e-6f);
    }

    @Test
    void unsupportedFormsFailAtLoadTime() {
        GraphBuilder str = new GraphBuilder("s", 13);
        str.output(str.node("Cast", "c", List.of(str.input("x", 2)), Attribute.ofInt("to", 8)));
        UnsupportedOperatorException e = assertThrows(UnsupportedOperatorException.class, () -> Interpreter.of(str.build()));
        assertTrue(e.getMessage().contains("node 'c'") && e.getMessage().contains("STRING"), e.getMessage());

        GraphBuilder f8 = new GraphBuilder("f8", 19);
        f8.output(f8.node("Cast", "c8", List.of(f8.input("x", 2)), Attribute.ofInt("to", 17)));
        e = assertThrows(UnsupportedOperatorException.class, () -> Interpreter.of(f8.build()));
        assertTrue(e.getMessage().contains("element type 17"), e.getMessage());

        GraphBuilder cs = new GraphBuilder("cs", 13);
        cs.output(cs.node("Constant", "k", List.of(), Attribute.ofString("value_string", "hi")));
        assertThrows(UnsupportedOperatorException.class, () -> Interpreter.of(cs.build()));

        GraphBuilder un = new GraphBuilder("un", 13);
        un.output(un.node("Unsqueeze", "u", List.of(un.input("x", 2)), Attribute.ofInts("axes", 0)));
        ModelFormatException m = assertThrows(ModelFormatException.class, () -> Interpreter.of(un.build()));
        assertTrue(m.getMessage().contains("'axes' input"), m.getMessage());

        GraphBuilder hs = new GraphBuilder("hs", 13);
        hs.output(hs.node("HardSwish", "h", List.of(hs.input("x", 2))));
        e = assertThrows(UnsupportedOperatorException.class, () -> Interpreter.of(hs.build()));
        assertTrue(e.getMessage().contains("14-22"), e.getMessage());
    }

    @Test
    void runTimeShapeErrorsNameTheNode() {
        GraphBuilder b = new GraphBuilder("g", 13);
        String x = b.input("x", 2, 3);
        b.output(b.node("Gather", "pick", List.of(x, b.initializer("i", Tensor.ofLongs(new long[] {1}, 3))),
                Attribute.ofInt("axis", 1)));
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> run(b, Map.of("x", new float[6]), Map.of("x", new long[] {2, 3}), "pick_out"));
        assertTrue(e.getMessage().contains("'pick'") && e.getMessage().contains("index 3 is out of range"),
                e.getMessage());

        GraphBuilder r = new GraphBuilder("r", 13);
        String y = r.input("x", 2, 3);
        r.output(r.node("Reshape", "rs", List.of(y, r.initializer("s", Tensor.ofLongs(new long[] {2}, 4, -1)))));
        e = assertThrows(ShapeMismatchException.class,
                () -> run(r, Map.of("x", new float[6]), Map.of("x", new long[] {2, 3}), "rs_out"));
        assertTrue(e.getMessage().contains("cannot reshape [2, 3]"), e.getMessage());
    }

    @Test
    void absurdRangeIsATypedErrorNotAnAllocation() {
        GraphBuilder b = new GraphBuilder("range", 13);
        String x = b.input("x", 1);
        String r = b.node("Range", "rg", List.of(b.initializer("a", Tensor.ofFloats(new long[0], 0f)),
                b.initializer("l", Tensor.ofFloats(new long[0], 1e30f)), b.initializer("d", Tensor.ofFloats(new long[0], 1f))));
        b.output(b.node("Add", "add", List.of(x, r)));
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> run(b, Map.of("x", new float[1]), Map.of("x", new long[] {1}), "add_out"));
        assertTrue(e.getMessage().contains("'rg'") && e.getMessage().contains("elements"), e.getMessage());
        GraphBuilder li = new GraphBuilder("rangeLong", 13);
        String y = li.input("x", 1);
        String rl = li.node("Range", "rl", List.of(li.initializer("a", Tensor.ofLongs(new long[0], Long.MIN_VALUE / 2)),
                li.initializer("l", Tensor.ofLongs(new long[0], Long.MAX_VALUE / 2 + 10)),
                li.initializer("d", Tensor.ofLongs(new long[0], Long.MAX_VALUE / 2))));
        li.output(li.node("Cast", "c", List.of(rl), Attribute.ofInt("to", 1)));
        li.output(li.node("Add", "add", List.of(y, y)));
        assertThrows(ShapeMismatchException.class,
                () -> run(li, Map.of("x", new float[1]), Map.of("x", new long[] {1}), "c_out"));
    }

    @Test
    void reshapeResolvesZeroAndMinusOne() {
        assertArrayEquals(new long[] {2, 3, 4}, Reshape.resolve(new long[] {2, 3, 4}, new long[] {0, 0, -1}, false));
        assertArrayEquals(new long[] {0, 24}, Reshape.resolve(new long[] {0, 24}, new long[] {0, 24}, true));
        assertArrayEquals(new long[] {8, 3}, Reshape.resolve(new long[] {2, 3, 4}, new long[] {-1, 0}, false));
        assertThrows(IllegalArgumentException.class, () -> Reshape.resolve(new long[] {2, 3}, new long[] {-1, -1}, false));
    }
}
