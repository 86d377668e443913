package netviz.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A scalar computed from tapped tensors, to be differentiated: a class score, a channel's mean
 * activation, one neuron. Objectives over a batch are summed over the batch, so that one backward
 * pass gives every example its own gradient. Objectives add and scale like values (after Lucid's
 * objectives): {@code Objective.channel("conv2", 3).plus(Objective.logit("fc2", 7).times(0.5))}.
 */
public interface Objective {

    /** The tensors the objective reads (each must be computed by the forward pass). */
    Set<String> tensors();

    /** The scalar (a 0-d or 1-element array) from the values of {@link #tensors()}. */
    NDArray evaluate(Values values);

    /** A readable description, e.g. "logit(fc2)[7]". */
    default String describe() {
        return toString();
    }

    /**
     * The objective's gradient with respect to the tensors it reads when it is linear in them
     * (class scores, channel means, neurons, and their sums and scalings), so that a backward pass
     * can start from it without differentiating {@link #evaluate}; empty for any other objective.
     */
    default Optional<LinearSeed> linearSeed() {
        return Optional.empty();
    }

    static Objective of(String description, Set<String> tensors, Function<Values, NDArray> f) {
        return linear(description, tensors, f, null);
    }

    /** An objective that is linear in its tensors, with its {@link #linearSeed} ({@code seed} null: not linear). */
    static Objective linear(String description, Set<String> tensors, Function<Values, NDArray> f, LinearSeed seed) {
        Set<String> t = Set.copyOf(tensors);
        Optional<LinearSeed> linear = Optional.ofNullable(seed);
        return new Objective() {
            @Override
            public Optional<LinearSeed> linearSeed() {
                return linear;
            }

            @Override
            public Set<String> tensors() {
                return t;
            }

            @Override
            public NDArray evaluate(Values values) {
                return f.apply(values);
            }

            @Override
            public String toString() {
                return description;
            }
        };
    }

    /** Sum over the batch of {@code tensor[n, k]} (tensor of shape (N, K, ...): all positions summed). */
    static Objective logit(String tensor, int k) {
        return linear(tensor + "[" + k + "]", Set.of(tensor), v -> v.get(tensor).get(new NDIndex(":, {}", k)).sum(),
                LinearSeed.of(tensor, (shape, s) -> fillChannel(shape, s, k, 1f)));
    }

    /**
     * Sum over the batch of {@code tensor[n, classes[n]]}: a different target per example, so one
     * backward pass gives each example the gradient of its own class score.
     */
    static Objective logits(String tensor, int[] classes) {
        return linear(tensor + "[per-example]", Set.of(tensor), v -> {
            NDArray t = v.get(tensor);
            long n = t.getShape().get(0);
            if (n != classes.length) {
                throw new IllegalArgumentException("batch of " + n + " but " + classes.length + " targets");
            }
            float[] mask = new float[(int) t.getShape().size()];
            long k = t.getShape().size() / n;
            for (int i = 0; i < n; i++) {
                mask[(int) (i * k + classes[i])] = 1f;
            }
            NDArray m = OwnedArrays.copyOf(t.getManager().create(mask, t.getShape())).toType(t.getDataType(), false);
            return t.mul(m).sum();
        }, LinearSeed.of(tensor, (shape, s) -> {
            if (shape[0] != classes.length) {
                throw new IllegalArgumentException("batch of " + shape[0] + " but " + classes.length + " targets");
            }
            int k = s.length / classes.length;
            for (int i = 0; i < classes.length; i++) {
                s[i * k + classes[i]] = 1f;
            }
        }));
    }

    /** Sum over the batch of the mean of channel {@code c} of a (N, C, H, W) or (N, C) tensor. */
    static Objective channel(String tensor, int c) {
        return linear(tensor + ":" + c, Set.of(tensor), v -> {
            NDArray ch = v.get(tensor).get(new NDIndex(":, {}", c));
            long perExample = ch.getShape().size() / Math.max(1, ch.getShape().get(0));
            NDArray sum = ch.sum();
            return sum.div(OwnedArrays.scalar(sum, perExample));
        }, LinearSeed.of(tensor, (shape, s) -> {
            long positions = 1;
            for (int d = 2; d < shape.length; d++) {
                positions *= shape[d];
            }
            fillChannel(shape, s, c, (float) (1.0 / positions));
        }));
    }

    /** Sum over the batch of {@code tensor[n, c, y, x]}. */
    static Objective neuron(String tensor, int c, int y, int x) {
        return linear(tensor + ":" + c + "@" + y + "," + x, Set.of(tensor),
                v -> v.get(tensor).get(new NDIndex(":, {}, {}, {}", c, y, x)).sum(),
                LinearSeed.of(tensor, (shape, s) -> {
                    int per = s.length / (int) shape[0];
                    int at = (int) ((c * shape[2] + y) * shape[3] + x);
                    for (int i = 0; i < shape[0]; i++) {
                        s[i * per + at] = 1f;
                    }
                }));
    }

    /** The sum of every element of {@code tensor}. */
    static Objective sum(String tensor) {
        return linear("sum(" + tensor + ")", Set.of(tensor), v -> v.get(tensor).sum(),
                LinearSeed.of(tensor, (shape, s) -> java.util.Arrays.fill(s, 1f)));
    }

    default Objective plus(Objective other) {
        Set<String> t = new LinkedHashSet<>(tensors());
        t.addAll(other.tensors());
        Objective self = this;
        LinearSeed seed = self.linearSeed().isPresent() && other.linearSeed().isPresent()
                ? self.linearSeed().get().plus(other.linearSeed().get()) : null;
        return linear(self.describe() + " + " + other.describe(), t, v -> self.evaluate(v).add(other.evaluate(v)), seed);
    }

    default Objective times(double scale) {
        Objective self = this;
        return linear(scale + "*" + self.describe(), tensors(), v -> {
            NDArray value = self.evaluate(v);
            return value.mul(OwnedArrays.scalar(value, scale));
        }, self.linearSeed().map(s -> s.times(scale)).orElse(null));
    }

    /** Writes {@code value} at channel {@code c} (axis 1, every later position) of every example of a zeroed array. */
    private static void fillChannel(long[] shape, float[] s, int c, float value) {
        if (shape.length < 2 || c < 0 || c >= shape[1]) {
            throw new netviz.OutOfRangeException("channel " + c + " is out of range for a tensor of shape "
                    + java.util.Arrays.toString(shape));
        }
        int per = s.length / (int) Math.max(1, shape[0]);
        int inner = per / (int) shape[1];
        for (int i = 0; i < shape[0]; i++) {
            java.util.Arrays.fill(s, i * per + c * inner, i * per + (c + 1) * inner, value);
        }
    }
}
