package netviz.image;

import java.awt.image.BufferedImage;

/**
 * Where the model's input came from in the user's image: the original size, the size it was resized
 * to, and the crop window taken from the resized image (which may reach outside it when the crop is
 * larger than the image; those pixels were zero-padded). With it, anything computed on the model input
 * (a heatmap, a box, a modified input) can be drawn on the image the user gave.
 *
 * <p>Coordinates are continuous with 0 at the left/top edge of the first pixel, so pixel {@code x}
 * covers {@code [x, x + 1)}. Model-input coordinate {@code u} maps to original coordinate
 * {@code (u + cropX) * originalWidth / resizedWidth} (and likewise for y).
 *
 * @param originalWidth  width of the decoded image
 * @param originalHeight height of the decoded image
 * @param resizedWidth   width after resizing (equal to the original when not resized)
 * @param resizedHeight  height after resizing
 * @param cropX          left edge of the crop window in the resized image (negative when padded)
 * @param cropY          top edge of the crop window in the resized image
 * @param width          width of the model input
 * @param height         height of the model input
 */
public record Geometry(int originalWidth, int originalHeight, int resizedWidth, int resizedHeight,
                       int cropX, int cropY, int width, int height) {

    /** The identity geometry of an image fed as it is. */
    public static Geometry identity(int width, int height) {
        return new Geometry(width, height, width, height, 0, 0, width, height);
    }

    private double sx() {
        return (double) originalWidth / resizedWidth;
    }

    private double sy() {
        return (double) originalHeight / resizedHeight;
    }

    /** Original-image coordinates {x, y} of model-input coordinates (u, v). */
    public double[] toOriginal(double u, double v) {
        return new double[] {(u + cropX) * sx(), (v + cropY) * sy()};
    }

    /** Model-input coordinates {u, v} of original-image coordinates (x, y). */
    public double[] toInput(double x, double y) {
        return new double[] {x / sx() - cropX, y / sy() - cropY};
    }

    /**
     * A box given in model-input coordinates {x0, y0, x1, y1} (edges) mapped onto the original image and
     * clipped to it.
     */
    public double[] boxToOriginal(double x0, double y0, double x1, double y1) {
        double[] a = toOriginal(x0, y0);
        double[] b = toOriginal(x1, y1);
        return new double[] {clamp(a[0], originalWidth), clamp(a[1], originalHeight),
            clamp(b[0], originalWidth), clamp(b[1], originalHeight)};
    }

    private static double clamp(double v, int max) {
        return Math.min(Math.max(v, 0), max);
    }

    /**
     * A heatmap over the model input (any resolution {@code mapH x mapW}, e.g. a 7x7 Grad-CAM map or a
     * full-size saliency map, row-major) resampled onto the original image: each original pixel takes the
     * bilinear sample of the map at its centre's model-input position. Pixels outside the crop window get
     * {@code outside} (NaN is a good choice for "not covered").
     *
     * @return {@code originalHeight x originalWidth} values, row-major
     */
    public float[] heatmapToOriginal(float[] map, int mapH, int mapW, float outside) {
        if (map.length != mapH * mapW) {
            throw new IllegalArgumentException("a " + mapH + "x" + mapW + " map needs " + mapH * mapW + " values, not " + map.length);
        }
        FloatImage m = new FloatImage(1, mapH, mapW, map);
        float[] out = new float[originalWidth * originalHeight];
        double kx = (double) mapW / width;
        double ky = (double) mapH / height;
        for (int y = 0; y < originalHeight; y++) {
            double v = (y + 0.5) / sy() - cropY;
            for (int x = 0; x < originalWidth; x++) {
                double u = (x + 0.5) / sx() - cropX;
                out[y * originalWidth + x] = u < 0 || v < 0 || u >= width || v >= height
                        ? outside : Resampling.sample(m, 0, v * ky, u * kx);
            }
        }
        return out;
    }

    /**
     * An image in model-input geometry (values 0..1, 1 or 3 channels) pasted back onto a copy of the
     * original: the crop window is replaced by the bilinear resampling of {@code input}, the rest keeps the
     * original pixels.
     */
    public BufferedImage pasteOnOriginal(FloatImage input, BufferedImage original) {
        if (input.height() != height || input.width() != width) {
            throw new IllegalArgumentException("image is " + input.width() + "x" + input.height() + ", the model input "
                    + width + "x" + height);
        }
        BufferedImage out = new BufferedImage(originalWidth, originalHeight, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = out.createGraphics();
        g.drawImage(original, 0, 0, null);
        g.dispose();
        for (int y = 0; y < originalHeight; y++) {
            double v = (y + 0.5) / sy() - cropY;
            if (v < 0 || v >= height) {
                continue;
            }
            for (int x = 0; x < originalWidth; x++) {
                double u = (x + 0.5) / sx() - cropX;
                if (u < 0 || u >= width) {
                    continue;
                }
                int r = FloatImage.to8(255 * Resampling.sample(input, 0, v, u));
                int gr = input.channels() == 3 ? FloatImage.to8(255 * Resampling.sample(input, 1, v, u)) : r;
                int b = input.channels() == 3 ? FloatImage.to8(255 * Resampling.sample(input, 2, v, u)) : r;
                out.setRGB(x, y, r << 16 | gr << 8 | b);
            }
        }
        return out;
    }
}
