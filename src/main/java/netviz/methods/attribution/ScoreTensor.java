package netviz.methods.attribution;

import java.util.Set;
import netviz.engine.Graph;
import netviz.engine.ModelView;
import netviz.engine.Node;

/**
 * The class score S that attribution methods explain: the unnormalised score of each class. When
 * the graph's first output (the classifier output, see {@link ModelView}) is produced by Softmax or
 * LogSoftmax (possibly behind Identity, Flatten, Reshape or Squeeze nodes, as Keras and other
 * exporters write it), S is the tensor that feeds it; otherwise S is the first output itself.
 * When the user asked for the probability ({@code --score probability}, recorded by
 * {@link ModelView}), S is the output itself. Explaining the logit
 * rather than the probability is what Simonyan et al. (2014, section 2) recommend: the
 * probability of one class can rise because the others fall.
 */
public final class ScoreTensor {
    private static final Set<String> NORMALISERS = Set.of("Softmax", "LogSoftmax");
    private static final Set<String> PASS_THROUGH = Set.of("Identity", "Flatten", "Reshape", "Squeeze");

    private ScoreTensor() {
    }

    /** The name of the class-score tensor of {@code graph}: its logits unless --score probability was asked. */
    public static String find(Graph graph) {
        return ModelView.explainsProbability(graph) ? graph.outputs().get(0).name() : logits(graph);
    }

    /**
     * The tensor of a unit's layer: the class scores ({@link #find}) for a null layer (a
     * {@link netviz.methods.unit.Unit#classScore class score}), else the layer resolved in {@code graph}.
     */
    public static String tensorOf(Graph graph, String layer) {
        return layer == null ? find(graph) : graph.resolveTensor(layer);
    }

    /** The tensor that feeds a final Softmax/LogSoftmax of the first output, or the first output itself. */
    public static String logits(Graph graph) {
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
            if (!PASS_THROUGH.contains(n.opType())) {
                return out;
            }
            t = n.input(0);
        }
        return out;
    }

    /**
     * The note that says once which score is explained: for a model that ends in Softmax or
     * LogSoftmax, that its logits are (and how to choose the probability), or that the output
     * itself is when {@code --score probability} asked for it; null when the output is the logits.
     */
    public static String note(Graph graph) {
        String out = graph.outputs().get(0).name();
        String logits = logits(graph);
        if (logits.equals(out)) {
            return null;
        }
        if (ModelView.explainsProbability(graph)) {
            return "class scores are the model's output '" + out + "' itself, as --score probability asks"
                    + " (its gradients vanish where the softmax saturates)";
        }
        return "the model's output '" + out + "' is a softmax: class scores are its logits '" + logits
                + "' (--score probability explains the probability)";
    }

    /** True when the graph ends in Softmax or LogSoftmax, i.e. {@link #find} is not the output itself. */
    public static boolean isNormalised(Graph graph) {
        return !find(graph).equals(graph.outputs().get(0).name());
    }
}
