package netviz.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import netviz.NetvizException;
import netviz.UnknownNameException;

/**
 * How netviz presents a classifier to its methods, decided once when the model is loaded, so that
 * no method has to know: the <b>classifier output</b> comes first among the graph outputs (chosen
 * by name, by default the first 2-D floating-point output with the most columns; auxiliary heads
 * stay outputs but nothing explains them), the <b>score</b> that attribution and activation
 * maximization explain (the logits that feed a final Softmax/LogSoftmax, or the output itself),
 * recorded in the metadata under {@value #SCORE_KEY}, and the <b>layout</b>: a channels-last input
 * (N, H, W, C) becomes an NCHW input (N, C, H, W) followed by a Transpose to NHWC inside the graph,
 * so that preprocessing, saliency's channel axis, displays and receptive fields see NCHW; the
 * metadata key {@value #LAYOUT_KEY} then says "nhwc".
 */
public final class ModelView {
    /** Metadata key: "probability" when the user asked to explain the output itself, not the logits. */
    public static final String SCORE_KEY = "netviz.score";
    /** Metadata key: "nhwc" when netviz transposed a channels-last input at the model boundary. */
    public static final String LAYOUT_KEY = "netviz.layout";
    /** Name of the Transpose node netviz adds in front of a channels-last model. */
    public static final String TRANSPOSE_NODE = "netviz_nchw_to_nhwc";

    private ModelView() {
    }

    /** The input layout: NCHW, NHWC (channels last), or AUTO (decided from the input's shape). */
    public enum Layout {
        AUTO, NCHW, NHWC;

        public static Layout parse(String s) {
            for (Layout l : values()) {
                if (l.name().equalsIgnoreCase(s.trim())) {
                    return l;
                }
            }
            throw new NetvizException("unknown layout '" + s + "'; use nchw, nhwc or auto");
        }
    }

    /** What a class score is: the logits (the input of a final Softmax, the default) or the output itself. */
    public enum Score {
        LOGIT, PROBABILITY;

        public static Score parse(String s) {
            String v = s.trim().toLowerCase(Locale.ROOT);
            if (v.equals("logit") || v.equals("logits")) {
                return LOGIT;
            }
            if (v.equals("probability") || v.equals("prob") || v.equals("output")) {
                return PROBABILITY;
            }
            throw new NetvizException("unknown score '" + s + "'; use logit or probability");
        }
    }

    /** {@code output}: the classifier output's name, or null for the default choice. */
    public record Options(String output, Score score, Layout layout) {
        public Options {
            score = score == null ? Score.LOGIT : score;
            layout = layout == null ? Layout.AUTO : layout;
        }

        public static Options defaults() {
            return new Options(null, Score.LOGIT, Layout.AUTO);
        }

        public Options withOutput(String o) {
            return new Options(o, score, layout);
        }

        public Options withScore(Score s) {
            return new Options(output, s, layout);
        }

        public Options withLayout(Layout l) {
            return new Options(output, score, l);
        }
    }

