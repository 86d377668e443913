package netviz.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import netviz.NetvizException;
import netviz.ShapeMismatchException;
import netviz.UnknownNameException;
import org.junit.jupiter.api.Test;

/** Preprocessing against tensors computed by hand from the formulas in its Javadoc. */
class PreprocessingTest {

    /** A 4-row, 6-column gray image with value 10 y + x. */
    private static FloatImage ramp() {
        float[] v = new float[24];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 6; x++) {
                v[y * 6 + x] = 10 * y + x;
            }
        }
        return new FloatImage(1, 4, 6, v);
    }

    @Test
    void resizeCropNormaliseEqualsHandComputedTensor() {
        // Shorter side 4 -> 2, longer 6 -> floor(2 * 6 / 4) = 3. Shrinking by 2 with the antialiased
        // triangle kernel (support 2, taps at |j + .5 - c| / 2 < 1): output 0 sits at input 1.0 and takes
        // inputs 0, 1, 2 with weights .75, .75, .25 (normalised 3/7, 3/7, 1/7; input -1 is outside).
        // Rows (4 -> 2): output 1 at 3.0 takes inputs 1, 2, 3 with 1/7, 3/7, 3/7 (input 4 is outside).
        // Columns (6 -> 3): output 1 at 3.0 takes inputs 1..4 with .25 .75 .75 .25 (/2), output 2 at 5.0
        // takes 3, 4, 5 with 1/7, 3/7, 3/7. The ramp is linear, so rows -> Y = {5/7, 16/7},
        // columns -> X = {5/7, 20/8, 30/7}, value 10 Y + X.
        // Centre crop 2 of the 2x3 image: top 0, left round(0.5) = 0 (half to even). Then /255, -0.5, /0.25.
        Preprocessing p = new Preprocessing("test", 2, 2, 1, new float[] {0.5f}, new float[] {0.25f}, true);
        Preprocessing.Result r = p.apply(ramp(), 255f);
        double[] ys = {5.0 / 7, 16.0 / 7};
        double[] xs = {5.0 / 7, 20.0 / 8};
        float[] expected = new float[4];
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 2; x++) {
                expected[y * 2 + x] = (float) (((10 * ys[y] + xs[x]) / 255 - 0.5) / 0.25);
            }
        }
        assertEquals(1, r.image().channels());
        assertArrayEquals(expected, r.image().data(), 1e-5f);
        assertEquals(new Geometry(6, 4, 3, 2, 0, 0, 2, 2), r.geometry());
        assertArrayEquals(new int[] {1, 2, 2}, p.outputShape(1, 4, 6));
    }

    @Test
    void sameTensorFromAPngFileAndStackedIntoABatch(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws java.io.IOException {
        BufferedImage img = new BufferedImage(6, 4, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 6; x++) {
                img.getRaster().setSample(x, y, 0, 10 * y + x);
            }
        }
        java.nio.file.Path png = tmp.resolve("ramp.png");
        javax.imageio.ImageIO.write(img, "png", png.toFile());
        Preprocessing p = new Preprocessing("test", 2, 2, 1, new float[] {0.5f}, new float[] {0.25f}, true);
        ImageInput in = ImageInput.load(png, p);
        assertArrayEquals(p.apply(ramp(), 255f).image().data(), in.data());
        assertArrayEquals(new long[] {1, 1, 2, 2}, in.shape());
        // the same through RGB: gray is replicated into 3 identical channels
        ImageInput rgb = ImageInput.load(png, p.withChannels(3));
        for (int c = 0; c < 3; c++) {
            assertArrayEquals(in.data(), java.util.Arrays.copyOfRange(rgb.data(), c * 4, c * 4 + 4), 1e-6f);
        }
        netviz.io.FloatArray batch = ImageInput.stack(java.util.List.of(in, in));
        assertArrayEquals(new long[] {2, 1, 2, 2}, batch.shape());
        assertThrows(ShapeMismatchException.class, () -> ImageInput.stack(java.util.List.of(in, rgb)));
    }

    @Test
    void enlargingIsPlainBilinearWithHalfPixelCentres() {
        // [a, b] -> 4 samples at input positions .25 .75 1.25 1.75: a, .75a+.25b, .25a+.75b, b (edges clamped).
        FloatImage two = new FloatImage(1, 2, 2, new float[] {0, 100, 40, 200});
        FloatImage big = Resampling.resize(two, 4, 4, true);
        float[] row0 = {0, 25, 75, 100};
        float[] row3 = {40, 80, 160, 200};
        for (int x = 0; x < 4; x++) {
            assertEquals(row0[x], big.get(0, 0, x), 1e-4);
            assertEquals(row3[x], big.get(0, 3, x), 1e-4);
            assertEquals(0.75 * row0[x] + 0.25 * row3[x], big.get(0, 1, x), 1e-4);
        }
        // Without antialiasing, shrinking by 2 averages the two nearest pixels (plain bilinear).
        FloatImage small = Resampling.resize(ramp(), 2, 3, false);
        assertEquals(10 * 0.5 + 0.5, small.get(0, 0, 0), 1e-4);
        assertEquals(10 * 2.5 + 4.5, small.get(0, 1, 2), 1e-4);
        // A constant image stays constant under any resize.
        FloatImage c = new FloatImage(1, 5, 7, filled(35, 9f));
        for (float v : Resampling.resize(c, 3, 11, true).data()) {
            assertEquals(9f, v, 1e-4);
        }
    }

    @Test
    void channelConversionAndPerChannelNormalisation() {
        FloatImage rgb = new FloatImage(3, 1, 2, new float[] {255, 0, 0, 255, 0, 51});
        Preprocessing gray = Preprocessing.none().withChannels(1);
        assertArrayEquals(new float[] {0.299f, 0.587f + 0.114f * 0.2f}, gray.apply(rgb, 255f).image().data(), 1e-6f);

        FloatImage g = new FloatImage(1, 1, 2, new float[] {0, 255});
        Preprocessing imagenet = Preprocessing.imagenet().withSize(0).withCrop(0);
        float[] out = imagenet.apply(g, 255f).image().data();
        float[] mean = {0.485f, 0.456f, 0.406f};
        float[] std = {0.229f, 0.224f, 0.225f};
        for (int c = 0; c < 3; c++) {
            assertEquals(-mean[c] / std[c], out[c * 2], 1e-5);
            assertEquals((1 - mean[c]) / std[c], out[c * 2 + 1], 1e-5);
        }
        FloatImage back = imagenet.unnormalize(new FloatImage(3, 1, 2, out));
        assertArrayEquals(new float[] {0, 1, 0, 1, 0, 1}, back.data(), 1e-6f);
    }

    @Test
    void cropLargerThanImagePadsWithZerosLikeTorchvision() {
        FloatImage one = new FloatImage(1, 1, 2, new float[] {255, 255});
        Preprocessing.Result r = Preprocessing.none().withCrop(4).apply(one, 255f);
        // pad (4 - 2) / 2 = 1 left, (4 - 1) / 2 = 1 top
        float[] e = new float[16];
        e[4 + 1] = 1;
        e[4 + 2] = 1;
        assertArrayEquals(e, r.image().data());
        assertEquals(-1, r.geometry().cropX());
        assertEquals(-1, r.geometry().cropY());
        assertEquals(-((5 - 2) / 2), Preprocessing.offset(2, 5));
        assertEquals(2, Preprocessing.offset(8, 3)); // round(2.5) = 2
        assertEquals(4, Preprocessing.offset(10, 3)); // round(3.5) = 4
    }

    @Test
    void imagenetGeometryOnAPhotoSizedImage() {
        Preprocessing p = Preprocessing.imagenet();
        assertArrayEquals(new int[] {3, 224, 224}, p.outputShape(3, 480, 640));
        assertArrayEquals(new int[] {256, 341}, p.resizedSize(480, 640));
        Preprocessing.Result r = p.apply(new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB));
        Geometry g = r.geometry();
        assertEquals(new Geometry(640, 480, 341, 256, 58, 16, 224, 224), g);
        double[] box = g.boxToOriginal(0, 0, 224, 224);
        assertEquals(58 * 640.0 / 341, box[0], 1e-9);
        assertEquals(16 * 480.0 / 256, box[1], 1e-9);
        assertEquals(282 * 640.0 / 341, box[2], 1e-9);
        assertEquals(240 * 480.0 / 256, box[3], 1e-9);
        double[] back = g.toInput(box[0], box[1]);
        assertEquals(0, back[0], 1e-9);
        assertEquals(0, back[1], 1e-9);
    }

    @Test
    void heatmapAndBoxMapBackOntoTheOriginal() {
        // 8 wide, 4 high -> shorter side 2: 4x2, crop 2: left round(1) = 1, top 0.
        Geometry g = Preprocessing.none().withSize(2).withCrop(2).apply(FloatImage.zeros(1, 4, 8), 255f).geometry();
        assertEquals(new Geometry(8, 4, 4, 2, 1, 0, 2, 2), g);
        assertArrayEquals(new double[] {2, 0, 6, 4}, g.boxToOriginal(0, 0, 2, 2), 1e-12);
        float[] map = g.heatmapToOriginal(new float[] {1, 2, 3, 4}, 2, 2, Float.NaN);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 8; x++) {
                float v = map[y * 8 + x];
                if (x < 2 || x >= 6) {
                    assertTrue(Float.isNaN(v), "outside crop at " + x);
                } else {
                    // map pixel (x - 2) / 2, (y / 2) with bilinear sampling at centres
                    double u = (x + 0.5) / 2 - 1;
                    double w = (y + 0.5) / 2;
                    double fu = Math.min(Math.max(u - 0.5, 0), 1);
                    double fv = Math.min(Math.max(w - 0.5, 0), 1);
                    double e = (1 * (1 - fu) + 2 * fu) * (1 - fv) + (3 * (1 - fu) + 4 * fu) * fv;
                    assertEquals(e, v, 1e-5);
                }
            }
        }
    }

    @Test
    void toOriginalRestoresPixelsUnderAnIdentityPreprocessing() {
        BufferedImage img = new BufferedImage(5, 3, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) {
                img.setRGB(x, y, (x * 50) << 16 | (y * 100) << 8 | 7);
            }
        }
        ImageInput in = ImageInput.of(img, Preprocessing.imagenet().withSize(0).withCrop(0), "x");
        BufferedImage back = in.toOriginal(in.data());
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) {
                assertEquals(img.getRGB(x, y) & 0xffffff, back.getRGB(x, y) & 0xffffff);
            }
        }
        BufferedImage seen = in.inputImage();
        assertEquals(img.getRGB(4, 2) & 0xffffff, seen.getRGB(4, 2) & 0xffffff);
    }

    @Test
    void presetsOverridesAndJson() {
        assertEquals(Preprocessing.imagenet(), Preprocessing.preset("ImageNet"));
        assertEquals("fashion-mnist", Preprocessing.preset("fashion_mnist").preset());
        UnknownNameException e = assertThrows(UnknownNameException.class, () -> Preprocessing.preset("imagent"));
        assertTrue(e.getMessage().contains("imagenet"), e.getMessage());

        Preprocessing p = Preprocessing.fashionMnist().withMean(0.286f).withStd(0.353f);
        assertEquals(p, Preprocessing.fromJson(p.toJson()));
        assertEquals("{\"preset\":\"fashion-mnist\",\"size\":28,\"crop\":28,\"channels\":1,\"mean\":[0.286],\"std\":[0.353]}",
                p.toJson());
        Preprocessing q = Preprocessing.imagenet().withSize(320).withCrop(299).withAntialias(false);
        assertEquals(q, Preprocessing.fromJson(q.toJson()));
        // missing keys come from the named preset; unknown preset names are kept as labels
        assertEquals(Preprocessing.imagenet().withCrop(160), Preprocessing.fromJson("{\"preset\":\"imagenet\",\"crop\":160}"));
        Preprocessing custom = Preprocessing.fromJson("{\"preset\":\"mine\",\"size\":32,\"channels\":3,\"mean\":[0.5],\"std\":[0.5]}");
        assertEquals("mine", custom.preset());
        assertEquals(0, custom.crop());
        assertArrayEquals(new float[] {0.5f}, custom.mean());

        // 3 means do not fit 1 channel: reduced to their average when channels change
        assertEquals(1, Preprocessing.imagenet().withChannels(1).mean().length);
        assertThrows(NetvizException.class, () -> Preprocessing.fromJson("{\"size\":\"big\"}"));
        assertThrows(NetvizException.class, () -> Preprocessing.fromJson("{\"std\":[0]}"));
        assertThrows(NetvizException.class, () -> Preprocessing.fromJson("[1,2]"));
        assertThrows(NetvizException.class, () -> Preprocessing.fromJson("{\"sise\":3}"));
        assertThrows(NetvizException.class, () -> Preprocessing.none().withChannels(2));
        assertThrows(NetvizException.class, () -> Preprocessing.none().withMean(1, 2).withStd(1, 2, 3));
        assertEquals(0, Preprocessing.none().withMean(1, 2).std().length);
        // the CLI applies --mean then --std one after the other: any lengths in between are fine
        Preprocessing both = Preprocessing.imagenet().withSize(0).withCrop(0).withMean(0.5f).withStd(0.25f);
        assertArrayEquals(new float[] {2f, 2f, 2f}, both.apply(new FloatImage(1, 1, 1, new float[] {255}), 255f).image().data(), 1e-6f);
        assertArrayEquals(new float[] {0.5f}, Preprocessing.imagenet().withNormalization(new float[] {0.5f},
                new float[] {0.5f}).std());
        assertEquals(3, Preprocessing.imagenet().withMean().std().length);
        assertEquals(0, Preprocessing.imagenet().withMean().mean().length);

        ShapeMismatchException m = assertThrows(ShapeMismatchException.class,
                () -> Preprocessing.imagenet().checkFits(new long[] {1, 1, 28, 28}, "input"));
        assertTrue(m.getMessage().contains("--channels 1"), m.getMessage());
        assertThrows(ShapeMismatchException.class, () -> Preprocessing.imagenet().checkFits(new long[] {-1, 3, 299, 299}, "x"));
        Preprocessing.imagenet().checkFits(new long[] {-1, 3, 224, 224}, "x");
        assertEquals(3, Preprocessing.none().fitTo(new long[] {1, 3, -1, -1}).channels());
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }
}
