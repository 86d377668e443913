package netviz.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import java.util.List;
import netviz.engine.Attribute;
import netviz.engine.Graph;
import netviz.engine.Tensor;
import netviz.engine.ValueInfo;
import netviz.onnx.GraphBuilder;

/**
 * The demo classifier's architecture, a small VGG-style network (Simonyan &amp; Zisserman, "Very
 * Deep Convolutional Networks for Large-Scale Image Recognition", ICLR 2015: stacks of 3×3
 * convolutions with ReLU, 2×2 max-pooling between blocks, fully connected layers on top):
 * <pre>
 * input  [N,1,28,28]  normalised grey pixels (p/255 - mean) / std
 * conv1  Conv 3×3, 32 filters, pad 1   [N,32,28,28]    relu1  Relu
 * pool1  MaxPool 2×2, stride 2          [N,32,14,14]
 * conv2  Conv 3×3, 64 filters, pad 1   [N,64,14,14]    relu2  Relu
 * pool2  MaxPool 2×2, stride 2          [N,64,7,7]
 * flatten Flatten                       [N,3136]
 * fc1    Gemm 3136→128 (transB=1)      [N,128]         relu3  Relu   (dropout 0.5 while training)
 * fc2    Gemm 128→10 (transB=1)        [N,10]          the logits
 * softmax Softmax axis 1               [N,10]          the graph output: class probabilities
 * </pre>
 * In the exported ONNX each node's name is also the name of its output tensor, so {@code conv2},
 * {@code relu2}, {@code fc2} name both a layer and its activation; parameters are initializers
 * {@code conv1.weight}, {@code conv1.bias}, ... Dropout is the identity at inference and is not
 * exported.
 */
public final class FashionMnistCnn {
    /** Filters of the first convolution. */
    public static final int CONV1_FILTERS = 32;
    /** Filters of the second convolution. */
    public static final int CONV2_FILTERS = 64;
    /** Units of the hidden fully connected layer. */
    public static final int HIDDEN = 128;
    /** Dropout rate after the hidden layer while training. */
    public static final float DROPOUT = 0.5f;
    /** ONNX opset the export declares. */
    public static final int OPSET = 13;
    /** Name of the model input. */
    public static final String INPUT = "input";
    /** Name of the logits tensor (and node). */
    public static final String LOGITS = "fc2";
    /** Name of the probabilities tensor (and node), the model's output. */
    public static final String OUTPUT = "softmax";

    private final Conv2d conv1;
    private final Conv2d conv2;
    private final Linear fc1;
    private final Linear fc2;
    private final SequentialBlock block;

    public FashionMnistCnn() {
        conv1 = conv(CONV1_FILTERS);
        conv2 = conv(CONV2_FILTERS);
        fc1 = Linear.builder().setUnits(HIDDEN).build();
        fc2 = Linear.builder().setUnits(FashionMnistSplit.CLASSES).build();
        block = new SequentialBlock()
                .add(conv1).add(Activation.reluBlock()).add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(conv2).add(Activation.reluBlock()).add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(Blocks.batchFlattenBlock())
                .add(fc1).add(Activation.reluBlock()).add(Dropout.builder().optRate(DROPOUT).build())
                .add(fc2);
    }

    private static Conv2d conv(int filters) {
        return Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(filters).build();
    }

    /** The DJL block (input [N,1,28,28] → logits [N,10]) to train. */
    public Block block() {
        return block;
    }

    /**
     * The trained network as an ONNX graph (opset 13) with the given metadata_props; parameters
     * are copied from the DJL block, which must be initialised.
     */
    public Graph toGraph(java.util.Map<String, String> metadata) {
        GraphBuilder g = new GraphBuilder("fashion-mnist-cnn", OPSET);
        String x = g.input(INPUT, -1, 1, FashionMnistSplit.SIDE, FashionMnistSplit.SIDE);
        x = convRelu(g, x, conv1, "conv1", "relu1");
        x = maxPool(g, x, "pool1");
        x = convRelu(g, x, conv2, "conv2", "relu2");
        x = maxPool(g, x, "pool2");
        x = node(g, "Flatten", "flatten", List.of(x), Attribute.ofInt("axis", 1));
        x = gemm(g, x, fc1, "fc1");
        x = node(g, "Relu", "relu3", List.of(x));
        x = gemm(g, x, fc2, LOGITS);
        x = node(g, "Softmax", OUTPUT, List.of(x), Attribute.ofInt("axis", 1));
        g.output(new ValueInfo(x, Tensor.ElementType.FLOAT, new long[] {-1, FashionMnistSplit.CLASSES}, List.of("N", "")));
        metadata.forEach(g::metadata);
        return g.build();
    }

    private static String node(GraphBuilder g, String op, String name, List<String> inputs, Attribute... attrs) {
        g.node(op, name, inputs, List.of(name), attrs);
        return name;
    }

    private static String convRelu(GraphBuilder g, String x, Conv2d conv, String convName, String reluName) {
        String w = g.initializer(convName + ".weight", param(conv, "weight"));
        String b = g.initializer(convName + ".bias", param(conv, "bias"));
        String c = node(g, "Conv", convName, List.of(x, w, b), Attribute.ofInts("kernel_shape", 3, 3),
                Attribute.ofInts("pads", 1, 1, 1, 1), Attribute.ofInts("strides", 1, 1),
                Attribute.ofInts("dilations", 1, 1), Attribute.ofInt("group", 1));
        return node(g, "Relu", reluName, List.of(c));
    }

    private static String maxPool(GraphBuilder g, String x, String name) {
        return node(g, "MaxPool", name, List.of(x), Attribute.ofInts("kernel_shape", 2, 2),
                Attribute.ofInts("strides", 2, 2), Attribute.ofInts("pads", 0, 0, 0, 0));
    }

    private static String gemm(GraphBuilder g, String x, Linear fc, String name) {
        String w = g.initializer(name + ".weight", param(fc, "weight"));
        String b = g.initializer(name + ".bias", param(fc, "bias"));
        return node(g, "Gemm", name, List.of(x, w, b), Attribute.ofFloat("alpha", 1f), Attribute.ofFloat("beta", 1f),
                Attribute.ofInt("transA", 0), Attribute.ofInt("transB", 1));
    }

    private static Tensor param(Block b, String name) {
        NDArray a = b.getParameters().get(name).getArray();
        if (a.getDataType() != DataType.FLOAT32) {
            throw new IllegalStateException("parameter " + name + " is " + a.getDataType() + ", expected float32");
        }
        return Tensor.of(a);
    }
}
