package netviz.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import java.util.LinkedHashSet;
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

    static Objective of(String description, Set<String> tensors, Function<Values, NDArray> f) {
        Set<String> t = Set.copyOf(tensors);
        return new Objective() {
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
        return of(tensor + "[" + k + "]", Set.of(tensor), v -> v.get(tensor).get(new NDIndex(":, {}", k)).sum());
    }

    /**
     * Sum over the batch of {@code tensor[n, classes[n]]}: a different target per example, so one
     * backward pass gives each example the gradient of its own class score.
     */
    static Objective logits(String tensor, int[] classes) {
        return of(tensor + "[per-example]", Set.of(tensor), v -> {
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
        });
    }

    /** Sum over the batch of the mean of channel {@code c} of a (N, C, H, W) or (N, C) tensor. */
    static Objective channel(String tensor, int c) {
        return of(tensor + ":" + c, Set.of(tensor), v -> {
            NDArray ch = v.get(tensor).get(new NDIndex(":, {}", c));
            long perExample = ch.getShape().size() / Math.max(1, ch.getShape().get(0));
            NDArray sum = ch.sum();
            return sum.div(OwnedArrays.scalar(sum, perExample));
        });
    }

    /** Sum over the batch of {@code tensor[n, c, y, x]}. */
    static Objective neuron(String tensor, int c, int y, int x) {
        return of(tensor + ":" + c + "@" + y + "," + x, Set.of(tensor),
                v -> v.get(tensor).get(new NDIndex(":, {}, {}, {}", c, y, x)).sum());
    }

    /** The sum of every element of {@code tensor}. */
    static Objective sum(String tensor) {
        return of("sum(" + tensor + ")", Set.of(tensor), v -> v.get(tensor).sum());
    }

    default Objective plus(Objective other) {
        Set<String> t = new LinkedHashSet<>(tensors());
        t.addAll(other.tensors());
        Objective self = this;
        return of(self.describe() + " + " + other.describe(), t, v -> self.evaluate(v).add(other.evaluate(v)));
    }

    default Objective times(double scale) {
        Objective self = this;
        return of(scale + "*" + self.describe(), tensors(), v -> {
            NDArray value = self.evaluate(v);
            return value.mul(OwnedArrays.scalar(value, scale));
        });
    }
}