    /** {@code graph} as netviz presents it under {@code o} (the graph itself when nothing changes). */
    public static Graph of(Graph graph, Options o) {
        List<ValueInfo> outputs = new ArrayList<>(graph.outputs());
        if (!outputs.isEmpty()) {
            String chosen = o.output() != null ? checkOutput(graph, o.output()) : defaultOutput(graph);
            ValueInfo first = outputs.stream().filter(v -> v.name().equals(chosen)).findFirst().orElseThrow();
            outputs.remove(first);
            outputs.add(0, first);
        }
        Map<String, String> meta = new LinkedHashMap<>(graph.metadata());
        if (o.score() == Score.PROBABILITY) {
            meta.put(SCORE_KEY, "probability");
        }
        List<Node> nodes = graph.nodes();
        List<ValueInfo> inputs = graph.inputs();
        Layout layout = o.layout() == Layout.AUTO ? detect(graph) : o.layout();
        if (layout == Layout.NHWC && !"nhwc".equals(graph.metadata().get(LAYOUT_KEY))) {
            ValueInfo in = imageInput(graph);
            String inner = unused(graph, in.name() + "_nhwc");
            List<Node> renamed = new ArrayList<>();
            renamed.add(new Node(TRANSPOSE_NODE, "Transpose", "", List.of(in.name()), List.of(inner),
                    Map.of("perm", Attribute.ofInts("perm", 0, 2, 3, 1))));
            for (Node n : nodes) {
                List<String> ins = new ArrayList<>(n.inputs());
                ins.replaceAll(x -> x.equals(in.name()) ? inner : x);
                renamed.add(new Node(n.name(), n.opType(), n.domain(), ins, n.outputs(), n.attributes()));
            }
            nodes = renamed;
            long[] d = in.dims();
            List<String> sy = in.symbols();
            ValueInfo nchw = new ValueInfo(in.name(), in.type(), new long[] {d[0], d[3], d[1], d[2]},
                    List.of(sy.get(0), sy.get(3), sy.get(1), sy.get(2)));
            List<ValueInfo> newInputs = new ArrayList<>();
            for (ValueInfo v : inputs) {
                newInputs.add(v == in ? nchw : v);
            }
            inputs = newInputs;
            outputs.replaceAll(v -> v.name().equals(in.name())
                    ? new ValueInfo(inner, v.type(), v.dims(), v.symbols()) : v);
            meta.put(LAYOUT_KEY, "nhwc");
        }
        if (outputs.equals(graph.outputs()) && meta.equals(graph.metadata()) && nodes == graph.nodes()) {
            return graph;
        }
        return new Graph(graph.name(), nodes, graph.initializers(), inputs, outputs, graph.opsets(), meta);
    }

    private static String unused(Graph graph, String name) {
        String n = name;
        while (graph.hasTensor(n)) {
            n = n + "_";
        }
        return n;
    }

    /** The model's classifier output by default: the first 2-D floating-point output with the most columns, else the first output. */
    public static String defaultOutput(Graph graph) {
        ValueInfo best = null;
        for (ValueInfo v : graph.outputs()) {
            if (v.hasShape() && v.dims().length == 2 && (v.type() == null || v.type().isFloatingPoint())
                    && (best == null || v.dims()[1] > best.dims()[1])) {
                best = v;
            }
        }
        return best != null ? best.name() : graph.outputs().get(0).name();
    }

    private static String checkOutput(Graph graph, String name) {
        for (ValueInfo v : graph.outputs()) {
            if (v.name().equals(name)) {
                return name;
            }
        }
        throw new UnknownNameException("graph output", name, graph.outputs().stream().map(ValueInfo::name).toList());
    }

    /**
     * The layout of the model's image input: NHWC when it has rank 4, its last dimension is 1 or 3
     * and its second is not (so it cannot be NCHW channels); NCHW otherwise.
     */
    public static Layout detect(Graph graph) {
        if ("nhwc".equals(graph.metadata().get(LAYOUT_KEY))) {
            return Layout.NCHW; // already presented as NCHW
        }
        if (graph.inputs().size() != 1) {
            return Layout.NCHW;
        }
        ValueInfo in = graph.inputs().get(0);
        if (!in.hasShape() || in.dims().length != 4 || (in.type() != null && !in.type().isFloatingPoint())) {
            return Layout.NCHW;
        }
        long c = in.dims()[3];
        long second = in.dims()[1];
        return (c == 1 || c == 3) && second != 1 && second != 3 ? Layout.NHWC : Layout.NCHW;
    }

    private static ValueInfo imageInput(Graph graph) {
        if (graph.inputs().size() != 1 || !graph.inputs().get(0).hasShape() || graph.inputs().get(0).dims().length != 4) {
            throw new NetvizException("--layout nhwc needs a model with one input of rank 4 (N, H, W, C); this one takes "
                    + graph.inputs());
        }
        return graph.inputs().get(0);
    }

    /** True when netviz presents a channels-last model through a Transpose (see {@link #of}). */
    public static boolean isTransposed(Graph graph) {
        return "nhwc".equals(graph.metadata().get(LAYOUT_KEY));
    }

    /** True when the user asked to explain the classifier's output itself rather than its logits. */
    public static boolean explainsProbability(Graph graph) {
        return "probability".equals(graph.metadata().get(SCORE_KEY));
    }

    /** The graph outputs after the classifier output: auxiliary heads that nothing explains. */
    public static List<String> auxiliaryOutputs(Graph graph) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i < graph.outputs().size(); i++) {
            out.add(graph.outputs().get(i).name());
        }
        return out;
    }
}
