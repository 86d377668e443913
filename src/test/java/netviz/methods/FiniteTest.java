package netviz.methods;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import netviz.InputFormatException;
import netviz.NonFiniteResultException;
import netviz.ShapeMismatchException;
import netviz.engine.Attribute;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Tensor;
import netviz.methods.attribution.Saliency;
import netviz.methods.attribution.Target;
import netviz.methods.neurons.ActivationMaximization;
import netviz.methods.unit.Units;
import netviz.onnx.GraphBuilder;
import netviz.render.Colormap;
import netviz.render.Images;
import netviz.render.ScatterPlot;
import netviz.render.ValueRange;
import org.junit.jupiter.api.Test;

/**
 * {@link Finite} itself (hand-made arrays), and the library paths that use it where the CLI tests
 * do not reach: a run that goes non-finite only after some steps, an empty batch given to a method,
 * and the renderers refusing non-finite data.
 */
class FiniteTest {

    @Test
    void checkPassesFiniteArraysAndNamesTheFirstBadValue() {
        float[] ok = {0, -1, 3.5f, Float.MAX_VALUE};
        assertSame(ok, Finite.check(ok, "ok"));
        float[] v = new float[24];
        v[13] = Float.NaN;
        v[20] = Float.POSITIVE_INFINITY;
        NonFiniteResultException e = assertThrows(NonFiniteResultException.class,
                () -> Finite.check(v, new long[] {2, 3, 4}, "the map"));
        // 13 = 1*12 + 0*4 + 1
        assertEquals("the map is not finite (NaN at index [1, 0, 1]; 2 of 24 values); " + Finite.HINT, e.getMessage());
        assertEquals(NonFiniteResultException.EXIT_CODE, e.exitCode());
        assertEquals(1, e.exitCode(), "not the user's fault: exit code 1");
        e = assertThrows(NonFiniteResultException.class, () -> Finite.check(new float[] {1, Float.NEGATIVE_INFINITY}, "x"));
        assertTrue(e.getMessage().startsWith("x is not finite (-Infinity at index 1; 1 of 2 values)"), e.getMessage());
        e = assertThrows(NonFiniteResultException.class,
                () -> Finite.checkPerImage(new double[] {0.5, 0.2, Double.NaN}, "the score"));
        assertTrue(e.getMessage().startsWith("the score is NaN for image 2 (of 3); "), e.getMessage());
        assertEquals(2.0, Finite.check(2.0, "a number"));
        assertEquals(-1, Finite.firstNonFinite(new double[] {1, 2}));
        assertEquals(1, Finite.firstNonFinite(new float[] {1, Float.NaN, 2}, 1, 2));
    }

    @Test
    void nonFiniteInputIsAUserError() {
        float[] v = new float[2 * 1 * 2 * 2];
        Finite.requireInput(v, new long[] {2, 1, 2, 2}, "input 'x.npy'");
        v[6] = Float.NaN;
        InputFormatException e = assertThrows(InputFormatException.class,
                () -> Finite.requireInput(v, new long[] {2, 1, 2, 2}, "input 'x.npy'"));
        assertEquals("input 'x.npy' holds NaN at index [1, 0, 1, 0] (1 of 8 values are not finite); netviz takes "
                + "finite numbers only", e.getMessage());
        assertEquals(2, e.exitCode());
    }

    /**
     * f(x) = −sqrt(1 − mean(x)): ascending it raises every pixel by the step (0.05 from zeros), so
     * mean(x) reaches 1 after 20 steps and the gradient −1/(2 sqrt(1 − mean)) · ∂mean/∂x turns
     * infinite or NaN there; the run must stop at that step, not at the first, and not later.
     */
    @Test
    void activationMaximizationStopsAtTheStepWhereItTurnsNonFinite() {
        GraphBuilder g = new GraphBuilder("cliff", 13);
        String x = g.input("x", -1, 1, 4, 4);
        String flat = g.node("Flatten", "flatten", List.of(x));
        float[] w = new float[16];
        Arrays.fill(w, 1f / 16);
        String mean = g.node("Gemm", "mean", List.of(flat, g.initializer("w", Tensor.ofFloats(new long[] {1, 16}, w))),
                Attribute.ofInt("transB", 1));
        String rest = g.node("Sub", "rest", List.of(g.initializer("one", Tensor.ofFloats(new long[] {1}, 1f)), mean));
        String f = g.node("Neg", "f", List.of(g.node("Sqrt", "sqrt", List.of(rest))));
        g.output(f);
        Graph graph = g.build();
        try (Interpreter ip = Interpreter.of(graph)) {
            ActivationMaximization am = new ActivationMaximization(ip, new float[] {0f}, new float[] {0.25f});
            NonFiniteResultException e = assertThrows(NonFiniteResultException.class,
                    () -> am.run(Units.repeat(f, 0, null, 1), ActivationMaximization.Options.defaults().withIterations(50),
                            null));
            Matcher m = Pattern.compile("^activation maximization of '" + f + "' unit 0 became non-finite at step (\\d+)"
                    + " of 50 \\(objective (-?[0-9.E-]+|NaN|-?Infinity)").matcher(e.getMessage());
            assertTrue(m.find(), e.getMessage());
            int step = Integer.parseInt(m.group(1));
            assertTrue(step >= 20 && step <= 22, "the cliff is at step 20-21: " + e.getMessage());
        }
    }

    @Test
    void anEmptyBatchIsRefusedByTheMethodsThemselves() {
        try (Interpreter ip = Interpreter.of(netviz.methods.attribution.AttributionModels.cnn(3, 1, false));
             NDManager m = ip.newScope()) {
            ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                    () -> new Saliency(ip).attribute(m.zeros(new Shape(0, 1, 8, 8)), Target.predicted()));
            assertEquals("saliency needs at least one image; the batch [0, 1, 8, 8] is empty", e.getMessage());
        }
    }

    @Test
    void renderersRefuseNonFiniteData() {
        float[] map = new float[12];
        map[7] = Float.NaN;
        NonFiniteResultException e = assertThrows(NonFiniteResultException.class,
                () -> Images.colorize(map, 3, 4, new ValueRange(0, 1), Colormap.MAGMA));
        assertTrue(e.getMessage().startsWith("cannot draw a 3 x 4 picture of values that are not finite (NaN at row 1,"
                + " column 3)"), e.getMessage());
        assertThrows(NonFiniteResultException.class, () -> Images.fromPlanes(map, 1, 3, 4, null));
        assertThrows(NonFiniteResultException.class, () -> Images.overlay(
                new java.awt.image.BufferedImage(8, 6, java.awt.image.BufferedImage.TYPE_INT_RGB), map, 3, 4,
                new ValueRange(0, 1), Colormap.MAGMA, 0.5, true));
        e = assertThrows(NonFiniteResultException.class,
                () -> ValueRange.of(Double.NaN, 1, "the occlusion map of class 3"));
        assertTrue(e.getMessage().startsWith("cannot draw the occlusion map of class 3: its value range needs finite "
                + "bounds, not [NaN, 1.0]"), e.getMessage());
        e = assertThrows(NonFiniteResultException.class, () -> ScatterPlot.render(new double[] {0, 0, 1, Double.NaN},
                new int[] {0, 1}, List.of("a", "b"), ScatterPlot.Options.defaults("map")));
        assertTrue(e.getMessage().startsWith("cannot draw a map of points whose coordinates are not finite (point 1 has NaN)"),
                e.getMessage());
        // finite data still draws
        map[7] = 0.5f;
        assertEquals(4, Images.colorize(map, 3, 4, new ValueRange(0, 1), Colormap.MAGMA).getWidth());
    }
}
