package netviz.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import netviz.InputFormatException;
import netviz.ModelFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decoding every supported format, strict errors, and model metadata. */
class ImagesTest {
    @TempDir
    Path tmp;

    static BufferedImage pattern(int w, int h, int type) {
        BufferedImage img = new BufferedImage(w, h, type);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = (x * 255 / Math.max(1, w - 1));
                img.setRGB(x, y, v << 16 | (255 - v) << 8 | (y * 255 / Math.max(1, h - 1)));
            }
        }
        return img;
    }

    private Path write(BufferedImage img, String format, String name) throws IOException {
        Path p = tmp.resolve(name);
        assertTrue(ImageIO.write(img, format, p.toFile()), format);
        return p;
    }

    @Test
    void readsPngJpegBmpGifInColourAndGray() throws IOException {
        BufferedImage rgb = pattern(40, 30, BufferedImage.TYPE_INT_RGB);
        for (String fmt : List.of("png", "bmp")) {
            ImageInput in = ImageInput.load(write(rgb, fmt, "a." + fmt), Preprocessing.none());
            assertArrayEquals(new long[] {1, 3, 30, 40}, in.shape());
            // lossless: values equal the pixels / 255
            int p = rgb.getRGB(13, 7);
            assertEquals(((p >> 16) & 0xff) / 255f, in.image().get(0, 7, 13), 1e-6);
            assertEquals(((p >> 8) & 0xff) / 255f, in.image().get(1, 7, 13), 1e-6);
            assertEquals((p & 0xff) / 255f, in.image().get(2, 7, 13), 1e-6);
        }
        ImageInput jpg = ImageInput.load(write(rgb, "jpg", "a.jpg"), Preprocessing.none());
        assertArrayEquals(new long[] {1, 3, 30, 40}, jpg.shape());
        assertEquals(((rgb.getRGB(20, 15) >> 16) & 0xff) / 255f, jpg.image().get(0, 15, 20), 0.08);

        ImageInput gif = ImageInput.load(write(rgb, "gif", "a.gif"), Preprocessing.none());
        assertArrayEquals(new long[] {1, 3, 30, 40}, gif.shape());

        BufferedImage gray = new BufferedImage(5, 4, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setSample(2, 1, 0, 200);
        ImageInput g = ImageInput.load(write(gray, "png", "g.png"), Preprocessing.none());
        assertArrayEquals(new long[] {1, 1, 4, 5}, g.shape());
        assertEquals(200 / 255f, g.image().get(0, 1, 2), 1e-6); // raw sample, no gamma conversion
        BufferedImage gray16 = new BufferedImage(3, 2, BufferedImage.TYPE_USHORT_GRAY);
        gray16.getRaster().setSample(1, 1, 0, 65535);
        gray16.getRaster().setSample(0, 0, 0, 32896);
        ImageInput g16 = ImageInput.load(write(gray16, "png", "g16.png"), Preprocessing.none());
        assertEquals(1f, g16.image().get(0, 1, 1), 1e-6);
        assertEquals(32896 / 65535f, g16.image().get(0, 0, 0), 1e-6);
        // gray -> 3 channels replicates; imagenet output shape
        ImageInput asRgb = ImageInput.load(write(gray, "png", "g2.png"), Preprocessing.imagenet());
        assertArrayEquals(new long[] {1, 3, 224, 224}, asRgb.shape());
        // any size: a 1x1 image
        ImageInput tiny = ImageInput.load(write(pattern(1, 1, BufferedImage.TYPE_INT_RGB), "png", "t.png"),
                Preprocessing.fashionMnist());
        assertArrayEquals(new long[] {1, 1, 28, 28}, tiny.shape());
    }

    @Test
    void pixelsOfEveryImageTypeMatchGetRgb() {
        BufferedImage src = pattern(7, 5, BufferedImage.TYPE_INT_RGB);
        for (int type : new int[] {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB, BufferedImage.TYPE_INT_BGR,
                BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_4BYTE_ABGR, BufferedImage.TYPE_USHORT_565_RGB,
                BufferedImage.TYPE_BYTE_INDEXED}) {
            BufferedImage img = new BufferedImage(7, 5, type);
            img.createGraphics().drawImage(src, 0, 0, null);
            for (BufferedImage view : List.of(img, img.getSubimage(1, 2, 5, 3))) {
                FloatImage f = FloatImage.of(view);
                assertEquals(3, f.channels());
                for (int y = 0; y < view.getHeight(); y++) {
                    for (int x = 0; x < view.getWidth(); x++) {
                        int p = view.getRGB(x, y);
                        assertEquals((p >> 16) & 0xff, f.get(0, y, x), "type " + type);
                        assertEquals((p >> 8) & 0xff, f.get(1, y, x), "type " + type);
                        assertEquals(p & 0xff, f.get(2, y, x), "type " + type);
                    }
                }
            }
        }
    }

    @Test
    void clearErrorsForFilesThatAreNotGoodImages() throws IOException {
        Path text = Files.writeString(tmp.resolve("notes.png"), "this is not a picture");
        assertError(text, "is not an image netviz can read");
        assertError(Files.write(tmp.resolve("empty.jpg"), new byte[0]), "the file is empty");
        assertError(tmp.resolve("missing.png"), "does not exist");
        assertError(tmp, "is a directory");

        BufferedImage rgb = pattern(64, 48, BufferedImage.TYPE_INT_RGB);
        for (String fmt : List.of("png", "jpg", "bmp", "gif")) {
            byte[] full = Files.readAllBytes(write(rgb, fmt, "full." + fmt));
            Path cut = Files.write(tmp.resolve("cut." + fmt), Arrays.copyOf(full, full.length / 2));
            assertError(cut, "corrupt or truncated");
        }
        // a PNG header announcing 100000 x 100000 pixels is refused before decoding
        byte[] png = Files.readAllBytes(write(pattern(2, 2, BufferedImage.TYPE_INT_RGB), "png", "small.png"));
        byte[] huge = png.clone();
        java.nio.ByteBuffer.wrap(huge, 16, 8).putInt(100000).putInt(100000);
        assertError(Files.write(tmp.resolve("huge.png"), huge), "100000x100000");
    }

    @Test
    void fuzzedImagesDecodeOrFailWithATypedError() throws IOException {
        java.util.Random r = new java.util.Random(3);
        BufferedImage rgb = pattern(24, 16, BufferedImage.TYPE_INT_RGB);
        int decoded = 0;
        int rejected = 0;
        for (String fmt : List.of("png", "jpg", "bmp", "gif")) {
            byte[] good = Files.readAllBytes(write(rgb, fmt, "fuzz." + fmt));
            for (int k = 0; k < 150; k++) {
                byte[] b = k % 4 == 0 ? Arrays.copyOf(good, r.nextInt(good.length)) : good.clone();
                for (int j = 0; j < 1 + r.nextInt(6) && b.length > 0; j++) {
                    b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                }
                Path p = Files.write(tmp.resolve("m" + k + "." + fmt), b);
                try {
                    ImageInput in = ImageInput.load(p, Preprocessing.none());
                    assertTrue(in.shape()[2] > 0);
                    decoded++;
                } catch (InputFormatException expected) {
                    rejected++;
                }
            }
        }
        assertEquals(600, decoded + rejected);
        assertTrue(rejected > 100, "only " + rejected + " of 600 mutated files were rejected");
    }

    private static void assertError(Path p, String expected) {
        InputFormatException e = assertThrows(InputFormatException.class, () -> ImageInput.load(p, Preprocessing.none()));
        assertTrue(e.getMessage().contains(expected) && e.getMessage().contains(p.toString()), e.getMessage());
    }

    @Test
    void modelConfigFromMetadata() {
        Preprocessing p = Preprocessing.fashionMnist().withMean(0.286f).withStd(0.353f);
        List<String> names = List.of("T-shirt/top", "Trouser", "Pull\"over");
        ModelConfig c = new ModelConfig(p, names);
        Map<String, String> meta = c.toMetadata();
        assertEquals(Map.of("netviz.preprocessing", p.toJson(), "netviz.labels", "[\"T-shirt/top\",\"Trouser\",\"Pull\\\"over\"]"), meta);
        ModelConfig back = ModelConfig.fromMetadata(meta);
        assertEquals(p, back.preprocessing().orElseThrow());
        assertEquals(names, back.labels().orElseThrow());

        // resolution order: named preset > metadata > guess from the input shape
        long[] mnist = {1, 1, 28, 28};
        assertEquals(p, back.resolvePreprocessing(null, mnist));
        Preprocessing fm = back.resolvePreprocessing("fashion-mnist", mnist);
        assertArrayEquals(new float[] {0.286f}, fm.mean());
        assertEquals(Preprocessing.none().withChannels(1), back.resolvePreprocessing("none", mnist));
        ModelConfig none = ModelConfig.fromMetadata(Map.of());
        assertEquals(Preprocessing.fashionMnist(), none.resolvePreprocessing(null, mnist));
        assertEquals(Preprocessing.imagenet(), none.resolvePreprocessing(null, new long[] {-1, 3, 224, 224}));
        Preprocessing inception = none.resolvePreprocessing(null, new long[] {1, 3, 299, 299});
        assertEquals(299, inception.crop());
        assertEquals(342, inception.size());
        assertEquals(Preprocessing.imagenet(), none.resolvePreprocessing(null, (long[]) null));

        assertThrows(ModelFormatException.class, () -> ModelConfig.fromMetadata(Map.of("netviz.labels", "{\"a\":1}")));
        assertThrows(ModelFormatException.class, () -> ModelConfig.fromMetadata(Map.of("netviz.labels", "[1, 2]")));
        ModelFormatException bad = assertThrows(ModelFormatException.class,
                () -> ModelConfig.fromMetadata(Map.of("netviz.preprocessing", "{\"channels\": 2}")));
        assertTrue(bad.getMessage().contains("netviz.preprocessing"), bad.getMessage());
    }
}
