package netviz.engine;

import static netviz.engine.Attribute.ofInt;
import static netviz.engine.Attribute.ofInts;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import netviz.ShapeMismatchException;
import netviz.engine.ModelSummary.Layer;
import netviz.engine.ModelSummary.Summary;
import netviz.onnx.GraphBuilder;
import org.junit.jupiter.api.Test;

class ModelSummaryTest {
    static Tensor random(Random r, long... shape) {
        float[] v = new float[(int) Tensor.size(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return Tensor.ofFloats(shape, v);
    }

    /**
     * x (N,3,8,8) → conv1 (4 filters 3×3, pad 1, bias) → relu → conv2 (depthwise, group 4, 3×3,
     * stride 2) → flatten → gemm (transB, 36→5, bias) → matmul (5→2).
     */
    static Graph cnn() {
        Random r = new Random(3);
        GraphBuilder g = new GraphBuilder("cnn", 13);
        String x = g.input("x", -1, 3, 8, 8);
        String w1 = g.initializer("w1", random(r, 4, 3, 3, 3));
        String b1 = g.initializer("b1", random(r, 4));
        String c1 = g.node("Conv", "conv1", List.of(x, w1, b1), ofInts("kernel_shape", 3, 3), ofInts("pads", 1, 1, 1, 1));
        String a1 = g.node("Relu", "relu1", List.of(c1));
        String w2 = g.initializer("w2", random(r, 4, 1, 3, 3));
        String c2 = g.node("Conv", "conv2", List.of(a1, w2), ofInt("group", 4), ofInts("strides", 2, 2));
        String f = g.node("Flatten", "flatten", List.of(c2));
        String w3 = g.initializer("w3", random(r, 5, 36));
        String b3 = g.initializer("b3", random(r, 5));
        String fc = g.node("Gemm", "fc", List.of(f, w3, b3), ofInt("transB", 1));
        String w4 = g.initializer("w4", random(r, 5, 2));
        String out = g.node("MatMul", "head", List.of(fc, w4));
        g.output(out);
        return g.build();
    }

    @Test
    void handComputedShapesParametersAndMultiplyAdds() {
        Summary s = ModelSummary.of(cnn());
        assertTrue(s.shapesMeasured(), s.shapeProblem());
        List<Layer> l = s.layers();
        assertEquals(List.of("conv1", "relu1", "conv2", "flatten", "fc", "head"), l.stream().map(Layer::name).toList());
        assertArrayEquals(new long[] {1, 4, 8, 8}, l.get(0).outputShapes().get(0));
        assertArrayEquals(new long[] {1, 4, 3, 3}, l.get(2).outputShapes().get(0));
        assertArrayEquals(new long[] {1, 36}, l.get(3).outputShapes().get(0));
        assertArrayEquals(new long[] {1, 2}, l.get(5).outputShapes().get(0));
        // parameters: 4·3·3·3 + 4 | 4·1·3·3 | 5·36 + 5 | 5·2
        assertArrayEquals(new long[] {112, 0, 36, 0, 185, 10}, l.stream().mapToLong(Layer::parameters).toArray());
        assertEquals(343, s.parameters());
        // MACs: |Y|·C_in/g·k² = 256·27 | 36·9 | |Y|·K = 5·36 | 2·5
        assertArrayEquals(new long[] {6912, 0, 324, 0, 180, 10}, l.stream().mapToLong(Layer::multiplyAdds).toArray());
        assertEquals(7426, s.multiplyAdds());
        assertEquals("FLOAT", l.get(0).outputTypes().get(0));
    }

    @Test
    void givenInputShapeScalesWithTheBatch() {
        Summary s = ModelSummary.of(cnn(), new long[] {2, 3, 8, 8});
        assertEquals(2 * 7426, s.multiplyAdds());
        assertEquals(343, s.parameters());
        assertArrayEquals(new long[] {2, 4, 8, 8}, s.layers().get(0).outputShapes().get(0));
        // a larger image: conv1 16×16, conv2 7×7 → flatten 196 no longer fits the Gemm: the model rejects it
        assertThrows(netviz.NetvizException.class, () -> ModelSummary.of(cnn(), new long[] {1, 3, 16, 16}));
        assertThrows(ShapeMismatchException.class, () -> ModelSummary.of(cnn(), new long[] {1, 3, 8}));
        assertThrows(ShapeMismatchException.class, () -> ModelSummary.of(cnn(), new long[] {1, 3, 0, 8}));
    }

    @Test
    void sharedInitializerCountsOnceAndIntegerConstantsAreNotParameters() {
        GraphBuilder g = new GraphBuilder("shared", 13);
        String x = g.input("x", 1, 4);
        String b = g.initializer("b", Tensor.ofFloats(new long[] {4}, 1, 2, 3, 4));
        String shape = g.initializer("shape", Tensor.ofLongs(new long[] {2}, 2, 2));
        String a = g.node("Add", "add1", List.of(x, b));
        String a2 = g.node("Add", "add2", List.of(a, b));
        g.output(g.node("Reshape", "reshape", List.of(a2, shape)));
        Summary s = ModelSummary.of(g.build());
        assertEquals(4, s.parameters());
        assertEquals(4, s.layers().get(0).parameters());
        assertEquals(0, s.layers().get(1).parameters());
        assertEquals(0, s.layers().get(2).parameters());
        assertArrayEquals(new long[] {2, 2}, s.layers().get(2).outputShapes().get(0));
    }

    @Test
    void unrunnableDeclaredShapeGivesAStructureOnlySummary() {
        // height and width symbolic: measured as 1×1, too small for an unpadded 3×3 convolution
        GraphBuilder g = new GraphBuilder("symbolic", 13);
        String x = g.input("x", -1, 1, -1, -1);
        String w = g.initializer("w", Tensor.ofFloats(new long[] {1, 1, 3, 3}, new float[9]));
        g.output(g.node("Conv", "conv", List.of(x, w), ofInts("kernel_shape", 3, 3)));
        Graph graph = g.build();
        Summary s = ModelSummary.of(graph);
        assertFalse(s.shapesMeasured());
        assertNotNull(s.shapeProblem());
        assertEquals(1, s.layers().size());
        assertEquals(9, s.parameters());
        assertEquals(null, s.layers().get(0).outputShapes().get(0));
        Summary given = ModelSummary.of(graph, new long[] {1, 1, 5, 5});
        assertArrayEquals(new long[] {1, 1, 3, 3}, given.layers().get(0).outputShapes().get(0));
        assertEquals(81, given.multiplyAdds());
    }

    @Test
    void resnet18MatchesTorchvisionsPublishedCounts() {
        // torchvision's ResNet-18: 11,689,512 parameters (its model card); multiply-adds of the convolutions
        // and the classifier at 224×224, summed layer by layer from the architecture: 1,814,073,344 (≈ 1.81 G,
        // the "GFLOPS 1.81" of the model card)
        Summary s = ModelSummary.of(netviz.zoo.ModelZoo.resnet18(13).graph());
        assertTrue(s.shapesMeasured(), s.shapeProblem());
        assertEquals(11_689_512L, s.parameters());
        assertEquals(1_814_073_344L, s.multiplyAdds());
        Layer last = s.layers().get(s.layers().size() - 1);
        assertArrayEquals(new long[] {1, 1000}, last.outputShapes().get(last.outputShapes().size() - 1));
    }
}
