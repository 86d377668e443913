package netviz.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import netviz.ModelFormatException;
import netviz.UnknownNameException;

/**
 * A model as netviz holds it: nodes in topological order, initializers (the parameters), the
 * declared inputs (those that are not initializers) and outputs, the opset of each operator
 * domain, and the model's metadata_props. The constructor checks that every tensor a node reads
 * is produced exactly once and that there is no cycle; it throws {@link ModelFormatException}
 * naming the first problem.
 */
public final class Graph {
    private final String name;
    private final List<Node> nodes;
    private final Map<String, Tensor> initializers;
    private final List<ValueInfo> inputs;
    private final List<ValueInfo> outputs;
    private final Map<String, Integer> opsets;
    private final Map<String, String> metadata;
    private final Map<String, Integer> producer = new HashMap<>();

    public Graph(String name, List<Node> nodes, Map<String, Tensor> initializers, List<ValueInfo> inputs,
                 List<ValueInfo> outputs, Map<String, Integer> opsets, Map<String, String> metadata) {
        this.name = name;
        this.initializers = Collections.unmodifiableMap(new LinkedHashMap<>(initializers));
        List<ValueInfo> realInputs = new ArrayList<>();
        for (ValueInfo in : inputs) {
            if (!initializers.containsKey(in.name())) {
                realInputs.add(in);
            }
        }
        this.inputs = List.copyOf(realInputs);
        this.outputs = List.copyOf(outputs);
        Map<String, Integer> ops = new LinkedHashMap<>();
        opsets.forEach((k, v) -> ops.put(k == null || k.equals("ai.onnx") ? "" : k, v));
        this.opsets = Collections.unmodifiableMap(ops);
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        this.nodes = List.copyOf(sort(nodes));
        for (int i = 0; i < this.nodes.size(); i++) {
            for (String out : this.nodes.get(i).outputs()) {
                if (!out.isEmpty()) {
                    producer.put(out, i);
                }
            }
        }
        for (ValueInfo out : outputs) {
            if (!producer.containsKey(out.name()) && !initializers.containsKey(out.name())
                    && realInputs.stream().noneMatch(v -> v.name().equals(out.name()))) {
                throw new ModelFormatException("graph output '" + out.name() + "' is produced by no node");
            }
        }
    }

    /** Kahn's algorithm, stable with respect to file order; rejects dangling names, duplicates and cycles. */
    private List<Node> sort(List<Node> in) {
        Set<String> available = new HashSet<>(initializers.keySet());
        for (ValueInfo v : inputs) {
            available.add(v.name());
        }
        Map<String, Integer> producedBy = new HashMap<>();
        for (int i = 0; i < in.size(); i++) {
            for (String out : in.get(i).outputs()) {
                if (out.isEmpty()) {
                    continue;
                }
                if (producedBy.put(out, i) != null || available.contains(out)) {
                    throw new ModelFormatException("tensor '" + out + "' is produced twice (node '"
                            + in.get(i).label() + "')");
                }
            }
        }
        int[] pending = new int[in.size()];
        Map<String, List<Integer>> consumers = new HashMap<>();
        for (int i = 0; i < in.size(); i++) {
            Set<String> distinct = new LinkedHashSet<>(in.get(i).inputs());
            for (String x : distinct) {
                if (x.isEmpty() || available.contains(x)) {
                    continue;
                }
                if (!producedBy.containsKey(x)) {
                    throw new ModelFormatException("node '" + in.get(i).label() + "' (" + in.get(i).opType()
                            + ") reads tensor '" + x + "', which no node, input or initializer provides");
                }
                pending[i]++;
                consumers.computeIfAbsent(x, k -> new ArrayList<>()).add(i);
            }
        }
        java.util.PriorityQueue<Integer> ready = new java.util.PriorityQueue<>();
        for (int i = 0; i < in.size(); i++) {
            if (pending[i] == 0) {
                ready.add(i);
            }
        }
        List<Node> out = new ArrayList<>(in.size());
        while (!ready.isEmpty()) {
            int i = ready.poll();
            out.add(in.get(i));
            for (String o : in.get(i).outputs()) {
                for (int c : consumers.getOrDefault(o, List.of())) {
                    if (--pending[c] == 0) {
                        ready.add(c);
                    }
                }
            }
        }
        if (out.size() != in.size()) {
            for (int i = 0; i < in.size(); i++) {
                if (pending[i] > 0) {
                    throw new ModelFormatException("the graph has a cycle through node '" + in.get(i).label() + "' ("
                            + in.get(i).opType() + ")");
                }
            }
        }
        return out;
    }

