package netviz.zoo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import netviz.engine.Attribute;
import netviz.engine.Graph;
import netviz.engine.Tensor;
import netviz.onnx.GraphBuilder;

/**
 * A small layer vocabulary over {@link GraphBuilder} that writes each layer the way an exporter
 * writes it at the builder's opset: attributes before the opset that turned them into inputs
 * (Clip min/max at 11, Unsqueeze/Squeeze axes and Split sizes at 13, ReduceMean axes at 18, Slice
 * starts/ends at 10, Pad pads at 11, Dropout ratio at 12), decompositions where an operator does
 * not exist yet (HardSwish before 14), and seeded weights with He scaling (std = sqrt(2 / fan_in),
 * He et al. 2015) so that activations stay of order one through deep stacks.
 */
final class Net {
    final GraphBuilder b;
    final int opset;
    final Random rnd;
    private int counter;
    /** Intermediate tensors worth comparing (layer outputs), in creation order. */
    final List<String> probes = new ArrayList<>();

    Net(String name, int opset, long seed) {
        this.b = new GraphBuilder(name, opset);
        this.opset = opset;
        this.rnd = new Random(seed);
    }

    String id(String prefix) {
        return prefix + "_" + (++counter);
    }

    Graph build() {
        return b.build();
    }

    // ------------------------------------------------------------ constants and weights

