package netviz.zoo;

import java.util.ArrayList;
import java.util.List;
import netviz.engine.Attribute;
import netviz.engine.Graph;
import netviz.engine.Tensor;

/**
 * Small-width models shaped like the classic vision classifiers of the ONNX model zoo and of
 * torchvision exports, built in code with seeded random weights (He scaling), each at an opset
 * between 7 and 18 and written the way an exporter writes that opset. They exercise every operator
 * that the interpreter must support: AlexNet (LRN, grouped conv, MaxPool, Gemm, Dropout, Flatten), VGG, ResNet v1
 * and v2, Inception/GoogLeNet, MobileNet v2 and v3, DenseNet, SqueezeNet, ShuffleNet,
 * EfficientNet, and the exporters' shape plumbing. {@link #resnet18} is the full-width ResNet-18
 * shape used by the benchmark.
 */
public final class ModelZoo {
    private ModelZoo() {
    }

    /**
     * One zoo model.
     *
     * @param inputShape the concrete shape fed in tests (the graph declares a symbolic batch axis)
     * @param logits the pre-softmax class scores (the objective of the gradient checks)
     * @param probes intermediate float tensors whose values and gradients are checked
     */
    public record ZooModel(String name, int opset, Graph graph, long[] inputShape, String logits, List<String> probes) {
        @Override
        public String toString() {
            return name;
        }

        public String input() {
            return graph.inputs().get(0).name();
        }
    }

    /**
     * Every small zoo model (each at its opset; some with a batch larger than one). The transformers
     * ({@link #vit}, {@link #swin}) are checked by {@code TransformerZooTest} with the same oracles.
     */
    public static List<ZooModel> all() {
        List<ZooModel> m = new ArrayList<>();
        m.add(alexnet(7, 1));
        m.add(vgg(9, 1));
        m.add(resnetV1(11, 1));
        m.add(resnetV1(8, 3));
        m.add(resnetV2(13, 1));
        m.add(inception(10, 1));
        m.add(mobilenetV2(9, 2));
        m.add(mobilenetV2(11, 1));
        m.add(mobilenetV3(12, 1));
        m.add(mobilenetV3(14, 2));
        m.add(mobilenetV3(18, 1));
        m.add(densenet(12, 1));
        m.add(squeezenet(10, 1));
        m.add(squeezenet(7, 2));
        m.add(shufflenet(9, 1));
        m.add(shufflenet(11, 1));
        m.add(shufflenet(13, 2));
        m.add(shufflenet(18, 1));
        m.add(efficientnet(17, 1));
        m.add(efficientnet(18, 2));
        m.add(exporterPlumbing(7, 2));
        m.add(exporterPlumbing(13, 1));
        return m;
    }

