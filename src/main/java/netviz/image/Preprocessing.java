package netviz.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import netviz.InputFormatException;
import netviz.NetvizException;
import netviz.ShapeMismatchException;
import netviz.UnknownNameException;

/**
 * How an image becomes a model input, as torchvision's classic evaluation transform does it:
 * <ol>
 * <li><b>channels</b>: 1 (grayscale; RGB becomes luminance {@code L = 0.299 R + 0.587 G + 0.114 B},
 *     ITU-R 601-2 as PIL's {@code convert("L")}), 3 (RGB; grayscale is replicated), or 0 (keep the
 *     image's own);</li>
 * <li><b>resize</b> so that the shorter side is {@code size} pixels, keeping the aspect ratio (the
 *     longer side becomes {@code floor(size * long / short)} as in torchvision), with the bilinear
 *     filter of {@link Resampling} (antialiased when shrinking unless {@code antialias} is off);
 *     {@code size = 0} skips it;</li>
 * <li><b>centre crop</b> a {@code crop x crop} square, offsets {@code round((H - crop) / 2)} (half to
 *     even, like Python's {@code round}); a crop larger than the image zero-pads it, as torchvision does;
 *     {@code crop = 0} skips it;</li>
 * <li><b>scale</b> to [0, 1] (divide 8-bit values by 255);</li>
 * <li><b>normalise</b> each channel {@code c}: {@code (x - mean[c]) / std[c]}; an empty mean means 0,
 *     an empty std means 1, a single value applies to every channel.</li>
 * </ol>
 * Presets: {@code imagenet} (256 / 224, RGB, mean 0.485 0.456 0.406, std 0.229 0.224 0.225),
 * {@code fashion-mnist} (28 / 28, grayscale, no normalisation unless the model's metadata gives one) and
 * {@code none} (nothing but scaling to [0, 1]). Every step can be overridden with a {@code withX}
 * method. The record is immutable; the arrays it returns are copies.
 *
 * <p>JSON form (used in ONNX metadata under {@link ModelConfig#PREPROCESSING_KEY}): an object
 * {@code {"preset": "fashion-mnist", "size": 28, "crop": 28, "channels": 1, "mean": [0.286],
 * "std": [0.353]}}; every key is optional (missing keys take the named preset's value, or
 * {@code none}'s), {@code 0} / {@code null} / {@code []} turn a step off. An optional
 * {@code "antialias": false} is also read.
 *
 * @param preset    the preset this was derived from (a label: "imagenet", "fashion-mnist", "none", or
 *                  any name a model's metadata gives)
 * @param size      target length of the shorter side, 0 for no resizing
 * @param crop      side of the centre crop, 0 for no cropping
 * @param channels  1, 3, or 0 to keep the image's channels
 * @param mean      per-channel means (empty: no normalisation; one value: all channels)
 * @param std       per-channel standard deviations, same length as {@code mean}
 * @param antialias whether shrinking uses the widened (antialiasing) kernel
 */
