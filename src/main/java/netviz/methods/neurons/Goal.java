package netviz.methods.neurons;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.Set;
import netviz.engine.Objective;
import netviz.engine.OwnedArrays;
import netviz.engine.Values;

/**
 * What each image of a batch should excite: unit (channel c_n, optionally at position
 * (y_n, x_n)) of one tensor, one unit per example. For a (N, C, H, W) tensor without a
 * position the value is the channel's mean (Olah et al. 2017, "channel" objective); with a
 * position it is that neuron; for a (N, K) tensor (class scores, fully connected layers) it is
 * element c_n. {@link #objective()} sums the per-example values, so one backward pass gives every
 * example the gradient of its own unit.
 */
public record Goal(String tensor, int[] channels, int[] ys, int[] xs) {

    public Goal {
        channels = channels.clone();
        ys = ys == null ? null : ys.clone();
        xs = xs == null ? null : xs.clone();
        if ((ys == null) != (xs == null) || (ys != null && (ys.length != channels.length || xs.length != channels.length))) {
            throw new IllegalArgumentException("positions must be given for every example or for none");
        }
    }

    /** The same unit for {@code n} examples. */
    public static Goal repeat(String tensor, int channel, int[] yx, int n) {
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
        return new Goal(tensor, c, y, x);
    }

    /** Number of examples. */
    public int size() {
        return channels.length;
    }

    /**
     * Fails with one clear line ({@link netviz.NetvizException}) when a unit is outside a tensor
     * of shape {@code s} (N, C, ...): a channel outside 0..C-1, or a position outside H x W.
     */
    public void check(long[] s) {
        for (int i = 0; i < channels.length; i++) {
            ReceptiveField.checkChannel(tensor, s, channels[i]);
            if (ys != null) {
                ReceptiveField.checkPosition(new ReceptiveField.Field(tensor, s, false, null, null, null, null), ys[i], xs[i]);
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

    /**
     * The diversity term of Olah et al. 2017 (Lucid's {@code objectives.diversity}): minus the
     * mean over examples of the summed cosine similarity between example i's and every other
     * example's Gram matrix of {@code tensor} (a (N, C, H, W) layer), times {@code weight}. Added
     * to a batch objective it pushes the images of one unit apart in style.
     */
    public static Objective diversity(String tensor, double weight) {
        return Objective.of("diversity(" + tensor + ")", Set.of(tensor), v -> {
            NDArray a = v.get(tensor);
            long n = a.getShape().get(0);
            long c = a.getShape().get(1);
            NDArray f = a.reshape(n, c, -1);
            NDArray gram = f.matMul(f.transpose(0, 2, 1)).reshape(n, -1);
            NDArray norm = gram.norm(new int[] {1}, true).add(1e-8);
            NDArray unit = gram.div(norm);
            NDArray sim = unit.matMul(unit.transpose());
            NDArray offDiagonal = sim.sum().sub((double) n);
            // scalars libtorch owns: autograd saves the divisor and the factor (see OwnedArrays)
            NDArray mean = offDiagonal.div(OwnedArrays.scalar(offDiagonal, n));
            return mean.mul(OwnedArrays.scalar(mean, -weight));
        });
    }
}