    public String name() {
        return name;
    }

    /** Nodes in topological order. */
    public List<Node> nodes() {
        return nodes;
    }

    public Map<String, Tensor> initializers() {
        return initializers;
    }

    /** Inputs the caller must feed (initializers excluded). */
    public List<ValueInfo> inputs() {
        return inputs;
    }

    public List<ValueInfo> outputs() {
        return outputs;
    }

    /** Opset per domain ("" is the default ONNX domain). */
    public Map<String, Integer> opsets() {
        return opsets;
    }

    public int opset(String domain) {
        Integer v = opsets.get(domain == null || domain.equals("ai.onnx") ? "" : domain);
        return v == null ? -1 : v;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /** The node producing {@code tensor}, or null for inputs, initializers and unknown names. */
    public Node producer(String tensor) {
        Integer i = producer.get(tensor);
        return i == null ? null : nodes.get(i);
    }

    /** Index in {@link #nodes()} of the producer of {@code tensor}, or -1. */
    public int producerIndex(String tensor) {
        return producer.getOrDefault(tensor, -1);
    }

    /** Every tensor name: inputs, initializers and node outputs. */
    public Set<String> tensorNames() {
        Set<String> s = new LinkedHashSet<>();
        inputs.forEach(v -> s.add(v.name()));
        s.addAll(producer.keySet());
        s.addAll(initializers.keySet());
        return s;
    }

    public boolean hasTensor(String name) {
        return producer.containsKey(name) || initializers.containsKey(name)
                || inputs.stream().anyMatch(v -> v.name().equals(name));
    }

    /**
     * Resolves what a user calls a layer to a tensor name: a tensor name, a node name (its first
     * output), or a node index into {@link #nodes()} ("#12" or "12"). Throws
     * {@link UnknownNameException} with the closest names otherwise.
     */
    public String resolveTensor(String layer) {
        if (hasTensor(layer)) {
            return layer;
        }
        for (Node n : nodes) {
            if (n.name().equals(layer) && !n.outputs().isEmpty()) {
                return n.outputs().get(0);
            }
        }
        String digits = layer.startsWith("#") ? layer.substring(1) : layer;
        if (!digits.isEmpty() && digits.chars().allMatch(Character::isDigit) && digits.length() < 9) {
            int i = Integer.parseInt(digits);
            if (i < nodes.size()) {
                return nodes.get(i).outputs().get(0);
            }
        }
        Set<String> known = new LinkedHashSet<>();
        for (Node n : nodes) {
            if (!n.name().isEmpty()) {
                known.add(n.name());
            }
            known.addAll(n.outputs());
        }
        inputs.forEach(v -> known.add(v.name()));
        throw new UnknownNameException("layer", layer, known);
    }

    /** The node that a layer name designates (see {@link #resolveTensor}); null for graph inputs. */
    public Node resolveNode(String layer) {
        return producer(resolveTensor(layer));
    }

    /** Tensors that (transitively) feed {@code targets}, targets included. */
    public Set<String> ancestors(Set<String> targets) {
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(targets);
        while (!todo.isEmpty()) {
            String t = todo.pop();
            if (!seen.add(t)) {
                continue;
            }
            Node n = producer(t);
            if (n != null) {
                for (String x : n.inputs()) {
                    if (!x.isEmpty()) {
                        todo.push(x);
                    }
                }
            }
        }
        return seen;
    }

    @Override
    public String toString() {
        return "Graph(" + name + ", " + nodes.size() + " nodes, inputs " + ValueInfo.names(inputs) + ", outputs "
                + ValueInfo.names(outputs) + ")";
    }
}
