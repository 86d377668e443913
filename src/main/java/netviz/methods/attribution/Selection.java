package netviz.methods.attribution;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import java.util.Arrays;
import java.util.Set;
import netviz.engine.LinearSeed;
import netviz.engine.Objective;

/**
 * A concrete target: one scalar per example, picked from one tensor. {@code coords[n]} indexes
 * example {@code n} of {@code tensor} below the batch axis: {@code {k}} for the class score k of
 * a (N, K) score tensor, {@code {c, y, x}} for a neuron of a (N, C, H, W) feature map, {@code {c}}
 * for a unit of a (N, C) layer. A {@link Target} is resolved into a selection once the values it
 * needs (the predicted class, the position of a channel's maximum) are known.
 *
 * @param tensor the tensor the scalars are read from
 * @param coords per example, the index below the batch axis
 */
public record Selection(String tensor, int[][] coords) {

    public Selection {
        coords = coords.clone();
        for (int i = 0; i < coords.length; i++) {
            coords[i] = coords[i].clone();
        }
    }

    /** Number of examples. */
    public int size() {
        return coords.length;
    }

    /** The class index of example n (the first coordinate). */
    public int index(int n) {
        return coords[n][0];
    }

    /** The rows {@code rows[i]} of this selection, in that order (repeats allowed). */
    public Selection rows(int[] rows) {
        int[][] c = new int[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            c[i] = coords[rows[i]];
        }
        return new Selection(tensor, c);
    }

    /** Each example repeated {@code times} times in a row: rows 0,0,…,1,1,… */
    public Selection repeatEach(int times) {
        int[] r = new int[coords.length * times];
        for (int i = 0; i < r.length; i++) {
            r[i] = i / times;
        }
        return rows(r);
    }

    /**
     * The objective Σ_n tensor[n, coords[n]…]: one backward pass gives each example the gradient
     * of its own scalar.
     */
    public Objective objective() {
        return objective(Set.of(tensor));
    }

    /** The same objective, declared as also reading {@code extra} tensors (so the pass returns them). */
    Objective objective(Set<String> reads) {
        int[][] c = coords;
        return Objective.linear(toString(), reads, v -> scalarSum(v.get(tensor), c),
                LinearSeed.of(tensor, (shape, s) -> oneHot(shape, c, s)));
    }

    /** Writes 1 at {@code [n, coords[n]…]} of a zeroed row-major array of {@code shape}: the seed of {@link #scalarSum}. */
    static void oneHot(long[] shape, int[][] coords, float[] seed) {
        if (shape.length == 0 || shape[0] != coords.length) {
            throw new IllegalArgumentException("batch of " + (shape.length == 0 ? 0 : shape[0]) + " but "
                    + coords.length + " targets");
        }
        int per = seed.length / coords.length;
        for (int i = 0; i < coords.length; i++) {
            long at = 0;
            for (int d = 1; d < shape.length; d++) {
                at = at * shape[d] + (d - 1 < coords[i].length ? coords[i][d - 1] : 0);
            }
            seed[i * per + (int) at] = 1f;
        }
    }

    static NDArray scalarSum(NDArray t, int[][] coords) {
        long n = t.getShape().get(0);
        if (n != coords.length) {
            throw new IllegalArgumentException("batch of " + n + " but " + coords.length + " targets");
        }
        NDArray total = null;
        for (int i = 0; i < coords.length; i++) {
            long[] idx = new long[coords[i].length + 1];
            idx[0] = i;
            for (int k = 0; k < coords[i].length; k++) {
                idx[k + 1] = coords[i][k];
            }
            NDArray s = t.get(new NDIndex(idx)).sum();
            total = total == null ? s : total.add(s);
        }
        return total;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(tensor).append('[');
        for (int i = 0; i < coords.length; i++) {
            if (i > 0) {
                b.append("; ");
            }
            b.append(Arrays.toString(coords[i]));
            if (i >= 3 && coords.length > 5) {
                b.append("; … ").append(coords.length - i - 1).append(" more");
                break;
            }
        }
        return b.append(']').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Selection s && s.tensor.equals(tensor) && Arrays.deepEquals(s.coords, coords);
    }

    @Override
    public int hashCode() {
        return tensor.hashCode() * 31 + Arrays.deepHashCode(coords);
    }
}
