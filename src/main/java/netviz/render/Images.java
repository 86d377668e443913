package netviz.render;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import netviz.methods.Finite;

/**
 * Value arrays to images and image arithmetic: colourising a 2-D map through a {@link Colormap},
 * RGB images from three planes, nearest-neighbour upsampling (each value stays a visible square),
 * bilinear resampling of value maps, and heatmap overlays (alpha blending a colourised map over an
 * image). Arrays are row-major: value (y, x) of an h x w map starting at {@code offset} is
 * {@code v[offset + y * w + x]}; a C x h x w stack stores plane c at {@code offset + c * h * w}.
 */
public final class Images {
    private Images() {
    }

    /** An h x w map through a colour map: pixel = {@code map.rgb(range.normalize(v))}. */
    public static BufferedImage colorize(float[] v, int offset, int h, int w, ValueRange range, Colormap map) {
        checkPlane(v, offset, h, w);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] px = new int[w * h];
        for (int i = 0; i < px.length; i++) {
            px[i] = map.rgb(range.normalize(v[offset + i]));
        }
        img.setRGB(0, 0, w, h, px, 0, w);
        return img;
    }

    public static BufferedImage colorize(float[] v, int h, int w, ValueRange range, Colormap map) {
        return colorize(v, 0, h, w, range, map);
    }

    /**
     * An RGB image from three h x w planes (red, green, blue) sharing one range: channel value =
     * {@code round(255 * range.normalize(v))}. This is how first-layer filters with three input
     * channels are shown (Krizhevsky et al. 2012, fig. 3).
     */
    public static BufferedImage rgb(float[] v, int offset, int h, int w, ValueRange range) {
        checkPlane(v, offset, 3 * h, w);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int plane = h * w;
        int[] px = new int[plane];
        for (int i = 0; i < plane; i++) {
            int r = level(range.normalize(v[offset + i]));
            int g = level(range.normalize(v[offset + plane + i]));
            int b = level(range.normalize(v[offset + 2 * plane + i]));
            px[i] = r << 16 | g << 8 | b;
        }
        img.setRGB(0, 0, w, h, px, 0, w);
        return img;
    }

    /** round(255 t) for t in [0, 1] (NaN gives 0). */
    public static int level(double t) {
        return t > 0 ? (int) Math.round(Math.min(1, t) * 255) : 0;
    }

    /**
     * A C x h x w array shown as a picture: three channels as RGB, one (or any other count, first
     * channel only) as gray; {@code range} null means min-max over the shown values.
     */
    public static BufferedImage fromPlanes(float[] v, int channels, int h, int w, ValueRange range) {
        if (channels == 3) {
            return rgb(v, 0, h, w, range != null ? range : ValueRange.minMax(v, 0, 3 * h * w));
        }
        return colorize(v, 0, h, w, range != null ? range : ValueRange.minMax(v, 0, h * w), Colormap.GRAY);
    }

    /** Each pixel becomes a {@code factor} x {@code factor} square (nearest neighbour). */
    public static BufferedImage upscale(BufferedImage img, int factor) {
        if (factor < 1) {
            throw new IllegalArgumentException("upscale factor must be >= 1, not " + factor);
        }
        if (factor == 1) {
            return img;
        }
        int w = img.getWidth();
        int h = img.getHeight();
        int[] src = img.getRGB(0, 0, w, h, null, 0, w);
        int W = w * factor;
        int[] dst = new int[W * h * factor];
        for (int y = 0; y < h * factor; y++) {
            int sy = y / factor;
            for (int x = 0; x < W; x++) {
                dst[y * W + x] = src[sy * w + x / factor];
            }
        }
        BufferedImage out = new BufferedImage(W, h * factor, BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, W, h * factor, dst, 0, W);
        return out;
    }

    /**
     * The integer nearest-neighbour factor that brings the larger side of an h x w map closest to
     * {@code target} pixels without going below 1.
     */
    public static int factorFor(int h, int w, int target) {
        int m = Math.max(h, w);
        return Math.max(1, (int) Math.round((double) target / m));
    }

    /** {@code img} scaled to width x height, smoothly (bicubic) or with nearest neighbour. */
    public static BufferedImage resize(BufferedImage img, int width, int height, boolean smooth) {
        if (img.getWidth() == width && img.getHeight() == height) {
            return img;
        }
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, smooth
                ? RenderingHints.VALUE_INTERPOLATION_BICUBIC : RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        g.drawImage(img, 0, 0, width, height, null);
        g.dispose();
        return out;
    }

    /**
     * Bilinear resampling of an h x w map to H x W with half-pixel centres (as PyTorch's
     * {@code interpolate(mode="bilinear", align_corners=False)} and OpenCV's resize).
     */
    public static float[] resizeBilinear(float[] v, int offset, int h, int w, int H, int W) {
        checkPlane(v, offset, h, w);
        float[] out = new float[H * W];
        double sy = (double) h / H;
        double sx = (double) w / W;
        for (int y = 0; y < H; y++) {
            double fy = Math.max(0, (y + 0.5) * sy - 0.5);
            int y0 = Math.min((int) fy, h - 1);
            int y1 = Math.min(y0 + 1, h - 1);
            double dy = fy - y0;
            for (int x = 0; x < W; x++) {
                double fx = Math.max(0, (x + 0.5) * sx - 0.5);
                int x0 = Math.min((int) fx, w - 1);
                int x1 = Math.min(x0 + 1, w - 1);
                double dx = fx - x0;
                double top = v[offset + y0 * w + x0] * (1 - dx) + v[offset + y0 * w + x1] * dx;
                double bot = v[offset + y1 * w + x0] * (1 - dx) + v[offset + y1 * w + x1] * dx;
                out[y * W + x] = (float) (top * (1 - dy) + bot * dy);
            }
        }
        return out;
    }

    /**
     * A heatmap over an image: the h x w map is resampled bilinearly to the image's size,
     * coloured, and blended: {@code out = (1 - a) * image + a * colour}, with {@code a = alpha}, or
     * {@code a = alpha * t} (t the normalised value) when {@code weightByValue}, which leaves the
     * image visible where the map is low (the usual look of saliency and Grad-CAM overlays).
     */
    public static BufferedImage overlay(BufferedImage image, float[] map, int h, int w, ValueRange range,
                                        Colormap colormap, double alpha, boolean weightByValue) {
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("overlay alpha must lie in [0, 1], not " + alpha);
        }
        int W = image.getWidth();
        int H = image.getHeight();
        checkPlane(map, 0, h, w);
        float[] m = (h == H && w == W) ? map : resizeBilinear(map, 0, h, w, H, W);
        int[] base = image.getRGB(0, 0, W, H, null, 0, W);
        int[] out = new int[base.length];
        for (int i = 0; i < out.length; i++) {
            double t = range.normalize(m[i]);
            int c = colormap.rgb(t);
            double a = weightByValue ? alpha * (Double.isNaN(t) ? 0 : t) : alpha;
            out[i] = blend(base[i], c, a);
        }
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, W, H, out, 0, W);
        return img;
    }

    /** (1 - a) * under + a * over, per channel, rounded. */
    public static int blend(int under, int over, double a) {
        int r = (int) Math.round(((under >> 16) & 255) * (1 - a) + ((over >> 16) & 255) * a);
        int g = (int) Math.round(((under >> 8) & 255) * (1 - a) + ((over >> 8) & 255) * a);
        int b = (int) Math.round((under & 255) * (1 - a) + (over & 255) * a);
        return r << 16 | g << 8 | b;
    }

    /** A copy in TYPE_INT_RGB (flattening alpha onto white), so every picture has one pixel format. */
    public static BufferedImage toRgb(BufferedImage img) {
        if (img.getType() == BufferedImage.TYPE_INT_RGB) {
            return img;
        }
        BufferedImage out = Canvas.blank(img.getWidth(), img.getHeight());
        Graphics2D g = out.createGraphics();
        g.drawImage(img, 0, 0, null);
        g.dispose();
        return out;
    }

    private static void checkPlane(float[] v, int offset, int h, int w) {
        if (h < 1 || w < 1) {
            throw new IllegalArgumentException("a map needs positive height and width, not " + h + " x " + w);
        }
        if (offset < 0 || (long) offset + (long) h * w > v.length) {
            throw new IllegalArgumentException("a " + h + " x " + w + " map at offset " + offset
                    + " does not fit in an array of " + v.length + " values");
        }
        int bad = Finite.firstNonFinite(v, offset, h * w);
        if (bad >= 0) {
            throw Finite.result("cannot draw a " + h + " x " + w + " picture of values that are not finite ("
                    + Finite.name(v[bad]) + " at row " + (bad - offset) / w + ", column " + (bad - offset) % w + ")");
        }
    }
}
