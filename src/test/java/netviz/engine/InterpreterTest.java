package netviz.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import netviz.ShapeMismatchException;
import netviz.UnknownNameException;
import netviz.onnx.GraphBuilder;
import org.junit.jupiter.api.Test;

public class InterpreterTest {

    /** x (1,4) -> a = x + b -> r = relu(a) -> s = r + a : hand-computable. */
    public static Graph tiny() {
        GraphBuilder g = new GraphBuilder("tiny", 13);
        String x = g.input("x", 1, 4);
        String b = g.initializer("b", Tensor.ofFloats(new long[] {4}, 1f, -2f, 0.5f, -0.25f));
        String a = g.node("Add", "add1", List.of(x, b));
        String r = g.node("Relu", "relu1", List.of(a));
        String s = g.node("Add", "add2", List.of(r, a));
        g.output(s);
        return g.build();
    }

    @Test
    void forwardTapsAndHandComputedValues() {
        try (Interpreter it = Interpreter.of(tiny()); NDManager m = it.newScope()) {
            NDArray x = m.create(new float[] {1f, 1f, -1f, 1f}, new ai.djl.ndarray.types.Shape(1, 4));
            Values v = it.forward(m, x, "relu1");
            // a = [2, -1, -0.5, 0.75]; r = [2, 0, 0, 0.75]; s = [4, -1, -0.5, 1.5]
            assertArrayEquals(new float[] {4f, -1f, -0.5f, 1.5f}, v.get("add2_out").toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {2f, 0f, 0f, 0.75f}, v.get("relu1_out").toFloatArray(), 1e-6f);
            assertEquals("relu1_out", it.graph().resolveTensor("relu1"));
        }
    }

    @Test
    void gradientModesAgreeAndRulesOverride() {
        try (Interpreter it = Interpreter.of(tiny()); NDManager m = it.newScope()) {
            NDArray x = m.create(new float[] {1f, 1f, -1f, 1f}, new ai.djl.ndarray.types.Shape(1, 4));
            Objective o = Objective.sum("add2_out");
            Gradients auto = it.gradient(m, Map.of("x", x), o, List.of("x", "add1_out"));
            // ds/dx = relu'(a) + 1 = [2, 1, 1, 2]
            assertArrayEquals(new float[] {2f, 1f, 1f, 2f}, auto.wrt("x").toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {2f, 1f, 1f, 2f}, auto.wrt("add1_out").toFloatArray(), 1e-6f);
            assertEquals(4.0, auto.objective(), 1e-6);
            Gradients rule = it.backward(m, Map.of("x", x), o, List.of("x", "add1_out"), BackwardRules.none());
            assertArrayEquals(auto.wrt("x").toFloatArray(), rule.wrt("x").toFloatArray(), 1e-6f);
            assertArrayEquals(auto.wrt("add1_out").toFloatArray(), rule.wrt("add1_out").toFloatArray(), 1e-6f);
            BackwardRules zeroRelu = BackwardRules.none().with("Relu",
                    ctx -> new NDArray[] {ctx.gradOutputs()[0].zerosLike()});
            Gradients z = it.backward(m, Map.of("x", x), o, List.of("x"), zeroRelu);
            assertArrayEquals(new float[] {1f, 1f, 1f, 1f}, z.wrt("x").toFloatArray(), 1e-6f);
            // the override applied to that call only
            Gradients again = it.backward(m, Map.of("x", x), o, List.of("x"), BackwardRules.none());
            assertArrayEquals(new float[] {2f, 1f, 1f, 2f}, again.wrt("x").toFloatArray(), 1e-6f);
        }
    }

    @Test
    void badInputsAreNamed() {
        try (Interpreter it = Interpreter.of(tiny()); NDManager m = it.newScope()) {
            NDArray wrong = m.zeros(new ai.djl.ndarray.types.Shape(1, 5));
            ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> it.forward(m, wrong));
            assertEquals("input 'x' has shape [1, 5] but the model expects [1, 4]", e.getMessage());
            NDArray x = m.zeros(new ai.djl.ndarray.types.Shape(1, 4));
            UnknownNameException u = assertThrows(UnknownNameException.class, () -> it.forward(m, x, "relu"));
            assertEquals("relu1", u.suggestions().get(0));
        }
    }
}
