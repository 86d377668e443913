package netviz.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.Raster;
import java.util.Arrays;

/**
 * A planar float image: {@code channels} planes of {@code height x width} values, row-major, in the
 * layout of one example of an (N, C, H, W) tensor. The value scale is the caller's (0..255 for decoded
 * pixels, normalised values after preprocessing). The record does not copy {@code data}.
 */
public record FloatImage(int channels, int height, int width, float[] data) implements java.io.Serializable {

    public FloatImage {
        if (channels < 1 || height < 0 || width < 0 || (long) channels * height * width != data.length) {
            throw new IllegalArgumentException("a " + channels + "x" + height + "x" + width + " image needs "
                    + (long) channels * height * width + " values but has " + data.length);
        }
    }

    /** A zero image. */
    public static FloatImage zeros(int channels, int height, int width) {
        return new FloatImage(channels, height, width, new float[Math.multiplyExact(Math.multiplyExact(channels, height), width)]);
    }

    public float get(int c, int y, int x) {
        return data[(c * height + y) * width + x];
    }

    public void set(int c, int y, int x, float v) {
        data[(c * height + y) * width + x] = v;
    }

    /** Values per channel plane. */
    public int planeSize() {
        return height * width;
    }

    /**
     * The pixels of a decoded image as 0..255 floats: one channel for grayscale images (8- or 16-bit,
     * with or without alpha; 16-bit values are scaled to 0..255), three (R, G, B) for everything else
     * (palette and colour images are converted to sRGB by {@link BufferedImage#getRGB}). Alpha is dropped,
     * as PIL's {@code convert("RGB")} does.
     */
    public static FloatImage of(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        ColorModel cm = img.getColorModel();
        if (cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY && !(cm instanceof java.awt.image.IndexColorModel)) {
            Raster r = img.getRaster();
            int bits = cm.getComponentSize(0);
            float k = bits == 8 ? 1f : 255f / ((1L << bits) - 1);
            float[] out = new float[w * h];
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                r.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    out[y * w + x] = row[x] * k;
                }
            }
            return new FloatImage(1, h, w, out);
        }
        float[] out = new float[3 * w * h];
        int plane = w * h;
        Raster raster = img.getRaster();
        int bands = raster.getNumBands();
        int type = img.getType();
        boolean plain = raster.getParent() == null && raster.getSampleModelTranslateX() == 0
                && raster.getSampleModelTranslateY() == 0 && raster.getDataBuffer().getNumBanks() == 1;
        if (plain && (type == BufferedImage.TYPE_INT_RGB || type == BufferedImage.TYPE_INT_ARGB)
                && raster.getDataBuffer().getSize() == plane) {
            int[] px = ((java.awt.image.DataBufferInt) raster.getDataBuffer()).getData();
            for (int i = 0; i < plane; i++) {
                int p = px[i];
                out[i] = (p >>> 16) & 0xff;
                out[plane + i] = (p >>> 8) & 0xff;
                out[2 * plane + i] = p & 0xff;
            }
            return new FloatImage(3, h, w, out);
        }
        if (plain && (type == BufferedImage.TYPE_3BYTE_BGR || type == BufferedImage.TYPE_4BYTE_ABGR)
                && raster.getDataBuffer().getSize() == plane * bands) {
            byte[] px = ((java.awt.image.DataBufferByte) raster.getDataBuffer()).getData();
            int r = type == BufferedImage.TYPE_3BYTE_BGR ? 2 : 3;
            for (int i = 0, j = 0; i < plane; i++, j += bands) {
                out[i] = px[j + r] & 0xff;
                out[plane + i] = px[j + r - 1] & 0xff;
                out[2 * plane + i] = px[j + r - 2] & 0xff;
            }
            return new FloatImage(3, h, w, out);
        }
        if (cm.getColorSpace().isCS_sRGB() && !(cm instanceof java.awt.image.IndexColorModel)
                && (bands == 3 || bands == 4) && cm.getNumComponents() == bands && all8Bit(cm)) {
            // R, G, B(, A) samples straight from the raster: no per-pixel colour-model calls
            int[] px = new int[w * bands];
            for (int y = 0; y < h; y++) {
                raster.getPixels(0, y, w, 1, px);
                for (int x = 0; x < w; x++) {
                    int i = y * w + x;
                    out[i] = px[x * bands];
                    out[plane + i] = px[x * bands + 1];
                    out[2 * plane + i] = px[x * bands + 2];
                }
            }
            return new FloatImage(3, h, w, out);
        }
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int p = row[x];
                int i = y * w + x;
                out[i] = (p >>> 16) & 0xff;
                out[plane + i] = (p >>> 8) & 0xff;
                out[2 * plane + i] = p & 0xff;
            }
        }
        return new FloatImage(3, h, w, out);
    }

    private static boolean all8Bit(ColorModel cm) {
        for (int size : cm.getComponentSize()) {
            if (size != 8) {
                return false;
            }
        }
        return true;
    }

    /**
     * An 8-bit image of these values, read as 0..{@code white} (clamped, rounded): gray for one channel,
     * RGB for three.
     */
    public BufferedImage toBufferedImage(float white) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("only 1- or 3-channel images can be drawn, not " + channels);
        }
        BufferedImage img = new BufferedImage(width, height, channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        float k = 255f / white;
        int plane = planeSize();
        if (channels == 1) {
            byte[] px = ((java.awt.image.DataBufferByte) img.getRaster().getDataBuffer()).getData();
            for (int i = 0; i < plane; i++) {
                px[i] = (byte) to8(data[i] * k);
            }
        } else {
            int[] px = ((java.awt.image.DataBufferInt) img.getRaster().getDataBuffer()).getData();
            for (int i = 0; i < plane; i++) {
                px[i] = to8(data[i] * k) << 16 | to8(data[plane + i] * k) << 8 | to8(data[2 * plane + i] * k);
            }
        }
        return img;
    }

    static int to8(float v) {
        if (!(v > 0)) {
            return 0;
        }
        return v >= 255 ? 255 : Math.round(v);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FloatImage f && f.channels == channels && f.height == height && f.width == width
                && Arrays.equals(f.data, data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data) * 31 + channels * 7 + height * 3 + width;
    }

    @Override
    public String toString() {
        return "FloatImage[" + channels + "x" + height + "x" + width + "]";
    }
}
