package netviz.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import java.util.List;
import java.util.Map;
import netviz.NetvizException;
import netviz.engine.Attribute;
import netviz.engine.Graph;
import netviz.engine.Tensor;
import netviz.engine.ValueInfo;
import netviz.onnx.GraphBuilder;

/**
 * The image generator G of DGN-AM (Nguyen, Dosovitskiy, Yosinski, Brox &amp; Clune, "Synthesizing
 * the preferred inputs for neurons in neural networks via deep generator networks", NIPS 2016),
 * scaled down to small grey images: an up-convolutional decoder in the style of Dosovitskiy &amp;
 * Brox ("Generating Images with Perceptual Similarity Metrics based on Deep Networks", NIPS 2016),
 * with nearest-neighbour 2× upsampling followed by 3×3 convolutions instead of transposed
 * convolutions (which PyTorch's DJL binding cannot train):
 * <pre>
 * code   [N,D]                   the classifier's hidden features h
 * fc     Gemm D→64·(H/4)·(W/4)   Relu, reshape to [N,64,H/4,W/4]
 * up1    nearest 2×              [N,64,H/2,W/2]
 * conv1  Conv 3×3 64→32, pad 1   Relu
 * up2    nearest 2×              [N,32,H,W]
 * conv2  Conv 3×3 32→8, pad 1    Relu
 * conv3  Conv 3×3 8→C, pad 1    Sigmoid: pixels p in [0,1]
 * image  (p - mean) / std        [N,C,H,W]  the classifier's (normalised) input
 * </pre>
 * The last step applies the classifier's preprocessing normalisation inside G, so G's output
 * feeds the classifier directly and every image G can draw is a valid image. In ONNX the
 * nearest upsampling is Reshape [N,C,h,1,w,1] → Tile [1,1,1,2,1,2] → Reshape [N,C,2h,2w], which
 * uses only opset-13 operators every runtime has.
 */
public final class GeneratorNet {
    /** ONNX opset of the export. */
    public static final int OPSET = 13;
    /** Name of G's input (the code). */
    public static final String INPUT = "code";
    /** Name of G's output (the normalised image). */
    public static final String OUTPUT = "image";
    /** Name of the [0,1] pixel tensor inside the exported graph. */
    public static final String PIXELS = "pixels";
    static final int W0 = 64;
    static final int W1 = 32;
    static final int W2 = 8;

    private final int codeSize;
    private final int channels;
    private final int height;
    private final int width;
    private final Linear fc;
    private final Conv2d conv1;
    private final Conv2d conv2;
    private final Conv2d conv3;
    private final SequentialBlock block;

    /**
     * @param codeSize D, the length of the code
     * @param channels C of the image
     * @param height H (a multiple of 4)
     * @param width W (a multiple of 4)
     */
    public GeneratorNet(int codeSize, int channels, int height, int width) {
        if (codeSize < 1) {
            throw new NetvizException("the generator's code needs at least one dimension, got " + codeSize);
        }
        if (height < 4 || width < 4 || height % 4 != 0 || width % 4 != 0) {
            throw new NetvizException("the generator draws images whose height and width are multiples of 4; the"
                    + " classifier's input is " + height + "x" + width);
        }
        this.codeSize = codeSize;
        this.channels = channels;
        this.height = height;
        this.width = width;
        int h0 = height / 4;
        int w0 = width / 4;
        fc = Linear.builder().setUnits((long) W0 * h0 * w0).build();
        conv1 = conv(W1);
        conv2 = conv(W2);
        conv3 = conv(channels);
        block = new SequentialBlock()
                .add(fc).add(Activation.reluBlock())
                .add(new LambdaBlock(l -> new NDList(l.singletonOrThrow().reshape(-1, W0, h0, w0)), "reshape"))
                .add(new LambdaBlock(l -> new NDList(upsample(l.singletonOrThrow())), "up1"))
                .add(conv1).add(Activation.reluBlock())
                .add(new LambdaBlock(l -> new NDList(upsample(l.singletonOrThrow())), "up2"))
                .add(conv2).add(Activation.reluBlock())
                .add(conv3).add(Activation.sigmoidBlock());
    }

    private static Conv2d conv(int filters) {
        return Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(filters).build();
    }

    /** Nearest-neighbour 2× upsampling of a [N,C,h,w] array (differentiable: reshape and broadcast). */
    static NDArray upsample(NDArray x) {
        Shape s = x.getShape();
        long n = s.get(0);
        long c = s.get(1);
        long h = s.get(2);
        long w = s.get(3);
        return x.reshape(n, c, h, 1, w, 1).broadcast(n, c, h, 2, w, 2).reshape(n, c, 2 * h, 2 * w);
    }

    /** The DJL block: code [N,D] → pixels in [0,1], [N,C,H,W] (the normalisation is applied by the caller). */
    public Block block() {
        return block;
    }

