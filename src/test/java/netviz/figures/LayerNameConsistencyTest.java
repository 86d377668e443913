package netviz.figures;

import static netviz.figures.Surfaces.MODEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import netviz.NetvizException;
import netviz.Progress;
import netviz.session.Picture;
import netviz.session.Session;
import org.junit.jupiter.api.Test;

/**
 * The neuron page's top images, its facets and the layer page's statistics of the bundled model's
 * {@code conv2} read one and the same tensor, the Conv output before its ReLU, and their numbers are
 * three statistics of it, checked against a brute-force pass over the images: top images rank by a
 * channel's largest value over positions (equal to the layer statistics' {@code max}); the layer's
 * image firing rate counts images whose largest value is &gt; 0 (nearly all of them); facets count
 * images whose mean over positions is &gt; 0 (few, since the pre-ReLU values are mostly negative),
 * and say so in their message; the positional rate lies in between.
 */
class LayerNameConsistencyTest {
    static final int IMAGES = 120;
    static final int CHANNEL = 3;

    @Test
    @SuppressWarnings("unchecked")
    void topImagesFacetsAndLayerStatsReadTheSameConv2Tensor() {
        try (Session s = Session.open(MODEL)) {
            String tensor = s.graph().resolveTensor("conv2");
            assertEquals("Conv", s.graph().producer(tensor).opType(), "conv2 names the Conv output, before the ReLU");
            int filters = (int) s.shapeOf(tensor)[1];
            int plane = 14 * 14;
            // brute force, image by image
            double max = Double.NEGATIVE_INFINITY;
            int maxPositive = 0;
            int meanPositive = 0;
            long positionsPositive = 0;
            for (int i = 0; i < IMAGES; i++) {
                Picture p = s.datasetPicture(i);
                try (NDManager scope = s.forward().newScope()) {
                    float[] y = s.forward().forward(scope, p.toNDArray(scope), tensor).get(tensor).toFloatArray();
                    assertEquals(filters * plane, y.length);
                    double m = Double.NEGATIVE_INFINITY;
                    double sum = 0;
                    for (int j = 0; j < plane; j++) {
                        float v = y[CHANNEL * plane + j];
                        m = Math.max(m, v);
                        sum += v;
                        positionsPositive += v > 0 ? 1 : 0;
                    }
                    max = Math.max(max, m);
                    maxPositive += m > 0 ? 1 : 0;
                    meanPositive += sum / plane > 0 ? 1 : 0;
                }
            }

            FigureResult stats = DeadFiltersFigure.make(s, DeadFiltersFigure.Options.defaults()
                    .withLayers(List.of("conv2")).withLimit(IMAGES), Progress.NONE);
            Map<String, Object> layer = ((List<Map<String, Object>>) stats.summary().get("layers")).get(0);
            assertEquals(tensor, layer.get("tensor"));
            assertEquals((double) maxPositive / IMAGES, ((double[]) layer.get("firingRate"))[CHANNEL], 1e-12);
            assertEquals((double) positionsPositive / ((double) IMAGES * plane),
                    ((double[]) layer.get("positionalRate"))[CHANNEL], 1e-12);
            assertEquals(max, ((double[]) layer.get("max"))[CHANNEL], 1e-5 * Math.max(1, Math.abs(max)));

            FigureResult top = TopImagesFigure.make(s, TopImagesFigure.Options.of("conv2").withChannels(CHANNEL)
                    .withK(1).withLimit(IMAGES), Progress.NONE);
            assertEquals(tensor, top.summary().get("tensor"));
            Map<String, Object> ch = ((List<Map<String, Object>>) top.summary().get("channels")).get(0);
            double best = (Double) ((List<Map<String, Object>>) ch.get("images")).get(0).get("activation");
            assertEquals(max, best, 1e-5 * Math.max(1, Math.abs(max)), "top images rank by the largest value");

            // facets need 5 activating images per facet: 8 facets need 40, more than conv2:3 has
            assertTrue(meanPositive < 40 && maxPositive > meanPositive, meanPositive + " / " + maxPositive);
            String msg = assertThrows(NetvizException.class, () -> FacetsFigure.make(s, s.dataset(),
                    FacetsFigure.Options.defaults().withLayer("conv2").withChannel(CHANNEL).withFacets(8)
                            .withLimit(IMAGES), Progress.NONE)).getMessage();
            assertTrue(msg.contains("8 facets of " + tensor + ":" + CHANNEL), msg);
            assertTrue(msg.contains("only " + meanPositive + " of the " + IMAGES + " images scanned activate it (its mean "
                    + "over the 14 \u00d7 14 positions of " + tensor + " > 0)"), msg);
        }
    }
}
