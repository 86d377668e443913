package netviz.methods.unit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import netviz.engine.Objective;
import netviz.engine.OwnedArrays;
import netviz.engine.Values;

/**
 * What each image of a batch should excite: one {@link Unit} per example, all of one tensor —
 * channel c_n, optionally at position (y_n, x_n). For a (N, C, H, W) tensor without a position the
 * value is the channel's mean (Olah et al. 2017, "channel" objective); with a position it is that
 * neuron; for a (N, K) tensor (class scores, fully connected layers) it is element c_n.
 * {@link #objective()} sums the per-example values, so one backward pass gives every example the
 * gradient of its own unit. A null {@code tensor} means the class scores (resolved by the method
 * that runs, see {@link netviz.methods.attribution.ScoreTensor#tensorOf}).
 *
 * @param tensor   the tensor (a layer name is resolved by the method), or null for the class scores
 * @param channels per example, the channel (the class for class scores)
 * @param ys       per example, the row of the neuron, or null for whole channels
 * @param xs       per example, the column, null exactly when {@code ys} is
 */
public record Units(String tensor, int[] channels, int[] ys, int[] xs) {

    public Units {
        channels = channels.clone();
        ys = ys == null ? null : ys.clone();
        xs = xs == null ? null : xs.clone();
        if ((ys == null) != (xs == null) || (ys != null && (ys.length != channels.length || xs.length != channels.length))) {
            throw new IllegalArgumentException("positions must be given for every example or for none");
        }
    }

    /** The same channel (and position {@code yx}, or null) of {@code tensor} for {@code n} examples. */
    public static Units repeat(String tensor, int channel, int[] yx, int n) {
        int[] c = new int[n];
        Arrays.fill(c, channel);
        int[] y = null;
        int[] x = null;
        if (yx != null) {
            y = new int[n];
            x = new int[n];
            Arrays.fill(y, yx[0]);
            Arrays.fill(x, yx[1]);
        }
        return new Units(tensor, c, y, x);
    }

    /** {@code unit} for {@code n} examples. */
    public static Units repeat(Unit unit, int n) {
        return repeat(unit.layer(), unit.channel(), unit.position(), n);
    }

    /**
     * One example per unit of {@code units}, which must all be of one layer and either all have a
     * position or none.
     */
    public static Units of(List<Unit> units) {
        if (units.isEmpty()) {
            throw new IllegalArgumentException("no unit given");
        }
        Unit first = units.get(0);
        int n = units.size();
        int[] c = new int[n];
        int[] y = first.position() == null ? null : new int[n];
        int[] x = first.position() == null ? null : new int[n];
        for (int i = 0; i < n; i++) {
            Unit u = units.get(i);
            if (!java.util.Objects.equals(u.layer(), first.layer()) || (u.position() == null) != (y == null)) {
                throw new IllegalArgumentException("units of one batch share one layer and all have a position or none: "
                        + first + " and " + u);
            }
            c[i] = u.channel();
            if (y != null) {
                y[i] = u.position()[0];
                x[i] = u.position()[1];
            }
        }
        return new Units(first.layer(), c, y, x);
    }

    /** The same units read from {@code resolved} (the tensor name the method resolved). */
    public Units on(String resolved) {
        return new Units(resolved, channels, ys, xs);
    }

    /** Number of examples. */
    public int size() {
        return channels.length;
    }

    /** The unit of example {@code i}. */
    public Unit unit(int i) {
        return new Unit(tensor, channels[i], ys == null ? null : new int[] {ys[i], xs[i]});
    }

    /**
     * Fails with one clear line ({@link netviz.NetvizException}) when a unit is outside a tensor
     * of shape {@code s} (N, C, ...): a channel outside 0..C-1, or a position outside H x W.
     */
    public void check(long[] s) {
        for (int i = 0; i < channels.length; i++) {
            Unit.checkChannel(tensor, s, channels[i]);
            if (ys != null) {
                Unit.checkPosition(tensor, s, ys[i], xs[i]);
            }
        }
    }

    /** For messages: "'fc2' unit 3", "'relu2' units [1, 4] at 3,5". */
    public String describe() {
        return "'" + tensor + "' " + (channels.length == 1 ? "unit " + channels[0] : "units " + Arrays.toString(channels))
                + (ys == null ? "" : " at " + ys[0] + "," + xs[0]);
    }

    /** The batch objective: the sum over examples of each example's unit. */
    public Objective objective() {
        String desc = tensor + ":" + (channels.length == 1 ? Integer.toString(channels[0]) : Arrays.toString(channels))
                + (ys == null ? "" : "@" + ys[0] + "," + xs[0]);
        return Objective.of(desc, Set.of(tensor), v -> {
            NDArray t = v.get(tensor);
            return t.mul(mask(t)).sum();
        });
    }

    /** Each example's value of its unit, from forward values that hold {@link #tensor()}. */
    public double[] values(Values v) {
        NDArray t = v.get(tensor);
        NDArray per = t.mul(mask(t)).reshape(t.getShape().get(0), -1).sum(new int[] {1});
        float[] f = per.toType(DataType.FLOAT32, false).toFloatArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private NDArray mask(NDArray t) {
        long[] s = t.getShape().getShape();
        if (s[0] != channels.length) {
            throw new IllegalArgumentException("batch of " + s[0] + " but " + channels.length + " units");
        }
        int per = (int) (t.getShape().size() / s[0]);
        int c = (int) s[1];
        int hw = per / c;
        float[] m = new float[(int) t.getShape().size()];
        for (int n = 0; n < channels.length; n++) {
            int base = n * per + channels[n] * hw;
            if (ys != null && s.length == 4) {
                m[base + ys[n] * (int) s[3] + xs[n]] = 1f;
            } else {
                for (int i = 0; i < hw; i++) {
                    m[base + i] = 1f / hw;
                }
            }
        }
        // libtorch-owned: autograd saves the mask for the backward pass (see OwnedArrays)
        return OwnedArrays.copyOf(t.getManager().create(m, t.getShape())).toType(t.getDataType(), false);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Units u && java.util.Objects.equals(u.tensor, tensor) && Arrays.equals(u.channels, channels)
                && Arrays.equals(u.ys, ys) && Arrays.equals(u.xs, xs);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hashCode(tensor) * 31 + Arrays.hashCode(channels) * 7 + Arrays.hashCode(ys);
    }
}
