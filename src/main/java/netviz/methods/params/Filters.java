package netviz.methods.params;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import netviz.NetvizException;
import netviz.engine.Graph;
import netviz.engine.Node;
import netviz.engine.Tensor;

/**
 * The filters of a convolution: the weight tensor W of an ONNX {@code Conv} node, shape
 * (filters M, input channels per group C/group, kh, kw), where output channel m is
 * {@code y[m] = b[m] + sum_{c,i,j} W[m,c,i,j] x[g(m)*C/group + c, y*s+i*d, x*s+j*d]}.
 * Looking at first-layer filters as images is the oldest view into a CNN (Krizhevsky et al.
 * 2012, fig. 3; Zeiler and Fergus 2014): trained first layers show oriented edges, colour blobs
 * and Gabor-like patterns, while noisy or blank filters point at training problems.
 * <p>
 * Layers are named as everywhere in netviz: node name, output tensor name, or node index
 * ({@link Graph#resolveNode}); with no layer, the first convolution in topological order. 1-D
 * convolutions come out with kh = 1. Weights must be stored in the model (an initializer or a
 * Constant node); computed weights are refused with a clear message. The result is plain arrays:
 * rendering is {@code netviz.render.FilterFigure}'s job.
 */
public final class Filters {

    /**
     * The weights of one convolution: {@code weights} row-major with shape
     * (filters, channels, height, width); {@code bias} (length filters) or null; {@code group}
     * the Conv's group attribute (channels is per group).
     */
    public record FilterBank(String layer, String weightName, String output, int filters, int channels,
                             int height, int width, int group, float[] weights, float[] bias) {
        public FilterBank {
            if ((long) filters * channels * height * width != weights.length) {
                throw new IllegalArgumentException("weights do not match the shape " + filters + "x" + channels + "x"
                        + height + "x" + width);
            }
        }

        /** (filters, channels, height, width). */
        public long[] shape() {
            return new long[] {filters, channels, height, width};
        }

        /** The weight W[k, c, y, x]. */
        public float get(int k, int c, int y, int x) {
            return weights[((k * channels + c) * height + y) * width + x];
        }

        /** Filter k's weights (channels x height x width), a copy. */
        public float[] filter(int k) {
            checkFilter(k);
            int per = channels * height * width;
            return Arrays.copyOfRange(weights, k * per, (k + 1) * per);
        }

        /** Throws a NetvizException naming the layer and the valid range when k is out of range. */
        public void checkFilter(int k) {
            if (k < 0 || k >= filters) {
                throw new NetvizException("filter " + k + " is out of range: layer '" + layer + "' has " + filters
                        + " filters (0.." + (filters - 1) + ")");
            }
        }

        /** Throws a NetvizException when c is not an input channel of the filters. */
        public void checkChannel(int c) {
            if (c < 0 || c >= channels) {
                throw new NetvizException("input channel " + c + " is out of range: the filters of '" + layer
                        + "' have " + channels + " input channels (0.." + (channels - 1) + ")");
            }
        }

        /** "64 x 3 x 11 x 11". */
        public String shapeString() {
            return filters + " x " + channels + " x " + height + " x " + width;
        }
    }

    private Filters() {
    }

    /** The first convolution's filters. */
    public static FilterBank of(Graph graph) {
        List<Node> convs = convolutions(graph);
        if (convs.isEmpty()) {
            throw new NetvizException("the model '" + graph.name() + "' has no convolution (Conv node); it has: "
                    + opSummary(graph));
        }
        return of(graph, convs.get(0));
    }

    /** The filters of {@code layer} (node name, tensor name or index); it must be a convolution. */
    public static FilterBank of(Graph graph, String layer) {
        if (layer == null || layer.isEmpty()) {
            return of(graph);
        }
        Node node = graph.resolveNode(layer);
        if (node == null) {
            throw new NetvizException("layer '" + layer + "' is a model input, not a convolution; convolutions: "
                    + names(convolutions(graph)));
        }
        if (!node.opType().equals("Conv")) {
            throw new NetvizException("layer '" + layer + "' is a " + node.opType() + " node ('" + node.label()
                    + "'), not a convolution; convolutions: " + names(convolutions(graph)));
        }
        return of(graph, node);
    }

    /** The Conv nodes in topological order. */
    public static List<Node> convolutions(Graph graph) {
        List<Node> out = new ArrayList<>();
        for (Node n : graph.nodes()) {
            if (n.opType().equals("Conv") && (n.domain().isEmpty() || n.domain().equals("ai.onnx"))) {
                out.add(n);
            }
        }
        return out;
    }

    private static FilterBank of(Graph graph, Node conv) {
        String wName = conv.input(1);
        Tensor w = stored(graph, wName, conv);
        long[] s = w.shape();
        if (s.length != 4 && s.length != 3) {
            throw new NetvizException("convolution '" + conv.label() + "' has " + (s.length - 2)
                    + "-D filters (weight shape " + Arrays.toString(s) + "); netviz shows 1-D and 2-D filters");
        }
        if (!w.type().isFloatingPoint()) {
            throw new NetvizException("convolution '" + conv.label() + "' has " + w.type()
                    + " weights; netviz shows floating-point weights (quantized models are not supported)");
        }
        int filters = Math.toIntExact(s[0]);
        int channels = Math.toIntExact(s[1]);
        int kh = s.length == 4 ? Math.toIntExact(s[2]) : 1;
        int kw = Math.toIntExact(s[s.length - 1]);
        float[] bias = null;
        if (conv.hasInput(2) && !conv.input(2).isEmpty()) {
            bias = stored(graph, conv.input(2), conv).toFloatArray();
        }
        return new FilterBank(conv.label(), wName, conv.outputs().get(0), filters, channels, kh, kw,
                (int) conv.getInt("group", 1), w.toFloatArray(), bias);
    }

    private static Tensor stored(Graph graph, String name, Node conv) {
        Tensor t = graph.initializers().get(name);
        if (t != null) {
            return t;
        }
        Node p = graph.producer(name);
        if (p != null && p.opType().equals("Constant") && p.has("value")) {
            return p.getTensor("value");
        }
        if (p != null && p.opType().equals("Identity")) {
            return stored(graph, p.input(0), conv);
        }
        throw new NetvizException("the weights '" + name + "' of convolution '" + conv.label() + "' are "
                + (p == null ? "a model input" : "computed by a " + p.opType() + " node")
                + ", not stored in the model; netviz shows stored weights only");
    }

    private static String names(List<Node> nodes) {
        if (nodes.isEmpty()) {
            return "(none)";
        }
        List<String> s = new ArrayList<>();
        for (Node n : nodes) {
            s.add(n.label());
            if (s.size() == 12) {
                s.add("... (" + nodes.size() + " in all)");
                break;
            }
        }
        return String.join(", ", s);
    }

    private static String opSummary(Graph graph) {
        java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
        for (Node n : graph.nodes()) {
            counts.merge(n.opType(), 1, Integer::sum);
        }
        return counts.toString();
    }
}
