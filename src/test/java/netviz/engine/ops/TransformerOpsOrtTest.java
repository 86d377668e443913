package netviz.engine.ops;

import static netviz.engine.ops.TensorOpsOrtTest.longs;
import static netviz.engine.ops.TensorOpsOrtTest.randomFloats;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import netviz.NetvizException;
import netviz.engine.Attribute;
import netviz.engine.Interpreter;
import netviz.engine.Tensor;
import netviz.onnx.GraphBuilder;
import netviz.engine.ops.TensorOpsOrtTest.Case;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The operators of transformer and modern-CNN exports in the forms the upstream node tests (ONNX
 * 1.12, opset 17 and below) do not reach: Gelu (opset 20), the Einsum patterns of attention,
 * Resize at opsets 10, 13, 18 and 19 with every coordinate mode exporters write, Upsample (7, 9), ScatterND with
 * reductions (16, 18), Mod, Dropout with training_mode and ratio 0. Each graph runs in netviz
 * (float32 and float64) and in ONNX Runtime; outputs agree to 1e-5 relative (integers exactly).
 */
class TransformerOpsOrtTest {

    static Tensor f(float v) {
        return Tensor.ofFloats(new long[0], v);
    }

    static List<Case> cases() {
        Random r = new Random(11);
        List<Case> c = new ArrayList<>();
        c.add(new Case("Gelu erf and tanh (opset 20)", 20, Map.of("x", randomFloats(r, 2, 5, 3)), b -> {
            b.node("Gelu", "g", List.of("x"));
            b.node("Gelu", "gt", List.of("x"), Attribute.ofString("approximate", "tanh"));
        }, List.of("g_out", "gt_out")));
        c.add(new Case("Einsum attention patterns (opset 13)", 13,
                Map.of("q", randomFloats(r, 2, 3, 4, 5), "k", randomFloats(r, 2, 3, 6, 5),
                        "m", randomFloats(r, 2, 4, 3), "n", randomFloats(r, 2, 3, 5)), b -> {
            String s = b.node("Einsum", "scores", List.of("q", "k"), Attribute.ofString("equation", "bhid,bhjd->bhij"));
            b.node("Einsum", "ctx", List.of(s, "k"), Attribute.ofString("equation", "bhij,bhjd->bhid"));
            b.node("Einsum", "bmm", List.of("m", "n"), Attribute.ofString("equation", "bij,bjk->bik"));
            b.node("Einsum", "ell", List.of("m", "n"), Attribute.ofString("equation", "...ij,...jk->...ik"));
            b.node("Einsum", "implicit", List.of("m", "n"), Attribute.ofString("equation", "bij,bjk"));
            b.node("Einsum", "tr", List.of("q"), Attribute.ofString("equation", "bhid -> bdih"));
            b.node("Einsum", "sum", List.of("q"), Attribute.ofString("equation", "bhid->bd"));
            b.node("Einsum", "outer", List.of("m", "n"), Attribute.ofString("equation", "bij,bkl->bjl"));
            b.node("Einsum", "three", List.of("m", "n", "n"), Attribute.ofString("equation", "bij,bjk,bjl->bikl"));
        }, List.of("scores_out", "ctx_out", "bmm_out", "ell_out", "implicit_out", "tr_out", "sum_out", "outer_out",
                "three_out")));
        Tensor img = randomFloats(r, 2, 3, 5, 7);
        c.add(new Case("Resize opset 10 (nearest and linear upsampling)", 10, Map.of("x", img), b -> {
            String s = b.initializer("s", Tensor.ofFloats(new long[] {4}, 1, 1, 2, 3));
            b.node("Resize", "near", List.of("x", s));
            b.node("Resize", "lin", List.of("x", s), Attribute.ofString("mode", "linear"));
        }, List.of("near_out", "lin_out")));
        c.add(new Case("Upsample opset 7 (scales attribute)", 7, Map.of("x", img), b -> {
            b.node("Upsample", "un", List.of("x"), Attribute.ofFloats("scales", 1, 1, 2, 3));
            b.node("Upsample", "ul", List.of("x"), Attribute.ofFloats("scales", 1, 1, 2, 2), Attribute.ofString("mode", "linear"));
        }, List.of("un_out", "ul_out")));
        c.add(new Case("Upsample opset 9 (scales input)", 9, Map.of("x", img), b -> {
            String s = b.initializer("s", Tensor.ofFloats(new long[] {4}, 1, 1, 3, 2));
            b.node("Upsample", "un", List.of("x", s));
            b.node("Upsample", "ul", List.of("x", s), Attribute.ofString("mode", "linear"));
        }, List.of("un_out", "ul_out")));
        c.add(new Case("Resize opset 13 (exporters' modes)", 13, Map.of("x", img), b -> {
            String roi = b.initializer("roi", Tensor.ofFloats(new long[] {8}, 0, 0, 0.1f, 0.2f, 1, 1, 0.9f, 0.7f));
            String up = b.initializer("up", Tensor.ofFloats(new long[] {4}, 1, 1, 2, 2));
            String down = b.initializer("down", Tensor.ofFloats(new long[] {4}, 1, 1, 0.5f, 0.6f));
            String sz = b.initializer("sz", longs(2, 3, 8, 4));
            b.node("Resize", "hp", List.of("x", "", up), Attribute.ofString("mode", "linear"));
            b.node("Resize", "pt", List.of("x", "", "", sz), Attribute.ofString("mode", "linear"),
                    Attribute.ofString("coordinate_transformation_mode", "pytorch_half_pixel"));
            b.node("Resize", "ac", List.of("x", "", up), Attribute.ofString("mode", "linear"),
                    Attribute.ofString("coordinate_transformation_mode", "align_corners"));
            b.node("Resize", "nn", List.of("x", "", up), Attribute.ofString("mode", "nearest"),
                    Attribute.ofString("coordinate_transformation_mode", "asymmetric"),
                    Attribute.ofString("nearest_mode", "floor"));
            b.node("Resize", "nnd", List.of("x", "", down), Attribute.ofString("mode", "nearest"));
            b.node("Resize", "crop", List.of("x", roi, "", sz), Attribute.ofString("mode", "linear"),
                    Attribute.ofString("coordinate_transformation_mode", "tf_crop_and_resize"),
                    Attribute.ofFloat("extrapolation_value", 2.5f));
        }, List.of("hp_out", "pt_out", "ac_out", "nn_out", "nnd_out", "crop_out")));
        c.add(new Case("Resize opset 18 not_larger", 18, Map.of("x", img), b -> {
            String sz = b.initializer("sz", longs(9, 9));
            b.node("Resize", "nl", List.of("x", "", "", sz), Attribute.ofInts("axes", 2, 3),
                    Attribute.ofString("keep_aspect_ratio_policy", "not_larger"), Attribute.ofString("mode", "linear"));
        }, List.of("nl_out")));
        c.add(new Case("Resize opset 19 half_pixel_symmetric", 19, Map.of("x", img), b -> {
            String sc = b.initializer("sc", Tensor.ofFloats(new long[] {2}, 1.5f, 0.7f));
            b.node("Resize", "sym", List.of("x", "", sc), Attribute.ofInts("axes", 2, 3), Attribute.ofString("mode", "linear"),
                    Attribute.ofString("coordinate_transformation_mode", "half_pixel_symmetric"));
        }, List.of("sym_out")));
        c.add(new Case("Resize opset 18 scales on all axes", 18, Map.of("x", img), b -> {
            String sc = b.initializer("sc", Tensor.ofFloats(new long[] {4}, 1, 1, 1.5f, 0.7f));
            b.node("Resize", "all", List.of("x", "", sc), Attribute.ofString("mode", "linear"));
        }, List.of("all_out")));
        c.add(new Case("ScatterND none/add/mul/max/min (opset 18)", 18, Map.of("x", randomFloats(r, 4, 3, 2),
                "u", randomFloats(r, 3, 2)), b -> {
            String idx = b.initializer("idx", Tensor.ofLongs(new long[] {3, 2}, 0, 1, 3, 2, -4, 1));
            String uniq = b.initializer("uniq", Tensor.ofLongs(new long[] {3, 2}, 0, 1, 3, 2, 2, 0));
            b.node("ScatterND", "none", List.of("x", uniq, "u"));
            for (String red : List.of("add", "mul", "max", "min")) {
                b.node("ScatterND", red, List.of("x", idx, "u"), Attribute.ofString("reduction", red));
            }
            String rows = b.initializer("rows", Tensor.ofLongs(new long[] {1, 1}, 2));
            String slab = b.initializer("slab", Tensor.ofFloats(new long[] {1, 3, 2}, 1, 2, 3, 4, 5, 6));
            b.node("ScatterND", "slice", List.of("x", rows, slab));
        }, List.of("none_out", "add_out", "mul_out", "max_out", "min_out", "slice_out")));
        c.add(new Case("Mod (opset 13), Dropout training_mode with ratio 0, LayerNormalization 3-D (opset 17)", 17,
                Map.of("a", Tensor.ofLongs(new long[] {2, 3}, -7, 7, -8, 9, -9, 0), "x", randomFloats(r, 2, 4, 6)), b -> {
            b.node("Mod", "imod", List.of("a", b.initializer("d", longs(3, -4, 5))));
            b.node("Mod", "ifmod", List.of("a", "d"), Attribute.ofInt("fmod", 1));
            b.node("Mod", "fmod", List.of("x", b.initializer("fd", Tensor.ofFloats(new long[] {6}, 0.3f, -0.4f, 0.7f, 1, -1, 2))),
                    Attribute.ofInt("fmod", 1));
            b.node("Dropout", "drop", List.of("x", b.initializer("ratio", f(0)),
                    b.initializer("train", MathOpsGradientTest.boolScalar())));
            b.node("LayerNormalization", "ln", List.of("x", b.initializer("g", randomFloats(r, 6)),
                    b.initializer("bias", randomFloats(r, 6))), Attribute.ofInt("axis", -1), Attribute.ofFloat("epsilon", 1e-6f));
        }, List.of("imod_out", "ifmod_out", "fmod_out", "drop_out", "ln_out")));
        return c;
    }

