package netviz.methods.attribution;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import netviz.OutOfRangeException;
import netviz.ShapeMismatchException;
import netviz.UnknownNameException;
import netviz.engine.Graph;
import netviz.engine.LinearSeed;
import netviz.engine.Objective;
import netviz.engine.Values;
import netviz.methods.unit.Unit;

/**
 * What an attribution explains: a class score S_k (the unnormalised score, see
 * {@link ScoreTensor}), by default the predicted class, or any neuron of any layer (a
 * {@link Unit}: a channel at a position, by default the position of that channel's maximum for the
 * image). A target is resolved into a concrete {@link Selection} from the forward values of the
 * tensor it reads.
 */
public sealed interface Target {

    /** The predicted class of each example (the argmax of S). */
    static Target predicted() {
        return new ClassScore(new int[0]);
    }

    /** Class {@code k} for every example, or one class per example when several are given. */
    static Target classes(int... k) {
        if (k.length == 0) {
            throw new IllegalArgumentException("no class given; use Target.predicted()");
        }
        for (int c : k) {
            if (c < 0) {
                throw new OutOfRangeException("target class " + c + " is negative; classes are numbered from 0");
            }
        }
        return new ClassScore(k.clone());
    }

    /** Channel {@code c} of {@code layer} at the position of its maximum (per example). */
    static Target neuron(String layer, int c) {
        return new Neuron(Unit.channel(layer, c));
    }

    /** Channel {@code c} of {@code layer} at ({@code y}, {@code x}). */
    static Target neuron(String layer, int c, int y, int x) {
        return new Neuron(Unit.neuron(layer, c, y, x));
    }

    /**
     * The unit {@code u}: a class score is that class for every example, a channel without a position
     * the neuron at its maximum, a neuron itself.
     */
    static Target of(Unit u) {
        return u.isClassScore() ? classes(u.channel()) : new Neuron(u);
    }

    /** A fixed selection (already resolved). */
    static Target of(Selection s) {
        return new Fixed(s);
    }