public record Preprocessing(String preset, int size, int crop, int channels, float[] mean, float[] std,
                            boolean antialias) {
    /** The largest resize size and crop side, in pixels. */
    public static final int MAX_SIDE = 16384;


    /** Names of the built-in presets. */
    public static final List<String> PRESETS = List.of("imagenet", "fashion-mnist", "none");

    private static final ObjectMapper JSON = new ObjectMapper();

    public Preprocessing {
        if (preset == null || preset.isBlank()) {
            preset = "custom";
        }
        mean = mean == null ? new float[0] : mean.clone();
        std = std == null ? new float[0] : std.clone();
        if (size < 0 || size > MAX_SIDE) {
            throw new NetvizException("resize size must be between 1 and " + MAX_SIDE + " pixels (0 for no resize), not " + size);
        }
        if (crop < 0 || crop > MAX_SIDE) {
            throw new NetvizException("crop size must be between 1 and " + MAX_SIDE + " pixels (0 for no crop), not " + crop);
        }
        if (channels != 0 && channels != 1 && channels != 3) {
            throw new NetvizException("channels must be 1 (grayscale) or 3 (RGB), not " + channels);
        }
        if (mean.length > 1 && std.length > 1 && mean.length != std.length) {
            throw new NetvizException("mean has " + mean.length + " values but std has " + std.length
                    + "; give one value per channel (or one for all) for both");
        }
        for (float[] v : new float[][] {mean, std}) {
            if (v.length > 1 && channels != 0 && v.length != channels) {
                throw new NetvizException((v == mean ? "mean" : "std") + " has " + v.length + " values but the image has "
                        + channels + " channel" + (channels == 1 ? "" : "s") + "; give " + channels + " values or 1");
            }
        }
        for (float s : std) {
            if (!(s > 0) || Float.isInfinite(s)) {
                throw new NetvizException("every std value must be a positive number, not " + s);
            }
        }
        for (float m : mean) {
            if (!Float.isFinite(m)) {
                throw new NetvizException("every mean value must be a finite number, not " + m);
            }
        }
    }

    /** ImageNet evaluation: resize 256, centre crop 224, RGB, torchvision's mean and std. */
    public static Preprocessing imagenet() {
        return new Preprocessing("imagenet", 256, 224, 3, new float[] {0.485f, 0.456f, 0.406f},
                new float[] {0.229f, 0.224f, 0.225f}, true);
    }

    /** Fashion-MNIST: 28x28 grayscale in [0, 1]; give the model's own mean/std with {@link #withMean}/{@link #withStd}. */
    public static Preprocessing fashionMnist() {
        return new Preprocessing("fashion-mnist", 28, 28, 1, new float[0], new float[0], true);
    }

    /** Only scaling to [0, 1]: no resizing, cropping, channel change or normalisation. */
    public static Preprocessing none() {
        return new Preprocessing("none", 0, 0, 0, new float[0], new float[0], true);
    }

    /** A preset by name ({@code imagenet}, {@code fashion-mnist}, {@code none}; case and _/- insensitive). */
    public static Preprocessing preset(String name) {
        String n = name.toLowerCase(Locale.ROOT).replace('_', '-').strip();
        switch (n) {
            case "imagenet": return imagenet();
            case "fashion-mnist": case "fashionmnist": return fashionMnist();
            case "none": return none();
            default: throw new UnknownNameException("preprocessing preset", name, PRESETS);
        }
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    public Preprocessing withPreset(String name) {
        return new Preprocessing(name, size, crop, channels, mean, std, antialias);
    }

    public Preprocessing withSize(int newSize) {
        return new Preprocessing(preset, newSize, crop, channels, mean, std, antialias);
    }

    public Preprocessing withCrop(int newCrop) {
        return new Preprocessing(preset, size, newCrop, channels, mean, std, antialias);
    }

    /**
     * With another channel count. Per-channel mean/std that no longer fit (3 values for 1 channel) are
     * reduced to their average, a single value is kept for all channels.
     */
    public Preprocessing withChannels(int newChannels) {
        float[] m = mean.length > 1 && newChannels != 0 && mean.length != newChannels ? new float[] {average(mean)} : mean;
        float[] s = std.length > 1 && newChannels != 0 && std.length != newChannels ? new float[] {average(std)} : std;
        return new Preprocessing(preset, size, crop, newChannels, m, s, antialias);
    }

    private static float average(float[] v) {
        double t = 0;
        for (float x : v) {
            t += x;
        }
        return (float) (t / v.length);
    }

    /** With these per-channel means (empty: subtract nothing; one value: the same for every channel). */
    public Preprocessing withMean(float... newMean) {
        return new Preprocessing(preset, size, crop, channels, newMean, std, antialias);
    }

    /** With these per-channel standard deviations (empty: divide by 1; one value: the same for every channel). */
    public Preprocessing withStd(float... newStd) {
        return new Preprocessing(preset, size, crop, channels, mean, newStd, antialias);
    }

    /** With mean and std together (both may be empty for no normalisation). */
    public Preprocessing withNormalization(float[] newMean, float[] newStd) {
        return new Preprocessing(preset, size, crop, channels, newMean, newStd, antialias);
    }

    public Preprocessing withAntialias(boolean on) {
        return new Preprocessing(preset, size, crop, channels, mean, std, on);
    }

    /**
     * Fills what this leaves open from a model's declared input shape (N, C, H, W): the channel count
     * when it is 0. Nothing that was set is changed.
     */
    public Preprocessing fitTo(long[] inputDims) {
        if (channels == 0 && inputDims != null && inputDims.length == 4 && (inputDims[1] == 1 || inputDims[1] == 3)) {
            return withChannels((int) inputDims[1]);
        }
        return this;
    }

    /**
     * Checks this against a model's declared input shape (N, C, H, W; -1 for a free dimension): the
     * channel count and the crop must agree with the declared sizes.
     *
     * @throws ShapeMismatchException naming the model's shape and the preprocessing's output
     */
    public void checkFits(long[] inputDims, String inputName) {
        if (inputDims == null || inputDims.length != 4) {
            return;
        }
        if (channels != 0 && inputDims[1] > 0 && inputDims[1] != channels) {
            throw new ShapeMismatchException("model input '" + inputName + "' expects " + inputDims[1]
                    + " channel(s) but the preprocessing (" + preset + ") makes " + channels + "; use --channels "
                    + inputDims[1]);
        }
        if (crop != 0 && ((inputDims[2] > 0 && inputDims[2] != crop) || (inputDims[3] > 0 && inputDims[3] != crop))) {
            throw new ShapeMismatchException("model input '" + inputName + "' expects " + inputDims[2] + "x" + inputDims[3]
                    + " images but the preprocessing (" + preset + ") crops " + crop + "x" + crop
                    + (inputDims[2] != inputDims[3] && inputDims[2] > 0 && inputDims[3] > 0
                            ? "; netviz crops squares, so it cannot feed this model images (give --input x.npy)"
                            : Math.max(inputDims[2], inputDims[3]) > MAX_SIDE
                            ? "; that is more than the largest crop netviz makes (" + MAX_SIDE + "); give --input x.npy"
                            : "; use --crop " + Math.max(inputDims[2], inputDims[3])));
        }
    }

    /** The output (C, H, W) for an input image of the given size. */
    public int[] outputShape(int imageChannels, int imageHeight, int imageWidth) {
        int[] r = resizedSize(imageHeight, imageWidth);
        int c = channels == 0 ? imageChannels : channels;
        return crop == 0 ? new int[] {c, r[0], r[1]} : new int[] {c, crop, crop};
    }

    /**
     * Refuses a resize plan whose result exceeds {@link Images#MAX_PIXELS} (a 2,000,000 × 1 image
     * resized to a shorter side of 28 would be 56,000,000 × 28), before anything is allocated.
     */
    void checkResizedSize(int h, int w, int[] rs) {
        long pixels = (long) rs[0] * rs[1];
        if (pixels > ImageFiles.MAX_PIXELS || rs[0] <= 0 || rs[1] <= 0) {
            throw new InputFormatException(String.format(java.util.Locale.ROOT,
                    "a %dx%d image resized so that its shorter side is %d pixels would be %dx%d = %,d pixels, more "
                            + "than the %,d netviz handles; crop the image to a less extreme aspect ratio first",
                    w, h, size, rs[1], rs[0], pixels, ImageFiles.MAX_PIXELS));
        }
    }

    /** {height, width} after the resize step. */
    int[] resizedSize(int h, int w) {
        if (size == 0 || h == 0 || w == 0) {
            return new int[] {h, w};
        }
        int shorter = Math.min(h, w);
        int longer = Math.max(h, w);
        if (shorter == size) {
            return new int[] {h, w};
        }
        int newLong = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (long) ((double) size * longer / shorter)));
        return h <= w ? new int[] {size, newLong} : new int[] {newLong, size};
    }

    /** A preprocessed image and where it came from. */
    public record Result(FloatImage image, Geometry geometry) {
    }

    /** Preprocesses a decoded image (8-bit values). */
    public Result apply(BufferedImage image) {
        return apply(FloatImage.of(image), 255f);
    }

    /**
     * Preprocesses pixels whose full intensity is {@code white} (255 for 8-bit images, 1 for values
     * already in [0, 1]).
     */
    public Result apply(FloatImage pixels, float white) {
        // RGB -> gray first (less to resize); gray -> RGB last (replication commutes with every step).
        FloatImage img = channels == 1 && pixels.channels() == 3 ? luminance(pixels) : pixels;
        int c = channels == 0 ? img.channels() : channels;
        if (img.channels() != c && img.channels() != 1) {
            throw new ShapeMismatchException("cannot turn a " + img.channels() + "-channel image into " + c
                    + " channels (netviz converts between 1 and 3)");
        }
        int[] rs = resizedSize(img.height(), img.width());
        checkResizedSize(img.height(), img.width(), rs);
        FloatImage resized = Resampling.resize(img, rs[0], rs[1], antialias);
        int outH = crop == 0 ? rs[0] : crop;
        int outW = crop == 0 ? rs[1] : crop;
        if ((long) outH * outW * c > 3 * ImageFiles.MAX_PIXELS) {
            throw new InputFormatException(String.format(Locale.ROOT, "the preprocessed image would be %d x %d x %d "
                    + "values, more than netviz handles (%,d pixels); use a smaller --crop", c, outH, outW, ImageFiles.MAX_PIXELS));
        }
        int top = offset(rs[0], outH);
        int left = offset(rs[1], outW);
        float[] out = new float[c * outH * outW];
        float[] m = perChannel(mean, c, 0f);
        float[] s = perChannel(std, c, 1f);
        float[] src = resized.data();
        int plane = rs[0] * rs[1];
        for (int ch = 0; ch < c; ch++) {
            float k = 1f / (white * s[ch]);
            float b = m[ch] / s[ch];
            int srcPlane = (resized.channels() == 1 ? 0 : ch) * plane;
            for (int y = 0; y < outH; y++) {
                int sy = y + top;
                int o = (ch * outH + y) * outW;
                boolean rowInside = sy >= 0 && sy < rs[0];
                for (int x = 0; x < outW; x++) {
                    int sx = x + left;
                    float v = rowInside && sx >= 0 && sx < rs[1] ? src[srcPlane + sy * rs[1] + sx] : 0f;
                    out[o + x] = v * k - b;
                }
            }
        }
        Geometry g = new Geometry(pixels.width(), pixels.height(), rs[1], rs[0], left, top, outW, outH);
        return new Result(new FloatImage(c, outH, outW, out), g);
    }

    private static FloatImage luminance(FloatImage img) {
        int plane = img.planeSize();
        float[] d = img.data();
        float[] out = new float[plane];
        for (int i = 0; i < plane; i++) {
            out[i] = 0.299f * d[i] + 0.587f * d[plane + i] + 0.114f * d[2 * plane + i];
        }
        return new FloatImage(1, img.height(), img.width(), out);
    }

    /** Crop offset: round((in - out) / 2) half to even when cropping, -floor((out - in) / 2) when padding. */
    static int offset(int in, int out) {
        return in >= out ? (int) Math.rint((in - out) / 2.0) : -((out - in) / 2);
    }

    private static float[] perChannel(float[] v, int c, float none) {
        float[] out = new float[c];
        if (v.length == 0) {
            Arrays.fill(out, none);
        } else if (v.length == 1) {
            Arrays.fill(out, v[0]);
        } else if (v.length == c) {
            System.arraycopy(v, 0, out, 0, c);
        } else {
            throw new ShapeMismatchException("mean/std have " + v.length + " values but the image has " + c
                    + " channels; give " + c + " values or 1");
        }
        return out;
    }

    /** Undoes normalisation: values back in [0, 1] scale ({@code x * std + mean}). */
    public FloatImage unnormalize(FloatImage normalised) {
        int c = normalised.channels();
        float[] m = perChannel(mean, c, 0f);
        float[] s = perChannel(std, c, 1f);
        float[] in = normalised.data();
        float[] out = new float[in.length];
        int plane = normalised.planeSize();
        for (int ch = 0; ch < c; ch++) {
            for (int i = ch * plane; i < (ch + 1) * plane; i++) {
                out[i] = in[i] * s[ch] + m[ch];
            }
        }
        return new FloatImage(c, normalised.height(), normalised.width(), out);
    }

    /** A model input (C, H, W values as this preprocessing made them) shown as an 8-bit image. */
    public BufferedImage toImage(FloatImage normalised) {
        return unnormalize(normalised).toBufferedImage(1f);
    }

    /** This preprocessing as the JSON object described in the class comment. */
    public String toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("preset", preset);
        o.put("size", size);
        o.put("crop", crop);
        o.put("channels", channels);
        ArrayNode m = o.putArray("mean");
        for (float v : mean) {
            m.add(v);
        }
        ArrayNode s = o.putArray("std");
        for (float v : std) {
            s.add(v);
        }
        if (!antialias) {
            o.put("antialias", false);
        }
        return o.toString();
    }

    /**
     * Parses the JSON form (see the class comment).
     *
     * @throws NetvizException naming the bad key
     */
    public static Preprocessing fromJson(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new NetvizException("preprocessing is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new NetvizException("preprocessing must be a JSON object like {\"preset\":\"imagenet\",\"size\":256,"
                    + "\"crop\":224,\"channels\":3,\"mean\":[...],\"std\":[...]}, not " + json);
        }
        java.util.Set<String> known = java.util.Set.of("preset", "size", "crop", "channels", "mean", "std", "antialias");
        for (java.util.Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!known.contains(k)) {
                throw new UnknownNameException("preprocessing key", k, known);
            }
        }
        Preprocessing p = none();
        JsonNode presetNode = root.get("preset");
        if (presetNode != null && !presetNode.isNull()) {
            if (!presetNode.isTextual()) {
                throw new NetvizException("preprocessing \"preset\" must be a string, not " + presetNode);
            }
            String name = presetNode.asText();
            try {
                p = preset(name);
            } catch (UnknownNameException e) {
                p = none().withPreset(name);
            }
        }
        int size = intField(root, "size", p.size);
        int crop = intField(root, "crop", p.crop);
        int channels = intField(root, "channels", p.channels);
        float[] mean = floatsField(root, "mean", p.mean);
        float[] std = floatsField(root, "std", p.std);
        boolean aa = p.antialias;
        JsonNode a = root.get("antialias");
        if (a != null && !a.isNull()) {
            if (!a.isBoolean()) {
                throw new NetvizException("preprocessing \"antialias\" must be true or false, not " + a);
            }
            aa = a.asBoolean();
        }
        return new Preprocessing(p.preset, size, crop, channels, mean, std, aa);
    }

    private static int intField(JsonNode root, String key, int dflt) {
        JsonNode n = root.get(key);
        if (n == null) {
            return dflt;
        }
        if (n.isNull()) {
            return 0;
        }
        if (!n.canConvertToInt() || !n.isIntegralNumber()) {
            throw new NetvizException("preprocessing \"" + key + "\" must be a whole number, not " + n);
        }
        return n.asInt();
    }

    private static float[] floatsField(JsonNode root, String key, float[] dflt) {
        JsonNode n = root.get(key);
        if (n == null) {
            return dflt;
        }
        if (n.isNull()) {
            return new float[0];
        }
        if (n.isNumber()) {
            return new float[] {(float) n.asDouble()};
        }
        if (!n.isArray()) {
            throw new NetvizException("preprocessing \"" + key + "\" must be an array of numbers, not " + n);
        }
        float[] out = new float[n.size()];
        for (int i = 0; i < out.length; i++) {
            if (!n.get(i).isNumber()) {
                throw new NetvizException("preprocessing \"" + key + "\" must be an array of numbers, not " + n);
            }
            out[i] = (float) n.get(i).asDouble();
        }
        return out;
    }

    /** One line for humans, e.g. "imagenet: RGB, resize 256 (bilinear, antialiased), crop 224, [0,1], mean [...], std [...]". */
    public String describe() {
        StringBuilder b = new StringBuilder(preset).append(": ");
        b.append(channels == 0 ? "image's own channels" : channels == 1 ? "grayscale" : "RGB");
        b.append(size == 0 ? ", no resize" : ", resize shorter side to " + size + " (bilinear" + (antialias ? ", antialiased" : "") + ")");
        b.append(crop == 0 ? ", no crop" : ", centre crop " + crop + "x" + crop);
        b.append(", scale to [0,1]");
        if (mean.length > 0) {
            b.append(", mean ").append(Arrays.toString(mean));
        }
        if (std.length > 0) {
            b.append(", std ").append(Arrays.toString(std));
        }
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Preprocessing p && p.preset.equals(preset) && p.size == size && p.crop == crop
                && p.channels == channels && Arrays.equals(p.mean, mean) && Arrays.equals(p.std, std)
                && p.antialias == antialias;
    }

    @Override
    public int hashCode() {
        return ((preset.hashCode() * 31 + size) * 31 + crop) * 31 + channels + Arrays.hashCode(mean) * 7 + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Preprocessing[" + describe() + "]";
    }
}
