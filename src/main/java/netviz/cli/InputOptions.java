package netviz.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import netviz.NetvizException;
import netviz.engine.Graph;
import netviz.engine.Tensor;
import netviz.image.ImageInput;
import netviz.image.Preprocessing;
import picocli.CommandLine.Mixin;
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

    @Mixin
    PreprocessingOptions preprocessing = new PreprocessingOptions();

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

    /**
     * The preprocessing flags as given on the command line (null fields: not given). To know what
     * will actually be applied (metadata and presets included), use {@link #preprocessing(Graph)}.
     */
    public record Flags(String preset, Integer size, Integer crop, float[] mean, float[] std, Integer channels) {
    }

    public Flags flags() {
        PreprocessingOptions p = preprocessing;
        return new Flags(p.preset, p.size, p.crop, p.mean, p.std, p.channels);
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

    /** The preprocessing for {@code graph} (see {@link PreprocessingOptions#resolve}). */
    public Preprocessing preprocessing(Graph graph) {
        return preprocessing.resolve(graph);
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
        Tensor b = Inputs.batched(t, path(), graph);
        return npy != null ? Inputs.channelsFirst(b, graph) : b;
    }

    /** {@link #tensor} as an NDArray in {@code manager} (float32). */
    public NDArray array(NDManager manager, Graph graph) {
        return tensor(graph).toNDArray(manager, DataType.FLOAT32);
    }
}
