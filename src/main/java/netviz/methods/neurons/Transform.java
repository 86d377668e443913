package netviz.methods.neurons;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.index.NDIndex;
import java.util.List;
import java.util.Random;

/**
 * A random, differentiable image transformation applied to the image before each forward pass of
 * activation maximization, so that the image must excite the unit whatever small shift, scale
 * or rotation it undergoes ("transformation robustness": Mordvintsev, Olah and Tyka 2015; Olah,
 * Mordvintsev and Schubert, "Feature Visualization", Distill 2017; the idea of Lucid's
 * {@code transform.py}). Transforms compose with {@link #then} or {@link #compose}; each works on
 * a (N, C, H, W) array and keeps its shape, and gradients flow through it.
 */
@FunctionalInterface
public interface Transform {

    /** The transformed image; {@code rnd} draws the random parameters of this call. */
    NDArray apply(NDArray image, Random rnd);

    /** A short description for titles and logs. */
    default String describe() {
        return "transform";
    }

    /** This transform, then {@code next}. */
    default Transform then(Transform next) {
        Transform self = this;
        return named(self.describe() + " > " + next.describe(), (x, r) -> next.apply(self.apply(x, r), r));
    }

    static Transform named(String description, Transform t) {
        return new Transform() {
            @Override
            public NDArray apply(NDArray image, Random rnd) {
                return t.apply(image, rnd);
            }

            @Override
            public String describe() {
                return description;
            }
        };
    }

    /** The identity. */
    static Transform identity() {
        return named("identity", (x, r) -> x);
    }

    /** Every transform in order. */
    static Transform compose(List<Transform> ts) {
        Transform t = identity();
        for (Transform x : ts) {
            t = t.describe().equals("identity") ? x : t.then(x);
        }
        return t;
    }

    /**
     * Jitter: a circular shift by a random (dy, dx), each uniform in [-d, d] (Mordvintsev et al.
     * 2015; Yosinski et al. 2015 jitter between steps). The shift wraps around so the image keeps
     * its size and every pixel keeps a gradient.
     */
    static Transform jitter(int d) {
        if (d < 0) {
            throw new IllegalArgumentException("jitter must be 0 or more pixels, not " + d);
        }
        return named("jitter " + d, (x, r) -> {
            if (d == 0) {
                return x;
            }
            int dy = r.nextInt(2 * d + 1) - d;
            int dx = r.nextInt(2 * d + 1) - d;
            return roll(roll(x, dy, 2), dx, 3);
        });
    }

    /** Circular shift by {@code s} along {@code axis} (differentiable: two slices and a concatenation). */
    static NDArray roll(NDArray x, int s, int axis) {
        long len = x.getShape().get(axis);
        int k = (int) Math.floorMod(s, len);
        if (k == 0) {
            return x;
        }
        String head = axis == 2 ? ":, :, {}:, :" : ":, :, :, {}:";
        String tail = axis == 2 ? ":, :, :{}, :" : ":, :, :, :{}";
        NDArray a = x.get(new NDIndex(head, len - k));
        NDArray b = x.get(new NDIndex(tail, len - k));
        return NDArrays.concat(new ai.djl.ndarray.NDList(a, b), axis);
    }

    /** Random scaling about the centre by one of {@code factors} (bilinear, border clamped). */
    static Transform scale(double... factors) {
        double[] f = factors.clone();
        return named("scale " + java.util.Arrays.toString(f), (x, r) -> affine(x, f[r.nextInt(f.length)], 0));
    }

    /** Random rotation about the centre by one of {@code degrees} (bilinear, border clamped). */
    static Transform rotate(double... degrees) {
        double[] d = degrees.clone();
        return named("rotate " + java.util.Arrays.toString(d), (x, r) -> affine(x, 1, d[r.nextInt(d.length)]));
    }

    /**
     * Scales by {@code s} and rotates by {@code deg} about the image centre by bilinear sampling:
     * output pixel p reads the input at R(-deg) (p - c) / s + c, coordinates clamped to the
     * border. The four neighbours are gathered with an index (differentiable).
     */
    static NDArray affine(NDArray x, double s, double deg) {
        if (s == 1 && deg == 0) {
            return x;
        }
        long[] sh = x.getShape().getShape();
        int n = (int) sh[0];
        int c = (int) sh[1];
        int h = (int) sh[2];
        int w = (int) sh[3];
        double th = Math.toRadians(deg);
        double cos = Math.cos(th);
        double sin = Math.sin(th);
        double cy = (h - 1) / 2.0;
        double cx = (w - 1) / 2.0;
        long[][] idx = new long[4][h * w];
        float[][] wt = new float[4][h * w];
        for (int y = 0; y < h; y++) {
            for (int xx = 0; xx < w; xx++) {
                double py = y - cy;
                double px = xx - cx;
                double sy = (cos * py + sin * px) / s + cy;
                double sx = (-sin * py + cos * px) / s + cx;
                sy = Math.max(0, Math.min(h - 1, sy));
                sx = Math.max(0, Math.min(w - 1, sx));
                int y0 = (int) Math.floor(sy);
                int x0 = (int) Math.floor(sx);
                int y1 = Math.min(h - 1, y0 + 1);
                int x1 = Math.min(w - 1, x0 + 1);
                double fy = sy - y0;
                double fx = sx - x0;
                int p = y * w + xx;
                idx[0][p] = (long) y0 * w + x0;
                idx[1][p] = (long) y0 * w + x1;
                idx[2][p] = (long) y1 * w + x0;
                idx[3][p] = (long) y1 * w + x1;
                wt[0][p] = (float) ((1 - fy) * (1 - fx));
                wt[1][p] = (float) ((1 - fy) * fx);
                wt[2][p] = (float) (fy * (1 - fx));
                wt[3][p] = (float) (fy * fx);
            }
        }
        NDArray flat = x.reshape(n, c, (long) h * w);
        NDArray out = null;
        for (int k = 0; k < 4; k++) {
            NDArray ix = x.getManager().create(idx[k]);
            NDArray wk = x.getManager().create(wt[k]).toType(x.getDataType(), false);
            NDArray term = flat.get(new NDIndex(":, :, {}", ix)).mul(wk);
            out = out == null ? term : out.add(term);
        }
        return out.reshape(sh[0], sh[1], sh[2], sh[3]);
    }
}
