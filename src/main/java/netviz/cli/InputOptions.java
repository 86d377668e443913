package netviz.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import netviz.NetvizException;
import netviz.engine.Graph;
import netviz.engine.Tensor;
import netviz.image.ImageInput;
import netviz.image.ModelConfig;
import netviz.image.Preprocessing;
import picocli.CommandLine.Option;

/**
 * Mixin for the model input: {@code --image I} (decoded and preprocessed) or {@code --input x.npy}
 * (a float32 array of shape (N,C,H,W) or (C,H,W), fed as it is). Preprocessing comes from the
 * model's metadata when it records it; otherwise {@code --preset} and the step flags decide, and
 * flags given explicitly always win.
 *
 * <pre>{@code
 * @Mixin InputOptions input;
 * ...
 * input.require();                                 // exactly one of --image / --input
 * NDArray x = input.array(scope, model.graph());   // (N,C,H,W) float32 in the caller's manager
 * }</pre>
 */
public final class InputOptions {
    @Option(names = {"-i", "--image"}, paramLabel = "IMAGE",
            description = "Input image (PNG, JPEG, BMP, GIF), preprocessed for the model.")
    Path image;

    @Option(names = "--input", paramLabel = "x.npy",
            description = "Input tensor: a NumPy float32 array (N,C,H,W) or (C,H,W), fed as it is.")
    Path npy;

    @Option(names = "--preset", paramLabel = "NAME",
            description = "Preprocessing preset when the model records none: imagenet, fashion-mnist, none.")
    String preset;

    @Option(names = "--size", paramLabel = "PX", description = "Resize the shorter side of the image to PX pixels.")
    Integer size;

    @Option(names = "--crop", paramLabel = "PX", description = "Centre-crop a PX×PX square after resizing.")
    Integer crop;

    @Option(names = "--mean", split = ",", paramLabel = "M", description = "Per-channel mean to subtract (after scaling to [0,1]).")
    float[] mean;

    @Option(names = "--std", split = ",", paramLabel = "S", description = "Per-channel standard deviation to divide by.")
    float[] std;

    @Option(names = "--channels", paramLabel = "C", description = "Number of channels: 1 (grayscale) or 3 (RGB).")
    Integer channels;

    public InputOptions() {
    }

    /** For tests and other surfaces: an input from a .npy file. */
    public static InputOptions ofNpy(Path file) {
        InputOptions o = new InputOptions();
        o.npy = file;
        return o;
    }

    /** For tests and other surfaces: an input from an image file with default preprocessing. */
    public static InputOptions ofImage(Path file) {
        InputOptions o = new InputOptions();
        o.image = file;
        return o;
    }

    /** True when {@code --image} or {@code --input} was given. */
    public boolean given() {
        return image != null || npy != null;
    }

    /** Checks that exactly one of {@code --image} and {@code --input} was given. */
    public InputOptions require() {
        if (image != null && npy != null) {
            throw new NetvizException("give either --image or --input, not both");
        }
        if (!given()) {
            throw new NetvizException("no input: give --image IMAGE or --input x.npy");
        }
        return this;
    }

    /** True for {@code --image}. */
    public boolean isImage() {
        return image != null;
    }

    /** The input file ({@code --image} or {@code --input}), or null. */
    public Path path() {
        return image != null ? image : npy;
    }

    /**
     * The preprocessing for {@code graph}: the named {@code --preset}, else the model's metadata
     * ({@code netviz.preprocessing}), else a guess from the declared input shape (see
     * {@link ModelConfig#resolvePreprocessing}); then each step flag given overrides its step.
     */
    public Preprocessing preprocessing(Graph graph) {
        Preprocessing p = ModelConfig.of(graph).resolvePreprocessing(preset, graph);
        if (channels != null) {
            p = p.withChannels(channels);
        }
        if (size != null) {
            p = p.withSize(size);
        }
        if (crop != null) {
            p = p.withCrop(crop);
        }
        if (mean != null) {
            p = p.withMean(mean);
        }
        if (std != null) {
            p = p.withStd(std);
        }
        if (graph.inputs().size() == 1) {
            p.checkFits(graph.inputs().get(0).dims(), graph.inputs().get(0).name());
        }
        return p;
    }

    /**
     * The {@code --image} decoded and preprocessed for {@code graph}, with its original and the
     * geometry that maps results back onto it (for overlays); a {@link NetvizException} when the
     * input is a {@code --input} array instead.
     */
    public ImageInput imageInput(Graph graph) {
        require();
        if (image == null) {
            throw new NetvizException("this needs an image (--image); --input '" + npy + "' is a raw array");
        }
        return ImageInput.load(image, preprocessing(graph));
    }

    /**
     * The input as a float32 tensor with a batch axis (N,C,H,W for an image model), preprocessed
     * for {@code graph} when it is an image.
     */
    public Tensor tensor(Graph graph) {
        require();
        Tensor t = npy != null ? Inputs.readNpy(npy) : imageInput(graph).tensor().toTensor();
        return Inputs.batched(t, path(), graph);
    }

    /** {@link #tensor} as an NDArray in {@code manager} (float32). */
    public NDArray array(NDManager manager, Graph graph) {
        return tensor(graph).toNDArray(manager, DataType.FLOAT32);
    }
}
