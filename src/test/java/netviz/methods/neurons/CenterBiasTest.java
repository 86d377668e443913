package netviz.methods.neurons;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import netviz.NetvizException;
import netviz.engine.Interpreter;
import netviz.methods.unit.Units;
import org.junit.jupiter.api.Test;

class CenterBiasTest {

    @Test
    void centrePixelsGetMoreUpdatesThanEdgePixels() {
        CenterBias cb = CenterBias.defaults();
        int t = 100;
        int[] u = cb.updates(t, 28, 28);
        double[] d = CenterBias.distances(28, 28);
        // the centre 2x2 pixels are updated at every step; the corners only once the window is full
        assertEquals(t, u[13 * 28 + 13]);
        assertEquals(t, u[14 * 28 + 14]);
        int fullFrom = (int) Math.ceil(0.5 * t);
        // corners: the steps whose window f(t) reaches the corner's distance (by the formula, counted by hand)
        int corner = 0;
        for (int s = 1; s <= t; s++) {
            double f = Math.min(1, 0.5 + 0.5 * (s - 1) / (double) (fullFrom - 1));
            corner += f >= d[0] ? 1 : 0;
        }
        assertEquals(corner, u[0]);
        assertTrue(u[0] <= t - fullFrom + 10 && u[0] >= t - fullFrom + 1, "corner updates " + u[0]);
        assertEquals(u[0], u[27 * 28 + 27]);
        // updates never increase with the distance from the centre
        for (int i = 0; i < u.length; i++) {
            for (int j = 0; j < u.length; j++) {
                if (d[i] < d[j]) {
                    assertTrue(u[i] >= u[j], "pixel " + i + " (d " + d[i] + ") " + u[i] + " < pixel " + j + " " + u[j]);
                }
            }
        }
        // the window starts at half the side: the central 14x14 pixels from the first step, nothing else
        float[] m = cb.mask(1, t, 28, 28);
        int inside = 0;
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                boolean central = y >= 7 && y < 21 && x >= 7 && x < 21;
                assertEquals(central ? 1f : 0f, m[y * 28 + x], "pixel " + y + "," + x);
                inside += (int) m[y * 28 + x];
            }
        }
        assertEquals(14 * 14, inside);
        // and covers the whole image from step ceil(growth * T) on
        for (float v : cb.mask(fullFrom, t, 28, 28)) {
            assertEquals(1f, v);
        }
        assertEquals(0f, cb.mask(t - u[0], t, 28, 28)[0], "the corner enters the window at step " + (t - u[0] + 1));
        assertEquals(1f, cb.mask(t - u[0] + 1, t, 28, 28)[0]);
        // switched off: every pixel every step
        for (int v : CenterBias.NONE.updates(30, 5, 7)) {
            assertEquals(30, v);
        }
    }

    @Test
    void gradientStepsStayInsideTheWindow() {
        try (Interpreter ip = Interpreter.of(NeuronModels.classifier(11))) {
            ActivationMaximization am = new ActivationMaximization(ip, ActivationMaximizationTest.MEAN,
                    ActivationMaximizationTest.STD);
            int[] chw = am.inputShape();
            int h = chw[1];
            int w = chw[2];
            Regularizers cb = Regularizers.none().withCenterBias(new CenterBias(0.5, 1));
            // one step: only the starting window (half the side) may change
            ActivationMaximization.Result one = am.run(Units.repeat("conv2", 1, null, 1),
                    ActivationMaximization.Options.defaults().withIterations(1).withRegularizers(cb), null);
            float[] m = new CenterBias(0.5, 1).mask(1, 1, h, w);
            int moved = 0;
            for (int i = 0; i < h * w; i++) {
                if (m[i] == 0f) {
                    assertEquals(0f, one.input()[i], "pixel " + i + " is outside the window");
                } else if (one.input()[i] != 0f) {
                    moved++;
                }
            }
            assertTrue(moved > 0, "the window moved");
            // the step is normalised over the window: mean |change| inside equals eta (from zeros, nothing clamped)
            double change = 0;
            int window = 0;
            for (int i = 0; i < h * w; i++) {
                if (m[i] != 0f) {
                    change += Math.abs(one.input()[i]);
                    window++;
                }
            }
            double eta = ActivationMaximization.Options.defaults().step();
            assertEquals(eta, change / window, 1e-6 * eta, "mean |change| over the " + window + " window pixels");
            // for a 30-step run the centre moves more in total than the border
            ActivationMaximization.Result run = am.run(Units.repeat("conv2", 1, null, 1),
                    ActivationMaximization.Options.defaults().withIterations(30).withRegularizers(cb), null);
            ActivationMaximization.Result plain = am.run(Units.repeat("conv2", 1, null, 1),
                    ActivationMaximization.Options.defaults().withIterations(30), null);
            double centre = 0;
            double border = 0;
            int nc = 0;
            int nb = 0;
            double[] d = CenterBias.distances(h, w);
            for (int i = 0; i < h * w; i++) {
                if (d[i] <= 0.5) {
                    centre += Math.abs(run.input()[i]) - Math.abs(plain.input()[i]);
                    nc++;
                } else if (d[i] > 0.75) {
                    border += Math.abs(run.input()[i]) - Math.abs(plain.input()[i]);
                    nb++;
                }
            }
            assertTrue(border / nb < centre / nc, "border " + border / nb + " vs centre " + centre / nc);
            assertTrue(run.end()[0] > run.start()[0], "the unit still rises");
        }
    }

    @Test
    void withoutCentreBiasNothingChanges() {
        assertEquals(new Regularizers(0, 0.5, 4, 50, 0, 0), Regularizers.yosinski(1));
        assertEquals(CenterBias.NONE, Regularizers.yosinski().centerBias());
        try (Interpreter ip = Interpreter.of(NeuronModels.classifier(11))) {
            ActivationMaximization am = new ActivationMaximization(ip, ActivationMaximizationTest.MEAN,
                    ActivationMaximizationTest.STD);
            ActivationMaximization.Options o = ActivationMaximization.Options.defaults().withIterations(10)
                    .withRegularizers(Regularizers.yosinski());
            float[] a = am.run(Units.repeat("conv2", 2, null, 1), o, null).input();
            float[] b = am.run(Units.repeat("conv2", 2, null, 1),
                    o.withRegularizers(Regularizers.yosinski().withCenterBias(CenterBias.NONE)), null).input();
            assertArrayEquals(a, b);
        }
    }

    @Test
    void badSettingsAreClearErrors() {
        assertThrows(NetvizException.class, () -> new CenterBias(0, 0.5));
        assertThrows(NetvizException.class, () -> new CenterBias(0.5, 1.5));
        NetvizException e = assertThrows(NetvizException.class, () -> ActivationMaximization.Options.defaults()
                .withParam(ActivationMaximization.Param.FOURIER)
                .withRegularizers(Regularizers.none().withCenterBias(CenterBias.defaults())));
        assertTrue(e.getMessage().contains("centre bias"), e.getMessage());
    }
}
