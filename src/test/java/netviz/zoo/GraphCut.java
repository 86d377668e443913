package netviz.zoo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import netviz.engine.Graph;
import netviz.engine.Node;
import netviz.engine.Tensor;
import netviz.engine.ValueInfo;

/**
 * The part of a graph downstream of an intermediate tensor {@code h}: a model whose inputs are
 * {@code h} itself and every other tensor the downstream nodes read from upstream (skip
 * connections, shape constants), to be fed with their values from a forward pass of the whole
 * model. Evaluating it at {@code h + εv} perturbs {@code h} alone, which is what
 * d objective / d h means.
 */
public final class GraphCut {
    public final Graph graph;
    /** The upstream tensors (other than {@code h}) the cut model takes as inputs. */
    public final List<String> externals;

    private GraphCut(Graph graph, List<String> externals) {
        this.graph = graph;
        this.externals = externals;
    }

    public static GraphCut below(Graph g, String h, String target) {
        Set<String> needed = g.ancestors(Set.of(target));
        Set<String> down = new HashSet<>(Set.of(h));
        List<Node> kept = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (n.inputs().stream().anyMatch(down::contains)) {
                down.addAll(n.outputs());
                if (n.outputs().stream().anyMatch(needed::contains)) {
                    kept.add(n);
                }
            }
        }
        if (!down.contains(target)) {
            throw new IllegalArgumentException(target + " does not depend on " + h);
        }
        Set<String> externals = new LinkedHashSet<>();
        Map<String, Tensor> init = new LinkedHashMap<>();
        for (Node n : kept) {
            for (String x : n.inputs()) {
                if (x.isEmpty() || down.contains(x)) {
                    continue;
                }
                if (g.initializers().containsKey(x)) {
                    init.put(x, g.initializers().get(x));
                } else {
                    externals.add(x);
                }
            }
        }
        List<ValueInfo> inputs = new ArrayList<>();
        inputs.add(new ValueInfo(h, null, null, List.of()));
        for (String e : externals) {
            inputs.add(new ValueInfo(e, null, null, List.of()));
        }
        List<ValueInfo> outputs = List.of(new ValueInfo(target, Tensor.ElementType.FLOAT, null, List.of()));
        Graph cut = new Graph(g.name() + "_below_" + h, kept, init, inputs, outputs, new HashMap<>(g.opsets()),
                Map.of());
        return new GraphCut(cut, List.copyOf(externals));
    }
}
