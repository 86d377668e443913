package netviz.methods.attribution;

import java.util.Set;
import netviz.engine.Graph;
import netviz.engine.Node;

/**
 * The class score S that attribution methods explain: the unnormalised score of each class. When
 * the graph's first output is produced by Softmax or LogSoftmax (possibly behind Identity nodes),
 * S is the tensor that feeds it; otherwise S is the first output itself. Explaining the logit
 * rather than the probability is what Simonyan et al. (2014, section 2) recommend: the
 * probability of one class can rise because the others fall.
 */
public final class ScoreTensor {
    private static final Set<String> NORMALISERS = Set.of("Softmax", "LogSoftmax");

    private ScoreTensor() {
    }

    /** The name of the unnormalised class-score tensor of {@code graph}. */
    public static String find(Graph graph) {
        String out = graph.outputs().get(0).name();
        String t = out;
        for (int hops = 0; hops < graph.nodes().size(); hops++) {
            Node n = graph.producer(t);
            if (n == null || n.inputs().isEmpty()) {
                return out;
            }
            if (NORMALISERS.contains(n.opType())) {
                return n.input(0);
            }
            if (!n.opType().equals("Identity")) {
                return out;
            }
            t = n.input(0);
        }
        return out;
    }

    /** True when the graph ends in Softmax or LogSoftmax, i.e. {@link #find} is not the output itself. */
    public static boolean isNormalised(Graph graph) {
        return !find(graph).equals(graph.outputs().get(0).name());
    }
}
