package netviz.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import netviz.engine.Attribute;
import netviz.engine.Graph;
import netviz.engine.Node;
import netviz.engine.Tensor;
import netviz.engine.ValueInfo;

/**
 * Builds a {@link Graph} in code: declare inputs, add initializers and nodes, name outputs. Used
 * to export the models netviz trains and, in tests, to make small models of every family.
 * <pre>
 * GraphBuilder b = new GraphBuilder("tiny", 13);
 * String x = b.input("x", 1, 3, 8, 8);           // -1 for a symbolic batch axis
 * String w = b.initializer("w", Tensor.ofFloats(new long[] {4, 3, 3, 3}, weights));
 * String y = b.node("Conv", "conv1", List.of(x, w), Attribute.ofInts("pads", 1, 1, 1, 1));
 * b.output(y);
 * </pre>
 */
public final class GraphBuilder {
    private final String name;
    private final Map<String, Integer> opsets = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final Map<String, Tensor> initializers = new LinkedHashMap<>();
    private final List<ValueInfo> inputs = new ArrayList<>();
    private final List<ValueInfo> outputs = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();

    public GraphBuilder(String name, int opset) {
        this.name = name;
        opsets.put("", opset);
    }

    /** A float input; a negative dimension is a symbolic batch size "N". */
    public String input(String name, long... dims) {
        return input(name, Tensor.ElementType.FLOAT, dims);
    }

    public String input(String name, Tensor.ElementType type, long... dims) {
        List<String> sym = new ArrayList<>();
        for (long d : dims) {
            sym.add(d < 0 ? "N" : "");
        }
        inputs.add(new ValueInfo(name, type, dims.clone(), sym));
        return name;
    }

    public String initializer(String name, Tensor value) {
        initializers.put(name, value);
        return name;
    }

    /** Adds a node with one output named after the node; returns the output's name. */
    public String node(String opType, String nodeName, List<String> inputs, Attribute... attributes) {
        String out = nodeName + "_out";
        node(opType, nodeName, inputs, List.of(out), attributes);
        return out;
    }

    /** Adds a node with the given outputs. */
    public void node(String opType, String nodeName, List<String> inputs, List<String> outputs, Attribute... attributes) {
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        for (Attribute a : attributes) {
            attrs.put(a.name(), a);
        }
        nodes.add(new Node(nodeName, opType, "", inputs, outputs, attrs));
    }

    /** Declares a float graph output of unknown shape. */
    public GraphBuilder output(String tensor) {
        outputs.add(new ValueInfo(tensor, Tensor.ElementType.FLOAT, null, List.of()));
        return this;
    }

    public GraphBuilder output(ValueInfo info) {
        outputs.add(info);
        return this;
    }

    public GraphBuilder metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    public GraphBuilder opset(String domain, int version) {
        opsets.put(domain, version);
        return this;
    }

    public Graph build() {
        return new Graph(name, nodes, initializers, inputs, outputs, opsets, metadata);
    }

    @Override
    public String toString() {
        return name + " " + Arrays.toString(nodes.toArray());
    }
}
