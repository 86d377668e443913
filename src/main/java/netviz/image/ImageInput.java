package netviz.image;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import netviz.io.FloatArray;

/**
 * One image prepared for a model: the decoded original, the (1, C, H, W) input tensor that
 * {@link Preprocessing} made of it, and the {@link Geometry} that maps results computed on the input
 * back onto the original (heatmaps, boxes, modified inputs).
 *
 * <pre>{@code
 * ImageInput in = ImageInput.load(Path.of("cat.jpg"), Preprocessing.imagenet());
 * try (NDManager scope = interpreter.newScope()) {
 *     NDArray x = in.toNDArray(scope);                        // (1, 3, 224, 224)
 *     ...
 * }
 * float[] onPhoto = in.geometry().heatmapToOriginal(map, 224, 224, Float.NaN);
 * }</pre>
 */
public final class ImageInput {
    private final String id;
    private final BufferedImage original;
    private final Preprocessing preprocessing;
    private final FloatImage input;
    private final Geometry geometry;

    private ImageInput(String id, BufferedImage original, Preprocessing preprocessing, Preprocessing.Result result) {
        this.id = id;
        this.original = original;
        this.preprocessing = preprocessing;
        this.input = result.image();
        this.geometry = result.geometry();
    }

    /** Decodes an image file (PNG, JPEG, BMP, GIF) and preprocesses it. */
    public static ImageInput load(Path file, Preprocessing preprocessing) {
        return of(ImageFiles.read(file), preprocessing, file.toString());
    }

    /** Preprocesses an image already in memory; {@code id} names it in results. */
    public static ImageInput of(BufferedImage image, Preprocessing preprocessing, String id) {
        return new ImageInput(id, image, preprocessing, preprocessing.apply(image));
    }

    /**
     * Several prepared images as one (N, C, H, W) batch.
     *
     * @throws netviz.ShapeMismatchException when they differ in size (use a crop so that they agree)
     */
    public static FloatArray stack(java.util.List<ImageInput> images) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no images to stack");
        }
        FloatImage first = images.get(0).input;
        int per = first.data().length;
        float[] out = new float[Math.multiplyExact(per, images.size())];
        for (int i = 0; i < images.size(); i++) {
            FloatImage f = images.get(i).input;
            if (f.channels() != first.channels() || f.height() != first.height() || f.width() != first.width()) {
                throw new netviz.ShapeMismatchException("images '" + images.get(0).id + "' and '" + images.get(i).id
                        + "' have different sizes after preprocessing (" + first.channels() + "x" + first.height() + "x"
                        + first.width() + " and " + f.channels() + "x" + f.height() + "x" + f.width()
                        + "); set a crop size so that they agree");
            }
            System.arraycopy(f.data(), 0, out, i * per, per);
        }
        return new FloatArray(out, new long[] {images.size(), first.channels(), first.height(), first.width()});
    }

    /** The file name or id this image was given. */
    public String id() {
        return id;
    }

    /** The image as decoded (do not modify it). */
    public BufferedImage original() {
        return original;
    }

    public Preprocessing preprocessing() {
        return preprocessing;
    }

    public Geometry geometry() {
        return geometry;
    }

    /** The model input as a (C, H, W) planar image (normalised values; shares its array). */
    public FloatImage image() {
        return input;
    }

    /** The model input values, (1, C, H, W) row-major (shared, do not modify). */
    public float[] data() {
        return input.data();
    }

    /** {1, C, H, W}. */
    public long[] shape() {
        return new long[] {1, input.channels(), input.height(), input.width()};
    }

    /** The model input as a (1, C, H, W) float array. */
    public FloatArray tensor() {
        return new FloatArray(input.data(), shape());
    }

    /** The model input as a float32 (1, C, H, W) NDArray in the caller's manager. */
    public NDArray toNDArray(NDManager manager) {
        return tensor().toNDArray(manager);
    }

    /** The model input as a (1, C, H, W) NDArray of the given floating type in the caller's manager. */
    public NDArray toNDArray(NDManager manager, DataType type) {
        return tensor().toNDArray(manager, type);
    }

    /** What the model sees, as an 8-bit picture (un-normalised, model-input geometry). */
    public BufferedImage inputImage() {
        return preprocessing.toImage(input);
    }

    /**
     * A tensor in model-input geometry (C, H, W values normalised like the input, e.g. an optimised or
     * perturbed input) drawn back onto the original image: un-normalised, resampled into the crop window,
     * original pixels elsewhere.
     */
    public BufferedImage toOriginal(float[] chw) {
        FloatImage f = new FloatImage(input.channels(), input.height(), input.width(), chw);
        return geometry.pasteOnOriginal(preprocessing.unnormalize(f), original);
    }

    /** A heatmap over the model input ({@code h x w}, any resolution) resampled onto the original image; NaN outside the crop. */
    public float[] heatmapOnOriginal(float[] map, int h, int w) {
        return geometry.heatmapToOriginal(map, h, w, Float.NaN);
    }

    @Override
    public String toString() {
        return "ImageInput[" + id + ", " + original.getWidth() + "x" + original.getHeight() + " -> "
                + input.channels() + "x" + input.height() + "x" + input.width() + "]";
    }
}
