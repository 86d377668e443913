package netviz.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The gradient of an objective that is linear in the tensors it reads, J = Σ_t ⟨s_t, t⟩, with
 * respect to each tensor t: the constant seeds s_t with which a backward pass starts (the
 * vector of a vector-Jacobian product). What the objective selects may depend on the forward
 * values (the predicted class, the position of a channel's maximum); the seed is then constant
 * only around those values, exactly as autograd sees it. Seeds add and scale with their
 * objectives.
 */
public interface LinearSeed {

    /**
     * The seed of each tensor the objective reads (a tensor left out has a zero seed), each of the
     * shape of its value in {@code values}, as float32 arrays of {@code scope}.
     */
    Map<String, NDArray> seeds(Values values, NDManager scope);

    /**
     * Whether {@link #seeds} reads the values themselves and not only their shapes (when false, a
     * runtime may pass arrays of the right shapes holding anything).
     */
    default boolean readsValues() {
        return false;
    }

    /**
     * The tensor T when this seed is the one-hot of each example's largest score, seed[n, k] =
     * [k = argmax_j T[n, j]] (the first of equal maxima) for T of shape (N, K) or (N, K, 1, …): the
     * predicted class, which a runtime may then compute inside the backward pass itself. Empty for
     * any other seed.
     */
    default java.util.Optional<String> argmaxOf() {
        return java.util.Optional.empty();
    }

    /** A seed of one tensor from its shape: {@code fill} writes the seed into a zeroed row-major array. */
    static LinearSeed of(String tensor, java.util.function.BiConsumer<long[], float[]> fill) {
        return (values, scope) -> {
            long[] shape = values.get(tensor).getShape().getShape();
            float[] s = new float[Math.toIntExact(Tensor.size(shape))];
            fill.accept(shape, s);
            return Map.of(tensor, scope.create(s, new Shape(shape)));
        };
    }

    /**
     * A seed of one tensor computed from its value (a selection that may depend on it; when
     * {@code readsValues} is false, {@code fill} reads only the value's shape).
     */
    static LinearSeed reading(String tensor, boolean readsValues, BiFunction<NDArray, long[], float[]> fill) {
        return new LinearSeed() {
            @Override
            public Map<String, NDArray> seeds(Values values, NDManager scope) {
                NDArray v = values.get(tensor);
                long[] shape = v.getShape().getShape();
                return Map.of(tensor, scope.create(fill.apply(v, shape), new Shape(shape)));
            }

            @Override
            public boolean readsValues() {
                return readsValues;
            }
        };
    }

    /** The seed of the sum of the two objectives. */
    default LinearSeed plus(LinearSeed other) {
        LinearSeed self = this;
        return new LinearSeed() {
            @Override
            public Map<String, NDArray> seeds(Values values, NDManager scope) {
                Map<String, NDArray> out = new LinkedHashMap<>(self.seeds(values, scope));
                other.seeds(values, scope).forEach((t, s) -> out.merge(t, s, NDArray::add));
                return out;
            }

            @Override
            public boolean readsValues() {
                return self.readsValues() || other.readsValues();
            }
        };
    }

    /** The seed of the objective scaled by {@code scale}. */
    default LinearSeed times(double scale) {
        LinearSeed self = this;
        return new LinearSeed() {
            @Override
            public Map<String, NDArray> seeds(Values values, NDManager scope) {
                Map<String, NDArray> out = new HashMap<>();
                self.seeds(values, scope).forEach((t, s) -> out.put(t, s.mul((float) scale)));
                return out;
            }

            @Override
            public boolean readsValues() {
                return self.readsValues();
            }
        };
    }
}