    /** The zoo model of that name (e.g. "resnet_v1_op11_n1"). */
    public static ZooModel named(String name) {
        return all().stream().filter(z -> z.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no zoo model " + name));
    }

    private static String name(String family, int opset, int batch) {
        return family + "_op" + opset + "_n" + batch;
    }

    private static ZooModel finish(Net net, String family, int batch, long[] chw, String logits, String out) {
        net.b.output(out);
        if (!out.equals(logits)) {
            net.b.output(logits);
        }
        long[] shape = {batch, chw[0], chw[1], chw[2]};
        return new ZooModel(name(family, net.opset, batch), net.opset, net.build(), shape, logits,
                List.copyOf(net.probes));
    }

    // ------------------------------------------------------------ AlexNet

    /** AlexNet (Krizhevsky et al. 2012): 11×11/4 conv, LRN, grouped convs, MaxPool, Dropout, Gemm. */
    public static ZooModel alexnet(int opset, int batch) {
        Net n = new Net("alexnet", opset, 101);
        String x = n.b.input("data", -1, 3, 67, 67);
        x = n.relu(n.conv(x, 3, 16, 11, 4, 2, 1, true));             // 16
        x = n.lrn(x, 5, 0.2f, 0.75f, 1f);
        x = n.maxPool(x, 3, 2, 0, false);                           // 7
        x = n.relu(n.conv(x, 16, 24, 5, 1, 2, 2, true));            // 7, grouped
        x = n.lrn(x, 3, 0.3f, 0.75f, 2f);
        x = n.maxPool(x, 3, 2, 0, false);                           // 3
        x = n.relu(n.conv(x, 24, 32, 3, 1, 1, 1, true));
        x = n.relu(n.conv(x, 32, 32, 3, 1, 1, 2, true));
        x = n.relu(n.conv(x, 32, 24, 3, 1, 1, 2, true));
        x = n.maxPool(x, 2, 1, 0, false);                           // 2
        x = n.flatten(x, 1);                                        // 96
        x = n.dropout(n.relu(n.linear(x, 96, 48)), 0.5f);
        x = n.dropout(n.relu(n.linear(x, 48, 32)), 0.5f);
        String logits = n.gemm(x, 32, 10, Math.sqrt(1.0 / 32));
        return finish(n, "alexnet", batch, new long[] {3, 67, 67}, logits, n.softmax(logits, 1));
    }

    // ------------------------------------------------------------ VGG

    /** VGG (Simonyan & Zisserman 2014): stacks of 3×3 conv + ReLU and 2×2 max pooling. */
    public static ZooModel vgg(int opset, int batch) {
        Net n = new Net("vgg", opset, 202);
        String x = n.b.input("input", -1, 3, 32, 32);
        int[][] cfg = {{3, 8, 8}, {8, 16, 16}, {16, 24, 24, 24}};
        for (int[] stage : cfg) {
            for (int i = 1; i < stage.length; i++) {
                x = n.relu(n.conv(x, stage[i - 1], stage[i], 3, 1, 1, 1, true));
            }
            x = n.maxPool(x, 2, 2, 0, false);
        }                                                           // 24 × 4 × 4
        x = n.flattenByShape(x);                                    // 384
        x = n.dropout(n.relu(n.linear(x, 384, 64)), 0.5f);
        x = n.dropout(n.relu(n.linear(x, 64, 64)), 0.5f);
        String logits = n.gemm(x, 64, 10, Math.sqrt(1.0 / 64));
        return finish(n, "vgg", batch, new long[] {3, 32, 32}, logits, n.softmax(logits, 1));
    }

    // ------------------------------------------------------------ ResNet

    private static String basicBlockV1(Net n, String x, int cin, int cout, int stride) {
        String y = n.relu(n.bn(n.conv(x, cin, cout, 3, stride, 1, 1, false), cout));
        y = n.bn(n.conv(y, cout, cout, 3, 1, 1, 1, false), cout);
        String shortcut = x;
        if (stride != 1 || cin != cout) {
            shortcut = n.bn(n.conv(x, cin, cout, 1, stride, 0, 1, false), cout);
        }
        return n.relu(n.add(y, shortcut));
    }

    /** ResNet v1 (He et al. 2015): Conv-BN-ReLU basic blocks, identity and projection shortcuts. */
    public static ZooModel resnetV1(int opset, int batch) {
        Net n = new Net("resnet_v1", opset, 303);
        String x = n.b.input("input", -1, 3, 32, 32);
        x = n.relu(n.bn(n.conv(x, 3, 8, 3, 1, 1, 1, false), 8));
        x = n.maxPool(x, 3, 2, 1, false);                           // 16
        x = basicBlockV1(n, x, 8, 8, 1);
        x = basicBlockV1(n, x, 8, 16, 2);                           // 8
        x = basicBlockV1(n, x, 16, 16, 1);
        x = basicBlockV1(n, x, 16, 24, 2);                          // 4
        x = n.flatten(n.globalAvgPool(x), 1);
        String logits = n.gemm(x, 24, 10, Math.sqrt(1.0 / 24));
        return finish(n, "resnet_v1", batch, new long[] {3, 32, 32}, logits, logits);
    }

    /** ResNet-18 at full width (64..512 channels) and 224×224, for the benchmark. */
    public static ZooModel resnet18(int opset) {
        Net n = new Net("resnet18", opset, 1818);
        String x = n.b.input("input", -1, 3, 224, 224);
        x = n.relu(n.bn(n.conv(x, 3, 64, 7, 2, 3, 1, false), 64));
        x = n.maxPool(x, 3, 2, 1, false);
        int cin = 64;
        for (int cout : new int[] {64, 128, 256, 512}) {
            x = basicBlockV1(n, x, cin, cout, cout == 64 ? 1 : 2);
            x = basicBlockV1(n, x, cout, cout, 1);
            cin = cout;
        }
        x = n.flatten(n.globalAvgPool(x), 1);
        String logits = n.gemm(x, 512, 1000, Math.sqrt(1.0 / 512));
        return finish(n, "resnet18", 1, new long[] {3, 224, 224}, logits, logits);
    }

    private static String preactBlock(Net n, String x, int cin, int cout, int stride) {
        String a = n.relu(n.bn(x, cin));
        String y = n.conv(a, cin, cout, 3, stride, 1, 1, false);
        y = n.conv(n.relu(n.bn(y, cout)), cout, cout, 3, 1, 1, 1, false);
        String shortcut = (stride != 1 || cin != cout) ? n.conv(a, cin, cout, 1, stride, 0, 1, false) : x;
        return n.add(y, shortcut);
    }

    /** ResNet v2 (He et al. 2016, identity mappings): pre-activation BN-ReLU-Conv blocks. */
    public static ZooModel resnetV2(int opset, int batch) {
        Net n = new Net("resnet_v2", opset, 404);
        String x = n.b.input("input", -1, 3, 32, 32);
        x = n.conv(x, 3, 8, 3, 1, 1, 1, false);
        x = preactBlock(n, x, 8, 8, 1);
        x = preactBlock(n, x, 8, 16, 2);
        x = preactBlock(n, x, 16, 24, 2);
        x = n.relu(n.bn(x, 24));
        x = n.squeeze(n.globalAvgPool(x), 2, 3);
        String logits = n.gemm(x, 24, 10, Math.sqrt(1.0 / 24));
        return finish(n, "resnet_v2", batch, new long[] {3, 32, 32}, logits, n.softmax(logits, -1));
    }

    // ------------------------------------------------------------ Inception / GoogLeNet

    private static String inceptionModule(Net n, String x, int cin, int c1, int c3r, int c3, int c5r, int c5, int cp) {
        String b1 = n.relu(n.conv(x, cin, c1, 1, 1, 0, 1, true));
        String b2 = n.relu(n.conv(n.relu(n.conv(x, cin, c3r, 1, 1, 0, 1, true)), c3r, c3, 3, 1, 1, 1, true));
        String b3 = n.relu(n.conv(n.relu(n.conv(x, cin, c5r, 1, 1, 0, 1, true)), c5r, c5, 5, 1, 2, 1, true));
        String b4 = n.relu(n.conv(n.maxPool(x, 3, 1, 1, false), cin, cp, 1, 1, 0, 1, true));
        return n.concat(1, b1, b2, b3, b4);
    }

    /**
     * GoogLeNet (Szegedy et al. 2014): LRN stem, Inception modules (Concat of 1×1, 3×3, 5×5 and
     * pool branches), ceil-mode max pooling, an auxiliary-style AveragePool head.
     */
    public static ZooModel inception(int opset, int batch) {
        Net n = new Net("inception", opset, 505);
        String x = n.b.input("data_0", -1, 3, 40, 40);
        x = n.relu(n.conv(x, 3, 12, 7, 2, 3, 1, true));             // 20
        x = n.maxPool(x, 3, 2, 0, true);                            // ceil: 10
        x = n.lrn(x, 5, 0.3f, 0.75f, 1f);
        x = n.relu(n.conv(x, 12, 16, 3, 1, 1, 1, true));
        x = n.lrn(x, 5, 0.3f, 0.75f, 1f);
        x = n.maxPool(x, 3, 2, 0, true);                            // 5
        x = inceptionModule(n, x, 16, 8, 6, 8, 4, 4, 4);            // 24
        x = inceptionModule(n, x, 24, 8, 8, 12, 4, 6, 6);           // 32
        String aux = n.avgPool(x, 3, 2, 1, false, false);           // count_include_pad = 0, 3 × 3
        aux = n.relu(n.conv(aux, 32, 8, 1, 1, 0, 1, true));
        String auxPooled = n.avgPool(aux, 2, 1, 1, true, false);    // count_include_pad = 1, 4 × 4
        x = n.avgPool(x, 5, 1, 0, false, false);                    // 1 × 1
        x = n.concat(1, n.flatten(x, 1), n.flatten(auxPooled, 1));  // 32 + 128
        x = n.dropout(x, 0.4f);
        String logits = n.gemm(x, 160, 10, Math.sqrt(1.0 / 160));
        return finish(n, "inception", batch, new long[] {3, 40, 40}, logits, n.softmax(logits, 1));
    }

    // ------------------------------------------------------------ MobileNet

    private static String invertedResidual(Net n, String x, int cin, int cout, int stride, int expand) {
        int hidden = cin * expand;
        String y = x;
        if (expand != 1) {
            y = n.clip(n.bn(n.conv(y, cin, hidden, 1, 1, 0, 1, false), hidden), 0f, 6f);
        }
        y = n.clip(n.bn(n.conv(y, hidden, hidden, 3, stride, 1, hidden, false), hidden), 0f, 6f);
        y = n.bn(n.conv(y, hidden, cout, 1, 1, 0, 1, false), cout);
        return stride == 1 && cin == cout ? n.add(x, y) : y;
    }

    /** MobileNet v2 (Sandler et al. 2018): inverted residuals, depthwise convs, ReLU6 as Clip. */
    public static ZooModel mobilenetV2(int opset, int batch) {
        Net n = new Net("mobilenet_v2", opset, 606);
        String x = n.b.input("input", -1, 3, 32, 32);
        x = n.clip(n.bn(n.conv(x, 3, 8, 3, 2, 1, 1, false), 8), 0f, 6f);   // 16
        x = invertedResidual(n, x, 8, 8, 1, 1);
        x = invertedResidual(n, x, 8, 12, 2, 4);                            // 8
        x = invertedResidual(n, x, 12, 12, 1, 4);
        x = invertedResidual(n, x, 12, 16, 2, 4);                           // 4
        x = n.clip(n.bn(n.conv(x, 16, 32, 1, 1, 0, 1, false), 32), 0f, 6f);
        x = n.flattenByShape(n.globalAvgPool(x));
        x = n.dropout(x, 0.2f);
        String logits = n.gemm(x, 32, 10, Math.sqrt(1.0 / 32));
        return finish(n, "mobilenet_v2", batch, new long[] {3, 32, 32}, logits, logits);
    }

    /** Squeeze-and-excitation with a hard-sigmoid gate; {@code reduce} picks ReduceMean over GAP. */
    private static String squeezeExcite(Net n, String x, int c, int r, boolean reduce) {
        String s = reduce ? n.reduceMean(x, true, 2, 3) : n.globalAvgPool(x);
        s = n.relu(n.conv(s, c, r, 1, 1, 0, 1, true));
        s = n.hardSigmoid(n.conv(s, r, c, 1, 1, 0, 1, true));
        return n.mul(x, s);
    }

    private static String v3Block(Net n, String x, int cin, int hidden, int cout, int k, int stride, boolean se,
                                  boolean hs, boolean reduce) {
        String y = n.bn(n.conv(x, cin, hidden, 1, 1, 0, 1, false), hidden);
        y = hs ? n.hardSwish(y) : n.relu(y);
        y = n.bn(n.conv(y, hidden, hidden, k, stride, k / 2, hidden, false), hidden);
        y = hs ? n.hardSwish(y) : n.relu(y);
        if (se) {
            y = squeezeExcite(n, y, hidden, Math.max(4, hidden / 4), reduce);
        }
        y = n.bn(n.conv(y, hidden, cout, 1, 1, 0, 1, false), cout);
        return stride == 1 && cin == cout ? n.add(x, y) : y;
    }

    /**
     * MobileNet v3 (Howard et al. 2019): HardSwish (decomposed as x·HardSigmoid(x) before opset
     * 14), squeeze-excitation with HardSigmoid gates via GlobalAveragePool or ReduceMean, and Mul.
     */
    public static ZooModel mobilenetV3(int opset, int batch) {
        Net n = new Net("mobilenet_v3", opset, 707);
        String x = n.b.input("input", -1, 3, 32, 32);
        x = n.hardSwish(n.bn(n.conv(x, 3, 8, 3, 2, 1, 1, false), 8));       // 16
        x = v3Block(n, x, 8, 16, 8, 3, 1, true, false, false);
        x = v3Block(n, x, 8, 24, 12, 3, 2, false, false, false);            // 8
        x = v3Block(n, x, 12, 32, 12, 5, 1, true, true, true);
        x = v3Block(n, x, 12, 36, 16, 5, 2, true, true, false);             // 4
        x = n.hardSwish(n.bn(n.conv(x, 16, 32, 1, 1, 0, 1, false), 32));
        x = n.globalAvgPool(x);
        x = n.hardSwish(n.conv(x, 32, 48, 1, 1, 0, 1, true));
        x = n.flatten(x, 1);
        x = n.dropout(x, 0.2f);
        String logits = n.gemm(x, 48, 10, Math.sqrt(1.0 / 48));
        return finish(n, "mobilenet_v3", batch, new long[] {3, 32, 32}, logits, n.softmax(logits, 1));
    }

    // ------------------------------------------------------------ DenseNet

    /** DenseNet (Huang et al. 2017): BN-ReLU-Conv bottleneck layers concatenated, transitions with AveragePool. */
    public static ZooModel densenet(int opset, int batch) {
        Net n = new Net("densenet", opset, 808);
        String x = n.b.input("data", -1, 3, 32, 32);
        x = n.relu(n.bn(n.conv(x, 3, 12, 3, 1, 1, 1, false), 12));
        x = n.maxPool(x, 3, 2, 1, false);                           // 16
        int c = 12;
        int growth = 6;
        for (int block = 0; block < 2; block++) {
            for (int layer = 0; layer < 3; layer++) {
                String y = n.conv(n.relu(n.bn(x, c)), c, 4 * growth, 1, 1, 0, 1, false);
                y = n.conv(n.relu(n.bn(y, 4 * growth)), 4 * growth, growth, 3, 1, 1, 1, false);
                x = n.concat(1, x, y);
                c += growth;
            }
            if (block == 0) {
                x = n.conv(n.relu(n.bn(x, c)), c, c / 2, 1, 1, 0, 1, false);
                c /= 2;
                x = n.avgPool(x, 2, 2, 0, false, false);            // 8
            }
        }
        x = n.relu(n.bn(x, c));
        x = n.flatten(n.globalAvgPool(x), 1);
        String logits = n.gemm(x, c, 10, Math.sqrt(1.0 / c));
        return finish(n, "densenet", batch, new long[] {3, 32, 32}, logits, n.softmax(logits, 1));
    }

    // ------------------------------------------------------------ SqueezeNet

    private static String fire(Net n, String x, int cin, int s, int e1, int e3) {
        String sq = n.relu(n.conv(x, cin, s, 1, 1, 0, 1, true));
        return n.concat(1, n.relu(n.conv(sq, s, e1, 1, 1, 0, 1, true)), n.relu(n.conv(sq, s, e3, 3, 1, 1, 1, true)));
    }

    /** SqueezeNet 1.1 (Iandola et al. 2016): fire modules, ceil-mode pooling where the opset has it, conv classifier. */
    public static ZooModel squeezenet(int opset, int batch) {
        Net n = new Net("squeezenet", opset, 909);
        boolean ceil = opset >= 10;
        String x = n.b.input("data", -1, 3, 35, 35);
        x = n.relu(n.conv(x, 3, 16, 3, 2, 0, 1, true));             // 17
        x = n.maxPool(x, 3, 2, 0, ceil);                            // 8
        x = fire(n, x, 16, 4, 8, 8);
        x = fire(n, x, 16, 4, 8, 8);
        x = n.maxPool(x, 3, 2, 0, ceil);                            // 4 (ceil) or 3
        x = fire(n, x, 16, 6, 12, 12);
        x = fire(n, x, 24, 6, 12, 12);
        x = n.dropout(x, 0.5f);
        String logits4 = n.relu(n.conv(x, 24, 10, 1, 1, 0, 1, true));
        String logits = n.flatten(n.globalAvgPool(logits4), 1);
        return finish(n, "squeezenet", batch, new long[] {3, 35, 35}, logits, n.softmax(logits, 1));
    }

    // ------------------------------------------------------------ ShuffleNet

    private static String channelShuffle(Net n, String x, int c, int h, int w) {
        String y = n.reshape(x, n.constLongs("shuffle_shape", 0, 2, c / 2, h, w));
        y = n.transpose(y, 0, 2, 1, 3, 4);
        return n.probe(n.reshape(y, n.constLongs("unshuffle_shape", 0, -1, h, w)));
    }

    /** The channel split: Split (attribute, input or num_outputs by opset); below opset 13 the second unit uses Slice. */
    private static String[] halves(Net n, String x, int c, int unit) {
        if (n.opset >= 13 || unit == 0) {
            return n.split(x, 1, c / 2, c / 2);
        }
        return new String[] {n.slice(x, 1, 0, c / 2), n.slice(x, 1, c / 2, c)};
    }

    private static String branch(Net n, String x, int cin, int cout, int stride) {
        String y = n.relu(n.bn(n.conv(x, cin, cout, 1, 1, 0, 1, false), cout));
        y = n.bn(n.conv(y, cout, cout, 3, stride, 1, cout, false), cout);
        return n.relu(n.bn(n.conv(y, cout, cout, 1, 1, 0, 1, false), cout));
    }

    /**
     * ShuffleNet v2 (Ma et al. 2018): channel split (Split, or Slice below opset 13),
     * a depthwise branch, Concat, and the Reshape–Transpose–Reshape channel shuffle.
     */
    public static ZooModel shufflenet(int opset, int batch) {
        Net n = new Net("shufflenet", opset, 1010);
        String x = n.b.input("input", -1, 3, 32, 32);
        x = n.relu(n.bn(n.conv(x, 3, 8, 3, 2, 1, 1, false), 8));    // 16
        x = n.maxPool(x, 3, 2, 1, false);                           // 8
        // downsampling unit: both branches see x
        String left = n.bn(n.conv(x, 8, 8, 3, 2, 1, 8, false), 8);
        left = n.relu(n.bn(n.conv(left, 8, 8, 1, 1, 0, 1, false), 8));
        x = channelShuffle(n, n.concat(1, left, branch(n, x, 8, 8, 2)), 16, 4, 4);
        for (int i = 0; i < 2; i++) {
            String[] h = halves(n, x, 16, i);
            x = channelShuffle(n, n.concat(1, h[0], branch(n, h[1], 8, 8, 1)), 16, 4, 4);
        }
        x = n.relu(n.bn(n.conv(x, 16, 32, 1, 1, 0, 1, false), 32));
        x = n.reduceMean(x, false, 2, 3);
        String logits = n.gemm(x, 32, 10, Math.sqrt(1.0 / 32));
        return finish(n, "shufflenet", batch, new long[] {3, 32, 32}, logits, logits);
    }

    // ------------------------------------------------------------ EfficientNet

    private static String mbConv(Net n, String x, int cin, int cout, int expand, int k, int stride) {
        int hidden = cin * expand;
        String y = x;
        if (expand != 1) {
            y = n.swish(n.bn(n.conv(y, cin, hidden, 1, 1, 0, 1, false), hidden));
        }
        y = n.swish(n.bn(n.conv(y, hidden, hidden, k, stride, k / 2, hidden, false), hidden));
        int r = Math.max(2, cin / 4);
        String s = n.reduceMean(y, true, 2, 3);
        s = n.swish(n.conv(s, hidden, r, 1, 1, 0, 1, true));
        s = n.sigmoid(n.conv(s, r, hidden, 1, 1, 0, 1, true));
        y = n.probe(n.mul(y, s));
        y = n.bn(n.conv(y, hidden, cout, 1, 1, 0, 1, false), cout);
        return stride == 1 && cin == cout ? n.add(y, x) : y;
    }

    /** EfficientNet-B0-like (Tan & Le 2019): MBConv with swish (Sigmoid·Mul) and ReduceMean squeeze-excitation. */
    public static ZooModel efficientnet(int opset, int batch) {
        Net n = new Net("efficientnet", opset, 1111);
        String x = n.b.input("images", -1, 3, 32, 32);
        x = n.swish(n.bn(n.conv(x, 3, 8, 3, 2, 1, 1, false), 8));   // 16
        x = mbConv(n, x, 8, 8, 1, 3, 1);
        x = mbConv(n, x, 8, 12, 4, 3, 2);                           // 8
        x = mbConv(n, x, 12, 12, 4, 5, 1);
        x = mbConv(n, x, 12, 16, 4, 5, 2);                          // 4
        x = n.swish(n.bn(n.conv(x, 16, 32, 1, 1, 0, 1, false), 32));
        x = n.reduceMean(x, false, 2, 3);
        x = n.dropout(x, 0.2f);
        String logits = n.gemm(x, 32, 10, Math.sqrt(1.0 / 32));
        return finish(n, "efficientnet", batch, new long[] {3, 32, 32}, logits, n.softmax(logits, -1));
    }

    // ------------------------------------------------------------ exporter plumbing

    /**
     * What exporters add around the layers: Identity, explicit Pad, SAME_UPPER and dilated convs
     * (TensorFlow-style), Shape→Gather→Unsqueeze→Concat→Reshape, Cast, Constant,
     * ConstantOfShape, MatMul + Add and a Gemm with transA/alpha/beta, Softmax.
     */
    public static ZooModel exporterPlumbing(int opset, int batch) {
        Net n = new Net("exporter", opset, 1212);
        String x = n.b.input("input_1", -1, 3, 17, 17);
        x = n.identity(x);
        x = n.probe(n.pad(x, 0f, 0, 0, 1, 2, 0, 0, 2, 1));                   // 20 × 20
        x = n.relu(n.conv(x, 3, 8, 3, 2, 0, 1, true, 1, Attribute.ofString("auto_pad", "SAME_UPPER")));  // 10
        x = n.relu(n.conv(x, 8, 8, 3, 1, 2, 1, true, 2));                  // dilated, 10
        x = n.relu(n.conv(x, 8, 8, 2, 1, 0, 1, true, 1, Attribute.ofString("auto_pad", "SAME_LOWER")));
        x = n.b.node("Cast", n.id("cast_float"), java.util.List.of(x),
                Attribute.ofInt("to", Tensor.ElementType.FLOAT.onnxCode()));
        x = n.maxPool(x, 2, 2, 0, false);                                   // 5
        x = n.flattenByShape(x);                                            // 200
        // MatMul + Add classifier hidden layer
        String w = n.init("matmul_w", new long[] {200, 32}, n.normal(200 * 32, Math.sqrt(2.0 / 200)));
        String bias = n.init("matmul_b", new long[] {32}, n.normal(32, 0.05));
        x = n.relu(n.add(n.b.node("MatMul", n.id("matmul"), java.util.List.of(x, w)), bias));
        // a multiplicative mask of ones of x's own shape (exporters build these with ConstantOfShape)
        if (opset >= 9) {
            String ones = n.b.node("ConstantOfShape", n.id("ones"), java.util.List.of(n.b.node("Shape", n.id("shape"),
                    java.util.List.of(x))), Attribute.ofTensor("value", Tensor.ofFloats(new long[] {1}, 1f)));
            x = n.mul(x, ones);
        }
        // Gemm with A transposed and alpha/beta (A' = transpose(x)), then transposed back
        String xt = n.transpose(x, 1, 0);
        String gw = n.init("gemm_w", new long[] {10, 32}, n.normal(320, Math.sqrt(1.0 / 32)));
        String gc = n.init("gemm_c", new long[] {1, 10}, n.normal(10, 0.1));
        String logits = n.probe(n.b.node("Gemm", n.id("gemm_t"), java.util.List.of(xt, gw, gc),
                Attribute.ofInt("transA", 1), Attribute.ofInt("transB", 1), Attribute.ofFloat("alpha", 0.7f),
                Attribute.ofFloat("beta", 1.5f)));
        return finish(n, "exporter", batch, new long[] {3, 17, 17}, logits, n.softmax(logits, 1));
    }

    // ------------------------------------------------------------ transformers

    /** LayerNormalization over the last axis (opset 17+), with random scale and bias. */
    private static String layerNorm(Net n, String x, int d) {
        String id = n.id("layernorm");
        String g = n.b.initializer(id + ".weight", Tensor.ofFloats(new long[] {d}, n.uniform(d, 0.8, 1.2)));
        String bias = n.b.initializer(id + ".bias", Tensor.ofFloats(new long[] {d}, n.normal(d, 0.05)));
        return n.b.node("LayerNormalization", id, List.of(x, g, bias), Attribute.ofInt("axis", -1),
                Attribute.ofFloat("epsilon", 1e-5f));
    }

    /** GELU: the Gelu operator from opset 20, before that the erf form PyTorch exports (Div, Erf, Add, Mul, Mul). */
    private static String gelu(Net n, String x) {
        if (n.opset >= 20) {
            return n.b.node("Gelu", n.id("gelu"), List.of(x));
        }
        String e = n.b.node("Erf", n.id("erf"), List.of(n.b.node("Div", n.id("div"), List.of(x,
                n.floatScalar("sqrt2", (float) Math.sqrt(2))))));
        String one = n.add(e, n.floatScalar("one", 1f));
        return n.mul(n.mul(x, one), n.floatScalar("half", 0.5f));
    }

    /** x @ W + b with W stored (in, out), as PyTorch exports nn.Linear on a token sequence. */
    private static String dense(Net n, String x, int in, int out) {
        String id = n.id("linear");
        String w = n.b.initializer(id + ".weight", Tensor.ofFloats(new long[] {in, out}, n.normal(in * out, Math.sqrt(1.0 / in))));
        String bias = n.b.initializer(id + ".bias", Tensor.ofFloats(new long[] {out}, n.normal(out, 0.05)));
        return n.add(n.b.node("MatMul", id, List.of(x, w)), bias);
    }

    /** Dropout as PyTorch exports functional dropout in eval: ratio 0 and training_mode true (opset 12+). */
    private static String exportedDropout(Net n, String x) {
        String id = n.id("dropout");
        java.nio.ByteBuffer t = java.nio.ByteBuffer.allocate(1).put((byte) 1);
        t.flip();
        String train = n.b.initializer(id + ".training_mode", new Tensor(Tensor.ElementType.BOOL, new long[0], t));
        return n.b.node("Dropout", id, List.of(x, n.floatScalar(id + ".ratio", 0f), train));
    }

    /**
     * Multi-head self-attention on (B, T, D) tokens: one qkv projection split by Reshape/Transpose/Gather,
     * scores q·kᵀ/√dh (MatMul, or Einsum "bhid,bhjd->bhij" from opset 20) plus {@code bias} (or null),
     * Softmax, the weighted sum of v, and an output projection.
     */
    private static String attention(Net n, String x, int tokens, int d, int heads, java.util.function.UnaryOperator<String> bias) {
        int dh = d / heads;
        String qkv = dense(n, x, d, 3 * d);
        String r = n.reshape(qkv, n.constLongs("qkv_shape", -1, tokens, 3, heads, dh));
        String t = n.transpose(r, 2, 0, 3, 1, 4);                                     // (3, B, H, T, dh)
        String q = n.b.node("Gather", n.id("q"), List.of(t, n.constLongScalar("i0", 0)), Attribute.ofInt("axis", 0));
        String k = n.b.node("Gather", n.id("k"), List.of(t, n.constLongScalar("i1", 1)), Attribute.ofInt("axis", 0));
        String v = n.b.node("Gather", n.id("v"), List.of(t, n.constLongScalar("i2", 2)), Attribute.ofInt("axis", 0));
        String scores;
        if (n.opset >= 20) {
            scores = n.b.node("Einsum", n.id("scores"), List.of(q, k), Attribute.ofString("equation", "bhid,bhjd->bhij"));
        } else {
            scores = n.b.node("MatMul", n.id("scores"), List.of(q, n.transpose(k, 0, 1, 3, 2)));
        }
        scores = n.mul(scores, n.floatScalar("scale", (float) (1 / Math.sqrt(dh))));
        if (bias != null) {
            scores = bias.apply(scores);
        }
        String attn = n.probe(n.softmax(scores, -1));
        String ctx = n.opset >= 20
                ? n.b.node("Einsum", n.id("context"), List.of(attn, v), Attribute.ofString("equation", "bhij,bhjd->bhid"))
                : n.b.node("MatMul", n.id("context"), List.of(attn, v));
        String merged = n.reshape(n.transpose(ctx, 0, 2, 1, 3), n.constLongs("merge_shape", 0, 0, d));
        return dense(n, merged, d, d);
    }

    /** A pre-norm transformer block: x + attn(LN(x)), then x + MLP(LN(x)) with GELU. */
    private static String block(Net n, String x, int tokens, int d, int heads, java.util.function.UnaryOperator<String> bias) {
        x = n.probe(n.add(x, attention(n, layerNorm(n, x, d), tokens, d, heads, bias)));
        String h = gelu(n, dense(n, layerNorm(n, x, d), d, 2 * d));
        if (n.opset >= 12) {
            h = exportedDropout(n, h);
        }
        return n.probe(n.add(x, dense(n, h, 2 * d, d)));
    }

    /**
     * ViT-style (Dosovitskiy et al. 2021) on 3×16×16 images: 4×4 patch embedding by a strided Conv
     * (16 patches of width 16), flatten and transpose to tokens, a class token Expand-ed to the batch
     * and Concat-ed in front, position embeddings, two pre-norm blocks (LayerNormalization, 2-head
     * attention with MatMul/Softmax, or Einsum at opset 20; GELU MLP), a final LayerNormalization, the
     * class token by Gather, and a linear head to 10 logits.
     */
    public static ZooModel vit(int opset, int batch) {
        Net n = new Net("vit", opset, 1313);
        int d = 16;
        int tokens = 17;
        String x = n.b.input("pixel_values", -1, 3, 16, 16);
        String p = n.probe(n.conv(x, 3, d, 4, 4, 0, 1, true));                       // (B, 16, 4, 4)
        String seq = n.transpose(n.reshape(p, n.constLongs("patch_shape", 0, d, -1)), 0, 2, 1);   // (B, 16, D)
        String shape = n.b.node("Shape", n.id("shape"), List.of(x));
        String bsz = n.b.node("Slice", n.id("batch"), List.of(shape, n.constLongs("s0", 0), n.constLongs("s1", 1)));
        String target = n.b.node("Concat", n.id("cls_shape"), List.of(bsz, n.constLongs("one_d", 1, d)),
                Attribute.ofInt("axis", 0));
        String cls = n.b.node("Expand", n.id("cls_expand"), List.of(n.init("cls_token", new long[] {1, 1, d},
                n.normal(d, 0.5)), target));
        String t = n.concat(1, cls, seq);
        t = n.add(t, n.init("pos_embed", new long[] {1, tokens, d}, n.normal(tokens * d, 0.3)));
        t = block(n, t, tokens, d, 2, null);
        t = block(n, t, tokens, d, 2, null);
        t = layerNorm(n, t, d);
        String c = n.b.node("Gather", n.id("cls_out"), List.of(t, n.constLongScalar("zero", 0)), Attribute.ofInt("axis", 1));
        String logits = n.linear(c, d, 10);
        return finish(n, "vit", batch, new long[] {3, 16, 16}, logits, logits);
    }

    /** A cyclic shift of (B, H, W, C) by {@code s} along axes 1 and 2 (torch.roll as exporters write it: Slice + Concat). */
    private static String roll(Net n, String x, int size, int s) {
        int k = ((s % size) + size) % size;        // roll by s: out[i] = in[i - s]
        for (int axis = 1; axis <= 2; axis++) {
            String tail = n.slice(x, axis, size - k, size);
            String head = n.slice(x, axis, 0, size - k);
            x = n.concat(axis, tail, head);
        }
        return x;
    }

    /** (B, H, W, C) → (B·nW, ws·ws, C) windows. */
    private static String partition(Net n, String x, int size, int ws, int c) {
        String r = n.reshape(x, n.constLongs("win_shape", -1, size / ws, ws, size / ws, ws, c));
        return n.reshape(n.transpose(r, 0, 1, 3, 2, 4, 5), n.constLongs("win_flat", -1, (long) ws * ws, c));
    }

    /** (B·nW, ws·ws, C) windows → (B, H, W, C). */
    private static String reverse(Net n, String x, int size, int ws, int c) {
        String r = n.reshape(x, n.constLongs("unwin_shape", -1, size / ws, size / ws, ws, ws, c));
        return n.reshape(n.transpose(r, 0, 1, 3, 2, 4, 5), n.constLongs("unwin_flat", -1, size, size, c));
    }

    /**
     * The attention mask of the shifted windows, computed in the graph as exporters do: region ids
     * per row and column from ScatterND into ConstantOfShape zeros (rows ≥ H − ws and ≥ H − s), the id
     * map partitioned into windows, and Where(Not(Equal(id_i, id_j)), −100, 0). Shape (nW, T, T).
     */
    private static String shiftMask(Net n, int size, int ws, int s) {
        String zeros = n.b.node("ConstantOfShape", n.id("zeros"), List.of(n.constLongs("h", size)),
                Attribute.ofTensor("value", Tensor.ofFloats(new long[] {1}, 0f)));
        String region = zeros;
        for (int from : new int[] {size - ws, size - s}) {
            long[] rows = new long[size - from];
            float[] ones = new float[size - from];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = from + i;
                ones[i] = 1;
            }
            String idx = n.b.initializer(n.id("rows"), Tensor.ofLongs(new long[] {rows.length, 1}, rows));
            String add = n.b.initializer(n.id("ones"), Tensor.ofFloats(new long[] {ones.length}, ones));
            String hit = n.b.node("ScatterND", n.id("scatter"), List.of(zeros, idx, add));
            region = n.b.node("Add", n.id("region"), List.of(region, hit));
        }
        // id[h, w] = 3 · region[h] + region[w], as (1, H, W, 1)
        String rh = n.reshape(region, n.constLongs("col", size, 1));
        String rw = n.reshape(region, n.constLongs("row", 1, size));
        String id = n.b.node("Add", n.id("ids"), List.of(n.mul(rh, n.floatScalar("three", 3f)), rw));
        id = n.reshape(id, n.constLongs("img", 1, size, size, 1));
        String w = n.reshape(partition(n, id, size, ws, 1), n.constLongs("ids", -1, (long) ws * ws));   // (nW, T)
        String a = n.unsqueeze(w, 2);
        String b = n.unsqueeze(w, 1);
        String differ = n.b.node("Not", n.id("not"), List.of(n.b.node("Equal", n.id("equal"), List.of(a, b))));
        return n.b.node("Where", n.id("mask"), List.of(differ, n.floatScalar("neg", -100f), n.floatScalar("zero", 0f)));
    }