    public int codeSize() {
        return codeSize;
    }

    /** Input shape of the block for initialisation. */
    public Shape inputShape(int batch) {
        return new Shape(batch, codeSize);
    }

    /** Parameters of the network. */
    public long parameterCount() {
        long h0 = height / 4;
        long w0 = width / 4;
        return (long) codeSize * W0 * h0 * w0 + W0 * h0 * w0
                + 9L * W0 * W1 + W1 + 9L * W1 * W2 + W2 + 9L * W2 * channels + channels;
    }

    /**
     * The trained G as an ONNX graph: input {@value #INPUT} [N,D], output {@value #OUTPUT}
     * [N,C,H,W] = (sigmoid(...) - mean) / std, with the given metadata_props.
     */
    public Graph toGraph(float[] mean, float[] std, Map<String, String> metadata) {
        GraphBuilder g = new GraphBuilder("dgn-generator", OPSET);
        int h0 = height / 4;
        int w0 = width / 4;
        String x = g.input(INPUT, -1, codeSize);
        String w = g.initializer("fc.weight", param(fc, "weight"));
        String b = g.initializer("fc.bias", param(fc, "bias"));
        x = node(g, "Gemm", "fc", List.of(x, w, b), Attribute.ofFloat("alpha", 1f), Attribute.ofFloat("beta", 1f),
                Attribute.ofInt("transA", 0), Attribute.ofInt("transB", 1));
        x = node(g, "Relu", "fc_relu", List.of(x));
        String shape0 = g.initializer("reshape.shape", Tensor.ofLongs(new long[] {4}, -1, W0, h0, w0));
        x = node(g, "Reshape", "reshape", List.of(x, shape0));
        x = upsample(g, x, "up1", W0, h0, w0);
        x = conv(g, x, conv1, "conv1");
        x = node(g, "Relu", "relu1", List.of(x));
        x = upsample(g, x, "up2", W1, 2 * h0, 2 * w0);
        x = conv(g, x, conv2, "conv2");
        x = node(g, "Relu", "relu2", List.of(x));
        x = conv(g, x, conv3, "conv3");
        x = node(g, "Sigmoid", PIXELS, List.of(x));
        float[] m = new float[channels];
        float[] s = new float[channels];
        for (int c = 0; c < channels; c++) {
            m[c] = mean.length == 0 ? 0f : mean[Math.min(c, mean.length - 1)];
            s[c] = std.length == 0 ? 1f : std[Math.min(c, std.length - 1)];
        }
        String mt = g.initializer("normalize.mean", Tensor.ofFloats(new long[] {1, channels, 1, 1}, m));
        String st = g.initializer("normalize.std", Tensor.ofFloats(new long[] {1, channels, 1, 1}, s));
        x = node(g, "Sub", "centre", List.of(x, mt));
        x = node(g, "Div", OUTPUT, List.of(x, st));
        g.output(new ValueInfo(x, Tensor.ElementType.FLOAT, new long[] {-1, channels, height, width},
                List.of("N", "", "", "")));
        metadata.forEach(g::metadata);
        return g.build();
    }

    private static String upsample(GraphBuilder g, String x, String name, int c, int h, int w) {
        String s1 = g.initializer(name + ".split_shape", Tensor.ofLongs(new long[] {6}, -1, c, h, 1, w, 1));
        String reps = g.initializer(name + ".tile_repeats", Tensor.ofLongs(new long[] {6}, 1, 1, 1, 2, 1, 2));
        String s2 = g.initializer(name + ".merge_shape", Tensor.ofLongs(new long[] {4}, -1, c, 2L * h, 2L * w));
        String a = node(g, "Reshape", name + ".split", List.of(x, s1));
        String t = node(g, "Tile", name + ".tile", List.of(a, reps));
        return node(g, "Reshape", name, List.of(t, s2));
    }

    private static String conv(GraphBuilder g, String x, Conv2d conv, String name) {
        String w = g.initializer(name + ".weight", param(conv, "weight"));
        String b = g.initializer(name + ".bias", param(conv, "bias"));
        return node(g, "Conv", name, List.of(x, w, b), Attribute.ofInts("kernel_shape", 3, 3),
                Attribute.ofInts("pads", 1, 1, 1, 1), Attribute.ofInts("strides", 1, 1),
                Attribute.ofInts("dilations", 1, 1), Attribute.ofInt("group", 1));
    }

    private static String node(GraphBuilder g, String op, String name, List<String> inputs, Attribute... attrs) {
        g.node(op, name, inputs, List.of(name), attrs);
        return name;
    }

    private static Tensor param(Block b, String name) {
        NDArray a = b.getParameters().get(name).getArray();
        if (a.getDataType() != DataType.FLOAT32) {
            throw new IllegalStateException("parameter " + name + " is " + a.getDataType() + ", expected float32");
        }
        return Tensor.of(a);
    }
}