    float[] normal(int n, double std) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) (rnd.nextGaussian() * std);
        }
        return f;
    }

    float[] uniform(int n, double lo, double hi) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
        }
        return f;
    }

    String init(String name, long[] shape, float[] values) {
        return b.initializer(id(name), Tensor.ofFloats(shape, values));
    }

    /** An int64 tensor held by a Constant node (as exporters write shape constants). */
    String constLongs(String name, long... values) {
        return b.node("Constant", id(name), List.of(),
                Attribute.ofTensor("value", Tensor.ofLongs(new long[] {values.length}, values)));
    }

    /** A 0-d int64 Constant. */
    String constLongScalar(String name, long value) {
        return b.node("Constant", id(name), List.of(),
                Attribute.ofTensor("value", Tensor.ofLongs(new long[0], value)));
    }

    /** A 0-d float initializer. */
    String floatScalar(String name, float value) {
        return b.initializer(id(name), Tensor.ofFloats(new long[0], value));
    }

    // ------------------------------------------------------------ layers

    String conv(String x, int cin, int cout, int k, int stride, int pad, int group, boolean bias) {
        return conv(x, cin, cout, k, stride, pad, group, bias, 1);
    }

    String conv(String x, int cin, int cout, int k, int stride, int pad, int group, boolean bias, int dilation,
                Attribute... extra) {
        String n = id("conv");
        int fanIn = cin / group * k * k;
        String w = b.initializer(n + ".weight", Tensor.ofFloats(new long[] {cout, cin / group, k, k},
                normal(cout * fanIn, Math.sqrt(2.0 / fanIn))));
        List<String> in = new ArrayList<>(List.of(x, w));
        if (bias) {
            in.add(b.initializer(n + ".bias", Tensor.ofFloats(new long[] {cout}, normal(cout, 0.05))));
        }
        List<Attribute> attrs = new ArrayList<>(List.of(Attribute.ofInts("kernel_shape", k, k),
                Attribute.ofInts("strides", stride, stride)));
        boolean autoPad = Arrays.stream(extra).anyMatch(a -> a.name().equals("auto_pad"));
        if (!autoPad) {
            attrs.add(Attribute.ofInts("pads", pad, pad, pad, pad));
        }
        if (group != 1) {
            attrs.add(Attribute.ofInt("group", group));
        }
        if (dilation != 1) {
            attrs.add(Attribute.ofInts("dilations", dilation, dilation));
        }
        attrs.addAll(Arrays.asList(extra));
        return probe(b.node("Conv", n, in, attrs.toArray(Attribute[]::new)));
    }

    /** Inference batch norm with random running statistics chosen to keep values of order one. */
    String bn(String x, int c) {
        String n = id("bn");
        String scale = b.initializer(n + ".scale", Tensor.ofFloats(new long[] {c}, uniform(c, 0.7, 1.3)));
        String bias = b.initializer(n + ".bias", Tensor.ofFloats(new long[] {c}, normal(c, 0.1)));
        String mean = b.initializer(n + ".mean", Tensor.ofFloats(new long[] {c}, normal(c, 0.1)));
        String var = b.initializer(n + ".var", Tensor.ofFloats(new long[] {c}, uniform(c, 0.6, 1.4)));
        return b.node("BatchNormalization", n, List.of(x, scale, bias, mean, var), Attribute.ofFloat("epsilon", 1e-5f));
    }

    String relu(String x) {
        return b.node("Relu", id("relu"), List.of(x));
    }

    String sigmoid(String x) {
        return b.node("Sigmoid", id("sigmoid"), List.of(x));
    }

    String add(String x, String y) {
        return probe(b.node("Add", id("add"), List.of(x, y)));
    }

    String mul(String x, String y) {
        return b.node("Mul", id("mul"), List.of(x, y));
    }

    /** Clip(x, lo, hi): attributes before opset 11, inputs from 11 (ReLU6 is clip(0, 6)). */
    String clip(String x, float lo, float hi) {
        String n = id("clip");
        if (opset < 11) {
            return b.node("Clip", n, List.of(x), Attribute.ofFloat("min", lo), Attribute.ofFloat("max", hi));
        }
        return b.node("Clip", n, List.of(x, floatScalar(n + ".min", lo), floatScalar(n + ".max", hi)));
    }

    String hardSigmoid(String x) {
        return b.node("HardSigmoid", id("hardsigmoid"), List.of(x), Attribute.ofFloat("alpha", 1f / 6f),
                Attribute.ofFloat("beta", 0.5f));
    }

    /** HardSwish from opset 14; before that x * HardSigmoid(x), as exporters decompose it. */
    String hardSwish(String x) {
        if (opset >= 14) {
            return b.node("HardSwish", id("hardswish"), List.of(x));
        }
        return mul(x, hardSigmoid(x));
    }

    String swish(String x) {
        return mul(x, sigmoid(x));
    }

    String maxPool(String x, int k, int s, int pad, boolean ceil) {
        List<Attribute> a = new ArrayList<>(List.of(Attribute.ofInts("kernel_shape", k, k),
                Attribute.ofInts("strides", s, s), Attribute.ofInts("pads", pad, pad, pad, pad)));
        if (ceil) {
            if (opset < 10) {
                throw new IllegalArgumentException("ceil_mode needs opset 10");
            }
            a.add(Attribute.ofInt("ceil_mode", 1));
        }
        return probe(b.node("MaxPool", id("maxpool"), List.of(x), a.toArray(Attribute[]::new)));
    }

    String avgPool(String x, int k, int s, int pad, boolean countIncludePad, boolean ceil) {
        List<Attribute> a = new ArrayList<>(List.of(Attribute.ofInts("kernel_shape", k, k),
                Attribute.ofInts("strides", s, s), Attribute.ofInts("pads", pad, pad, pad, pad)));
        if (countIncludePad) {
            a.add(Attribute.ofInt("count_include_pad", 1));
        }
        if (ceil) {
            a.add(Attribute.ofInt("ceil_mode", 1));
        }
        return probe(b.node("AveragePool", id("avgpool"), List.of(x), a.toArray(Attribute[]::new)));
    }

    String globalAvgPool(String x) {
        return probe(b.node("GlobalAveragePool", id("gap"), List.of(x)));
    }

    String lrn(String x, int size, float alpha, float beta, float bias) {
        return probe(b.node("LRN", id("lrn"), List.of(x), Attribute.ofInt("size", size),
                Attribute.ofFloat("alpha", alpha), Attribute.ofFloat("beta", beta), Attribute.ofFloat("bias", bias)));
    }

    String concat(int axis, String... xs) {
        return probe(b.node("Concat", id("concat"), List.of(xs), Attribute.ofInt("axis", axis)));
    }

    String flatten(String x, int axis) {
        return b.node("Flatten", id("flatten"), List.of(x), Attribute.ofInt("axis", axis));
    }

    /** Gemm with B stored transposed (out, in) as PyTorch exports Linear. */
    String gemm(String x, int in, int out, double std) {
        String n = id("gemm");
        String w = b.initializer(n + ".weight", Tensor.ofFloats(new long[] {out, in}, normal(out * in, std)));
        String c = b.initializer(n + ".bias", Tensor.ofFloats(new long[] {out}, normal(out, 0.05)));
        return probe(b.node("Gemm", n, List.of(x, w, c), Attribute.ofFloat("alpha", 1f), Attribute.ofFloat("beta", 1f),
                Attribute.ofInt("transB", 1)));
    }

    String linear(String x, int in, int out) {
        return gemm(x, in, out, Math.sqrt(2.0 / in));
    }

    /** Inference Dropout: ratio attribute before opset 12, an optional input from 12. */
    String dropout(String x, float ratio) {
        String n = id("dropout");
        if (opset < 12) {
            return b.node("Dropout", n, List.of(x), Attribute.ofFloat("ratio", ratio));
        }
        return b.node("Dropout", n, List.of(x, floatScalar(n + ".ratio", ratio)));
    }

    String softmax(String x, int axis) {
        return b.node("Softmax", id("softmax"), List.of(x), Attribute.ofInt("axis", axis));
    }

    String unsqueeze(String x, long... axes) {
        String n = id("unsqueeze");
        if (opset < 13) {
            return b.node("Unsqueeze", n, List.of(x), Attribute.ofInts("axes", axes));
        }
        return b.node("Unsqueeze", n, List.of(x, constLongs(n + ".axes", axes)));
    }

    String squeeze(String x, long... axes) {
        String n = id("squeeze");
        if (opset < 13) {
            return b.node("Squeeze", n, List.of(x), Attribute.ofInts("axes", axes));
        }
        return b.node("Squeeze", n, List.of(x, constLongs(n + ".axes", axes)));
    }

    String reduceMean(String x, boolean keepdims, long... axes) {
        String n = id("reducemean");
        Attribute kd = Attribute.ofInt("keepdims", keepdims ? 1 : 0);
        if (opset < 18) {
            return b.node("ReduceMean", n, List.of(x), Attribute.ofInts("axes", axes), kd);
        }
        return b.node("ReduceMean", n, List.of(x, constLongs(n + ".axes", axes)), kd);
    }

    String reshape(String x, String shape) {
        return b.node("Reshape", id("reshape"), List.of(x, shape));
    }

    String transpose(String x, long... perm) {
        return b.node("Transpose", id("transpose"), List.of(x), Attribute.ofInts("perm", perm));
    }

    /** Split along an axis into the given sizes, written as each opset expects. */
    String[] split(String x, int axis, long... sizes) {
        String n = id("split");
        List<String> outs = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            outs.add(n + "_out" + i);
        }
        boolean equal = Arrays.stream(sizes).allMatch(s -> s == sizes[0]);
        if (opset < 13) {
            b.node("Split", n, List.of(x), outs, Attribute.ofInt("axis", axis), Attribute.ofInts("split", sizes));
        } else if (opset >= 18 && equal) {
            b.node("Split", n, List.of(x), outs, Attribute.ofInt("axis", axis), Attribute.ofInt("num_outputs", sizes.length));
        } else {
            b.node("Split", n, List.of(x, constLongs(n + ".split", sizes)), outs, Attribute.ofInt("axis", axis));
        }
        return outs.toArray(String[]::new);
    }

    /** Slice on one axis [start, end): attributes before opset 10, inputs from 10. */
    String slice(String x, long axis, long start, long end) {
        String n = id("slice");
        if (opset < 10) {
            return b.node("Slice", n, List.of(x), Attribute.ofInts("starts", start), Attribute.ofInts("ends", end),
                    Attribute.ofInts("axes", axis));
        }
        return b.node("Slice", n, List.of(x, constLongs(n + ".starts", start), constLongs(n + ".ends", end),
                constLongs(n + ".axes", axis), constLongs(n + ".steps", 1)));
    }

    /** Constant-mode Pad: pads attribute (and value) before opset 11, inputs from 11. */
    String pad(String x, float value, long... pads) {
        String n = id("pad");
        if (opset < 11) {
            return b.node("Pad", n, List.of(x), Attribute.ofInts("pads", pads), Attribute.ofFloat("value", value),
                    Attribute.ofString("mode", "constant"));
        }
        return b.node("Pad", n, List.of(x, constLongs(n + ".pads", pads), floatScalar(n + ".value", value)),
                Attribute.ofString("mode", "constant"));
    }

    /**
     * The flatten that exporters emit for {@code x.view(x.size(0), -1)}:
     * Shape → Gather(0) → Unsqueeze → Concat([n, -1]) → Reshape, with a Cast of the shape.
     */
    String flattenByShape(String x) {
        String shape = b.node("Shape", id("shape"), List.of(x));
        String idx = constLongScalar("batch_index", 0);
        String n = b.node("Gather", id("gather"), List.of(shape, idx), Attribute.ofInt("axis", 0));
        String n1 = unsqueeze(n, 0);
        String rest = constLongs("minus_one", -1);
        String target = b.node("Concat", id("shape_concat"), List.of(n1, rest), Attribute.ofInt("axis", 0));
        String cast = b.node("Cast", id("cast"), List.of(target), Attribute.ofInt("to", Tensor.ElementType.INT64.onnxCode()));
        return probe(reshape(x, cast));
    }

    String identity(String x) {
        return b.node("Identity", id("identity"), List.of(x));
    }

    String probe(String t) {
        probes.add(t);
        return t;
    }
}