    /**
     * The relative position bias of Swin: a learned table ((2ws−1)², heads) read by Gather at the
     * constant relative-position index of every pair of the ws² window positions, as (1, heads, T, T).
     */
    private static String relativeBias(Net n, int ws, int heads) {
        int t = ws * ws;
        long[] index = new long[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < t; j++) {
                int dy = i / ws - j / ws + ws - 1;
                int dx = i % ws - j % ws + ws - 1;
                index[i * t + j] = (long) dy * (2 * ws - 1) + dx;
            }
        }
        int rows = (2 * ws - 1) * (2 * ws - 1);
        String table = n.init("rel_table", new long[] {rows, heads}, n.normal(rows * heads, 0.5));
        String idx = n.b.initializer(n.id("rel_index"), Tensor.ofLongs(new long[] {(long) t * t}, index));
        String g = n.b.node("Gather", n.id("rel_gather"), List.of(table, idx), Attribute.ofInt("axis", 0));
        String r = n.transpose(n.reshape(g, n.constLongs("rel_shape", t, t, heads)), 2, 0, 1);
        return n.unsqueeze(r, 0);
    }

    /**
     * Swin-style (Liu et al. 2021) on 3×16×16 images: 2×2 patch embedding (8×8 tokens of width 8 in
     * (B, H, W, C)), a window block (4×4 windows, 2 heads, relative position bias by Gather) and a
     * shifted-window block (cyclic shift by Slice + Concat, the shift mask computed in the graph
     * with ConstantOfShape, ScatterND, Equal, Not, Where, and the bias Expand-ed to the scores),
     * LayerNormalization, and torchvision's head (permute to (B, C, H, W), GlobalAveragePool, Flatten,
     * linear to 10 logits).
     */
    public static ZooModel swin(int opset, int batch) {
        Net n = new Net("swin", opset, 1414);
        int c = 8;
        int size = 8;
        int ws = 4;
        int shift = 2;
        int heads = 2;
        int t = ws * ws;
        int nw = (size / ws) * (size / ws);
        String x = n.b.input("pixel_values", -1, 3, 16, 16);
        String p = n.probe(n.conv(x, 3, c, 2, 2, 0, 1, true));                          // (B, C, 8, 8)
        String h = layerNorm(n, n.transpose(p, 0, 2, 3, 1), c);                          // (B, 8, 8, C)
        String bias = relativeBias(n, ws, heads);
        for (int blk = 0; blk < 2; blk++) {
            boolean shifted = blk == 1;
            String y = layerNorm(n, h, c);
            if (shifted) {
                y = roll(n, y, size, -shift);
            }
            String win = partition(n, y, size, ws, c);
            String mask = shifted ? shiftMask(n, size, ws, shift) : null;
            String a = attention(n, win, t, c, heads, scores -> {
                String s = n.add(scores, n.b.node("Expand", n.id("bias_expand"), List.of(bias,
                        n.b.node("Shape", n.id("scores_shape"), List.of(scores)))));
                if (mask == null) {
                    return s;
                }
                String r = n.reshape(s, n.constLongs("by_window", -1, nw, heads, t, t));
                r = n.add(r, n.reshape(mask, n.constLongs("mask_shape", 1, nw, 1, t, t)));
                return n.reshape(r, n.constLongs("flat_scores", -1, heads, t, t));
            });
            String back = reverse(n, a, size, ws, c);
            if (shifted) {
                back = roll(n, back, size, shift);
            }
            h = n.probe(n.add(h, back));
            String m = gelu(n, dense(n, layerNorm(n, h, c), c, 2 * c));
            if (n.opset >= 12) {
                m = exportedDropout(n, m);
            }
            h = n.probe(n.add(h, dense(n, m, 2 * c, c)));
        }
        h = layerNorm(n, h, c);
        // the head as torchvision writes it: permute to (B, C, H, W), average pool, flatten, linear
        String nchw = n.probe(n.transpose(h, 0, 3, 1, 2));
        String pooled = n.flatten(n.globalAvgPool(nchw), 1);
        String logits = n.linear(pooled, c, 10);
        return finish(n, "swin", batch, new long[] {3, 16, 16}, logits, logits);
    }
}