    /**
     * A class named by the user: an index ("3"), or a class name matched without regard to case
     * ("Sneaker"). An unknown name fails with the closest names; an index beyond {@code labels}
     * (when labels are known) fails naming the range.
     */
    static Target parseClass(String spec, List<String> labels) {
        String s = spec.trim();
        if (s.matches("-?\\d{1,9}")) {
            int k = Integer.parseInt(s);
            if (k < 0) {
                throw new OutOfRangeException("target class " + k + " is negative; classes are numbered from 0");
            }
            if (labels != null && !labels.isEmpty() && k >= labels.size()) {
                throw new OutOfRangeException("target class " + k + " is out of range: the model has "
                        + labels.size() + " classes (0 to " + (labels.size() - 1) + ")");
            }
            return classes(k);
        }
        if (labels == null || labels.isEmpty()) {
            throw new UnknownNameException("class", s, List.of());
        }
        for (int i = 0; i < labels.size(); i++) {
            if (labels.get(i).equalsIgnoreCase(s)) {
                return classes(i);
            }
        }
        String norm = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        for (int i = 0; i < labels.size(); i++) {
            if (labels.get(i).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "").equals(norm)) {
                return classes(i);
            }
        }
        throw new UnknownNameException("class", s, labels);
    }

    /** The tensor the target reads, resolved in {@code graph}. */
    String tensor(Graph graph);

    /**
     * The concrete selection for a batch whose values of {@link #tensor} are {@code value} (shape
     * (N, …)). Checks every index against the tensor's shape.
     */
    Selection select(Graph graph, NDArray value);

    /**
     * An objective that resolves this target inside the pass that differentiates it (so the
     * predicted class or a channel's argmax cost no extra forward pass) and reports the
     * selection it used to {@code sink}. {@code alsoRead} lists further tensors the pass must
     * return in {@link netviz.engine.Gradients#forward()}.
     */
    default Objective objective(Graph graph, Consumer<Selection> sink, String... alsoRead) {
        String t = tensor(graph);
        Set<String> reads = new LinkedHashSet<>();
        reads.add(t);
        reads.addAll(Arrays.asList(alsoRead));
        LinearSeed onValues = LinearSeed.reading(t, readsValues(), (value, shape) -> {
            float[] s = new float[Math.toIntExact(netviz.engine.Tensor.size(shape))];
            Selection.oneHot(shape, select(graph, value).coords(), s);
            return s;
        });
        boolean predicted = this instanceof ClassScore c && c.classes.length == 0;
        LinearSeed seed = !predicted ? onValues : new LinearSeed() {
            @Override
            public java.util.Map<String, NDArray> seeds(Values values, ai.djl.ndarray.NDManager scope) {
                return onValues.seeds(values, scope);
            }

            @Override
            public boolean readsValues() {
                return true;
            }

            @Override
            public java.util.Optional<String> argmaxOf() {
                return java.util.Optional.of(t);
            }
        };
        return Objective.linear(describe(), Set.copyOf(reads), v -> {
            Selection s = select(graph, v.get(t));
            sink.accept(s);
            return Selection.scalarSum(v.get(t), s.coords());
        }, seed);
    }

    /** Whether {@link #select} reads the values (a predicted class, a channel's maximum) and not only their shape. */
    default boolean readsValues() {
        return true;
    }

    /** A readable description, e.g. "class 3", "predicted class", "conv2_out channel 5". */
    String describe();

    /** A class score: {@code classes} empty = the predicted class; one = for every example; else per example. */
    record ClassScore(int[] classes) implements Target {
        public ClassScore {
            classes = classes.clone();
        }

        @Override
        public String tensor(Graph graph) {
            return ScoreTensor.find(graph);
        }

        @Override
        public Selection select(Graph graph, NDArray value) {
            long n = value.getShape().get(0);
            long k = value.getShape().size() / Math.max(1, n);
            int[][] coords = new int[(int) n][];
            if (classes.length == 0) {
                float[] s = value.toType(DataType.FLOAT32, false).toFloatArray();
                for (int i = 0; i < n; i++) {
                    int best = 0;
                    for (int j = 1; j < k; j++) {
                        if (s[(int) (i * k + j)] > s[(int) (i * k + best)]) {
                            best = j;
                        }
                    }
                    coords[i] = scoreIndex(value, best);
                }
                return new Selection(tensor(graph), coords);
            }
            if (classes.length != 1 && classes.length != n) {
                throw new ShapeMismatchException("a batch of " + n + " images needs 1 or " + n + " targets, not "
                        + classes.length);
            }
            for (int i = 0; i < n; i++) {
                int c = classes[classes.length == 1 ? 0 : i];
                if (c >= k) {
                    throw new OutOfRangeException("target class " + c + " is out of range: the model has " + k
                            + " classes (0 to " + (k - 1) + ")");
                }
                coords[i] = scoreIndex(value, c);
            }
            return new Selection(tensor(graph), coords);
        }

        /** Index of class c below the batch axis: {c} for (N,K), {c,0,0} for (N,K,1,1) scores. */
        private static int[] scoreIndex(NDArray value, int c) {
            int[] idx = new int[value.getShape().dimension() - 1];
            idx[0] = c;
            return idx;
        }

        @Override
        public boolean readsValues() {
            return classes.length == 0;
        }

        @Override
        public String describe() {
            return classes.length == 0 ? "predicted class"
                    : classes.length == 1 ? "class " + classes[0] : "classes " + Arrays.toString(classes);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ClassScore c && Arrays.equals(c.classes, classes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(classes);
        }

        @Override
        public String toString() {
            return describe();
        }
    }

    /**
     * A neuron: {@link Unit#channel} of {@link Unit#layer} at {@link Unit#position} (y, x), or at the
     * position of the channel's maximum for each example when the unit has no position. For a
     * (N, C) layer the unit has no position.
     */
    record Neuron(Unit unit) implements Target {
        public Neuron {
            if (unit.isClassScore()) {
                throw new IllegalArgumentException("a class score is a Target.classes, not a neuron");
            }
        }

        @Override
        public String tensor(Graph graph) {
            return graph.resolveTensor(unit.layer());
        }

        @Override
        public Selection select(Graph graph, NDArray value) {
            long[] shape = value.getShape().getShape();
            String t = tensor(graph);
            String layer = unit.layer();
            int channel = unit.channel();
            int[] position = unit.position();
            if (shape.length < 2) {
                throw new ShapeMismatchException("layer '" + layer + "' has shape " + Arrays.toString(shape)
                        + ", which has no channel axis");
            }
            if (channel >= shape[1]) {
                throw new OutOfRangeException("channel " + channel + " is out of range: layer '" + layer + "' has "
                        + shape[1] + " channels (0 to " + (shape[1] - 1) + ")");
            }
            int n = (int) shape[0];
            int[][] coords = new int[n][];
            if (shape.length == 2) {
                if (position != null) {
                    throw new ShapeMismatchException("layer '" + layer + "' has shape " + Arrays.toString(shape)
                            + ": its units have no position; drop the position");
                }
                for (int i = 0; i < n; i++) {
                    coords[i] = new int[] {channel};
                }
                return new Selection(t, coords);
            }
            if (shape.length != 4) {
                throw new ShapeMismatchException("layer '" + layer + "' has shape " + Arrays.toString(shape)
                        + "; a neuron needs a (N, C, H, W) or (N, C) layer");
            }
            int h = (int) shape[2];
            int w = (int) shape[3];
            if (position != null) {
                if (position[0] < 0 || position[0] >= h || position[1] < 0 || position[1] >= w) {
                    throw new OutOfRangeException("position " + Arrays.toString(position) + " is out of range: layer '"
                            + layer + "' has " + h + "x" + w + " positions (y 0 to " + (h - 1) + ", x 0 to "
                            + (w - 1) + ")");
                }
                for (int i = 0; i < n; i++) {
                    coords[i] = new int[] {channel, position[0], position[1]};
                }
                return new Selection(t, coords);
            }
            float[] all = value.toType(DataType.FLOAT32, false).toFloatArray();
            int c = (int) shape[1];
            for (int i = 0; i < n; i++) {
                int off = (i * c + channel) * h * w;
                int best = 0;
                for (int p = 1; p < h * w; p++) {
                    if (all[off + p] > all[off + best]) {
                        best = p;
                    }
                }
                coords[i] = new int[] {channel, best / w, best % w};
            }
            return new Selection(t, coords);
        }

        @Override
        public boolean readsValues() {
            return unit.position() == null;
        }

        @Override
        public String describe() {
            int[] position = unit.position();
            return unit.layer() + " channel " + unit.channel()
                    + (position == null ? " (at its maximum)" : " at " + position[0] + "," + position[1]);
        }

        @Override
        public String toString() {
            return describe();
        }
    }

    /** A selection resolved earlier (e.g. on the clean image, then reused on noisy copies). */
    record Fixed(Selection selection) implements Target {
        @Override
        public String tensor(Graph graph) {
            return selection.tensor();
        }

        @Override
        public Selection select(Graph graph, NDArray value) {
            long n = value.getShape().get(0);
            if (n != selection.size()) {
                throw new ShapeMismatchException("a batch of " + n + " images but " + selection.size() + " targets");
            }
            return selection;
        }

        @Override
        public boolean readsValues() {
            return false;
        }

        @Override
        public String describe() {
            return selection.toString();
        }
    }

    /** Resolves {@code target} on the forward values {@code v} (which hold its tensor). */
    static Selection resolve(Target target, Graph graph, Values v) {
        return target.select(graph, v.get(target.tensor(graph)));
    }
}