    @TestFactory
    Stream<DynamicTest> agreesWithOnnxRuntime() {
        return cases().stream().map(k -> DynamicTest.dynamicTest(k.name(), () -> TensorOpsOrtTest.check(k)));
    }

    /**
     * keep_aspect_ratio_policy not_smaller (ONNX Runtime 1.23 crashes on it): sizes (8, 8) of a 4 × 6
     * image give one scale max(8/4, 8/6) = 2, so the result is the 8 × 12 resize with scales (2, 2),
     * which the cases above check against ONNX Runtime.
     */
    @Test
    void notSmallerIsTheResizeWithTheLargerScale() {
        Tensor x = randomFloats(new Random(3), 1, 2, 4, 6);
        GraphBuilder a = new GraphBuilder("ns", 18);
        a.input("x", 1, 2, 4, 6);
        a.output(a.node("Resize", "ns", List.of("x", "", "", a.initializer("sz", longs(8, 8))),
                Attribute.ofInts("axes", 2, 3), Attribute.ofString("keep_aspect_ratio_policy", "not_smaller"),
                Attribute.ofString("mode", "linear")));
        GraphBuilder b = new GraphBuilder("sc", 18);
        b.input("x", 1, 2, 4, 6);
        b.output(b.node("Resize", "sc", List.of("x", "", b.initializer("s", Tensor.ofFloats(new long[] {4}, 1, 1, 2, 2))),
                Attribute.ofString("mode", "linear")));
        try (Interpreter ia = Interpreter.of(a.build()); Interpreter ib = Interpreter.of(b.build());
             NDManager m = ia.newScope()) {
            ai.djl.ndarray.NDArray ya = ia.forward(m, Map.of("x", x.toNDArray(m, null)), List.of()).get("ns_out");
            ai.djl.ndarray.NDArray yb = ib.forward(m, Map.of("x", x.toNDArray(m, null)), List.of()).get("sc_out");
            org.junit.jupiter.api.Assertions.assertEquals(new ai.djl.ndarray.types.Shape(1, 2, 8, 12), ya.getShape());
            org.junit.jupiter.api.Assertions.assertArrayEquals(yb.toFloatArray(), ya.toFloatArray(), 1e-6f);
        }
    }

    /** Dropout in training mode with a non-zero ratio is one clear error; a diagonal Einsum is refused at load. */
    @Test
    void refusals() {
        GraphBuilder b = new GraphBuilder("drop", 13);
        b.input("x", 2, 3);
        b.output(b.node("Dropout", "drop", List.of("x", b.initializer("ratio", f(0.1f)),
                b.initializer("train", MathOpsGradientTest.boolScalar()))));
        try (Interpreter it = Interpreter.of(b.build()); NDManager m = it.newScope()) {
            NetvizException e = assertThrows(NetvizException.class, () -> it.forward(m,
                    Map.of("x", m.ones(new ai.djl.ndarray.types.Shape(2, 3))), List.of()));
            assertTrue(e.getMessage().contains("training_mode=true") && !e.getMessage().contains("\n"), e.getMessage());
        }
        GraphBuilder d = new GraphBuilder("diag", 13);
        d.input("x", 3, 3);
        d.output(d.node("Einsum", "tr", List.of("x"), Attribute.ofString("equation", "ii->i")));
        NetvizException e = assertThrows(NetvizException.class, () -> Interpreter.of(d.build()).close());
        assertTrue(e.getMessage().contains("repeats 'i'"), e.getMessage());
    }
}
