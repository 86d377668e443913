package netviz.engine;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import netviz.ModelFormatException;

/**
 * One node of the graph: an operator applied to named input tensors, producing named output
 * tensors. An omitted optional input is the empty string, as in ONNX. Attribute getters take the
 * default that the ONNX specification gives and fail with a {@link ModelFormatException} naming the
 * node when an attribute has the wrong kind.
 */
public final class Node {
    private final String name;
    private final String opType;
    private final String domain;
    private final List<String> inputs;
    private final List<String> outputs;
    private final Map<String, Attribute> attributes;

    public Node(String name, String opType, String domain, List<String> inputs, List<String> outputs,
                Map<String, Attribute> attributes) {
        this.name = name;
        this.opType = opType;
        this.domain = domain == null || domain.equals("ai.onnx") ? "" : domain;
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    public String name() {
        return name;
    }

    public String opType() {
        return opType;
    }

    /** "" for the default ONNX domain. */
    public String domain() {
        return domain;
    }

    public List<String> inputs() {
        return inputs;
    }

    public List<String> outputs() {
        return outputs;
    }

    /** The i-th input name, or "" when the input is absent or omitted. */
    public String input(int i) {
        return i < inputs.size() ? inputs.get(i) : "";
    }

    public boolean hasInput(int i) {
        return !input(i).isEmpty();
    }

    public Map<String, Attribute> attributes() {
        return attributes;
    }

    public boolean has(String attr) {
        return attributes.containsKey(attr);
    }

    /** A readable label: the node name, or the operator and first output when the node has no name. */
    public String label() {
        return name.isEmpty() ? opType + "(" + (outputs.isEmpty() ? "" : outputs.get(0)) + ")" : name;
    }

    private Attribute get(String attr, Attribute.Kind kind) {
        Attribute a = attributes.get(attr);
        if (a != null && a.kind() != kind) {
            throw new ModelFormatException("node '" + label() + "' (" + opType + "): attribute '" + attr
                    + "' should be " + kind + " but is " + a.kind());
        }
        return a;
    }

    public long getInt(String attr, long dflt) {
        Attribute a = get(attr, Attribute.Kind.INT);
        return a == null ? dflt : a.i();
    }

    public float getFloat(String attr, float dflt) {
        Attribute a = get(attr, Attribute.Kind.FLOAT);
        return a == null ? dflt : a.f();
    }

    public String getString(String attr, String dflt) {
        Attribute a = get(attr, Attribute.Kind.STRING);
        return a == null ? dflt : a.s();
    }

    /** The ints attribute, or {@code dflt} (which may be null) when absent. */
    public long[] getInts(String attr, long[] dflt) {
        Attribute a = get(attr, Attribute.Kind.INTS);
        return a == null ? dflt : a.ints().clone();
    }

    public float[] getFloats(String attr, float[] dflt) {
        Attribute a = get(attr, Attribute.Kind.FLOATS);
        return a == null ? dflt : a.floats().clone();
    }

    public Tensor getTensor(String attr) {
        Attribute a = get(attr, Attribute.Kind.TENSOR);
        return a == null ? null : a.t();
    }

    /** A {@link ModelFormatException} that names this node. */
    public ModelFormatException error(String message) {
        return new ModelFormatException("node '" + label() + "' (" + opType + "): " + message);
    }

    @Override
    public String toString() {
        return label() + ": " + opType + inputs + " -> " + outputs;
    }
}
