package netviz.engine.backend;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import netviz.engine.Autograd;

/**
 * The self-check of the libtorch kernels netviz relies on: for each kernel (Conv forward, its input
 * and weight gradients at groups 1, depthwise and grouped, small and large channel counts, strides and
 * dilations as ConvTranspose uses them; max and average pooling; inference BatchNorm; Gemm; batched
 * MatMul), the float32 result is compared with the same computation in float64 (which never runs on
 * oneDNN), and a batch of 2 to 8 with the same examples one at a time. Inputs come from a seeded
 * {@link SplittableRandom}, so the check leaves libtorch's random state alone.
 *
 * <p>{@link #quick} (a few milliseconds) runs in every process before its first computation;
 * {@link #full} adds the large ResNet/ResNeXt-shaped cases (grouped 1×1 and 3×3 at 14×14 to 56×56) that have
 * crashed oneDNN on some CPUs, and runs only in a child process ({@link KernelProbe}).
 *
 * <p>Fault injection for tests: {@code -Dnetviz.backend.inject=conv-input-grad} makes the check see a
 * wrong Conv input gradient for batches of two or more while oneDNN is on.
 */
public final class KernelChecks {
    /** Relative error allowed between float32 and float64 (float32 rounding over ≤ 10⁴-term sums is ~1e-6). */
    static final double TOL_F64 = 1e-4;
    /** Relative error allowed between a batch and its examples one at a time. */
    static final double TOL_BATCH = 1e-4;

    private KernelChecks() {
    }

    /** The small cases (milliseconds). */
    public static List<KernelCheck> quick(NDManager manager) {
        return run(manager, false);
    }

    /** The small and the large cases (a second or two). */
    public static List<KernelCheck> full(NDManager manager) {
        return run(manager, true);
    }

    /** The full check, each result added to {@code sink} as soon as it is known (the probe prints them). */
    static void full(NDManager manager, List<KernelCheck> sink) {
        run(manager, true, sink);
    }

    private static List<KernelCheck> run(NDManager parent, boolean full) {
        List<KernelCheck> out = new ArrayList<>();
        run(parent, full, out);
        return out;
    }

    private static void run(NDManager parent, boolean full, List<KernelCheck> out) {
        try (NDManager m = parent.newSubManager(); Autograd.Mode mode = Autograd.record()) {
            Checker c = new Checker(m, out);
            // quick: the cases that caught broken oneDNN kernels (batches of 2-4, few channels, dilation)
            c.conv("conv 3x3 3->8 8x8 batch 2", 2, 3, 8, 8, 3, 1, 1, 1, 1);
            c.conv("conv 3x3 1->4 8x8 batch 4", 4, 1, 4, 8, 3, 1, 1, 1, 1);
            c.conv("conv 3x3 dil2 8->8 10x10 (ConvTranspose)", 2, 8, 8, 10, 3, 1, 2, 1, 2);
            c.conv("conv 3x3 depthwise 16 12x12", 3, 16, 16, 12, 3, 1, 1, 16, 1);
            c.gemm();
            if (full) {
                for (int n : new int[] {3, 8}) {
                    c.conv("conv 3x3 3->8 8x8 batch " + n, n, 3, 8, 8, 3, 1, 1, 1, 1);
                }
                c.conv("conv 3x3 3->4 8x8 batch 3", 3, 3, 4, 8, 3, 1, 1, 1, 1);
                c.conv("conv 3x3 4->6 4x4 batch 3", 3, 4, 6, 4, 3, 1, 1, 1, 1);
                c.conv("conv 3x3 4->6 4x4 batch 4", 4, 4, 6, 4, 3, 1, 1, 1, 1);
                c.conv("conv 3x3 s2 32->64 14x14", 2, 32, 64, 14, 3, 2, 1, 1, 1);
                c.conv("conv 1x1 64->32 7x7", 2, 64, 32, 7, 1, 1, 0, 1, 1);
                c.conv("conv 5x5 grouped g4 16->16 9x9", 5, 16, 16, 9, 5, 1, 2, 4, 1);
                c.pooling();
                c.batchNorm();
                c.matmul();
                for (int n : new int[] {4, 6}) {
                    c.conv("conv 3x3 3->8 8x8 batch " + n, n, 3, 8, 8, 3, 1, 1, 1, 1);
                }
                c.conv("conv 3x3 1->32 28x28 (Fashion-MNIST)", 8, 1, 32, 28, 3, 1, 1, 1, 1);
                c.conv("conv 3x3 32->64 14x14 (Fashion-MNIST)", 8, 32, 64, 14, 3, 1, 1, 1, 1);
                c.conv("conv 7x7 s2 3->64 56x56 (ResNet stem)", 2, 3, 64, 56, 7, 2, 3, 1, 1);
                c.conv("conv 3x3 64->64 28x28 (ResNet)", 2, 64, 64, 28, 3, 1, 1, 1, 1);
                c.conv("conv 1x1 256->128 56x56 (ResNeXt)", 1, 256, 128, 56, 1, 1, 0, 1, 1);
                c.conv("conv 1x1 256->128 14x14 batch (ResNeXt)", 2, 256, 128, 14, 1, 1, 0, 1, 1);
                c.conv("conv 3x3 g32 128->128 28x28 (ResNeXt)", 1, 128, 128, 28, 3, 1, 1, 32, 1);
                c.conv("conv 3x3 g32 256->256 14x14 s2 batch (ResNeXt)", 2, 256, 256, 14, 3, 2, 1, 32, 1);
                c.conv("conv 1x1 s2 256->512 28x28 (ResNet downsample)", 1, 256, 512, 28, 1, 2, 0, 1, 1);
                c.conv("conv 3x3 depthwise 96 28x28 (MobileNet)", 2, 96, 96, 28, 3, 1, 1, 96, 1);
            }
        }
    }

    /** Whether every check passed. */
    public static boolean allPassed(List<KernelCheck> checks) {
        return checks.stream().allMatch(KernelCheck::passed);
    }

    private static final class Checker {
        final NDManager m;
        final List<KernelCheck> out;
        final SplittableRandom random = new SplittableRandom(20261205L);
        final boolean inject = "conv-input-grad".equals(System.getProperty("netviz.backend.inject"));

        Checker(NDManager m, List<KernelCheck> out) {
            this.m = m;
            this.out = out;
        }

        NDArray randn(long... shape) {
            Shape s = new Shape(shape);
            float[] v = new float[Math.toIntExact(s.size())];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (random.nextDouble() * 2 - 1);
            }
            return m.create(v, s);
        }

        void conv(String name, int n, int cin, int cout, int size, int k, int stride, int pad, int groups, int dil) {
            NDArray x = randn(n, cin, size, size);
            NDArray w = randn(cout, cin / groups, k, k).mul(1.0 / Math.sqrt((double) cin / groups * k * k));
            NDArray b = randn(cout);
            Shape st = new Shape(stride, stride);
            Shape pd = new Shape(pad, pad);
            Shape dl = new Shape(dil, dil);
            Function<NDArray[], NDArray> f = a -> Conv2d.conv2d(a[0], a[1], a[2], st, pd, dl, groups).singletonOrThrow();
            boolean injectHere = inject && n >= 2 && Backend.onednnEnabledNow();
            compare(name, f, new NDArray[] {x, w, b}, new int[] {0, 1}, injectHere);
        }

        void pooling() {
            NDArray x = randn(4, 8, 13, 13);
            compare("maxpool 3x3 s2 p1", a -> a[0].getNDArrayInternal().maxPool(new Shape(3, 3), new Shape(2, 2),
                    new Shape(1, 1), false), new NDArray[] {x}, new int[] {0}, false);
            compare("avgpool 3x3 s2 p1", a -> a[0].getNDArrayInternal().avgPool(new Shape(3, 3), new Shape(2, 2),
                    new Shape(1, 1), false, true), new NDArray[] {x}, new int[] {0}, false);
        }

        void batchNorm() {
            NDArray x = randn(4, 16, 6, 6);
            NDArray mean = randn(16);
            NDArray var = randn(16).abs().add(0.5);
            NDArray gamma = randn(16);
            NDArray beta = randn(16);
            compare("batchnorm (inference)", a -> BatchNorm.batchNorm(a[0], a[1], a[2], a[3], a[4], 1, 0.1f, 1e-5f,
                    false).singletonOrThrow(), new NDArray[] {x, mean, var, gamma, beta}, new int[] {0}, false);
        }

        void gemm() {
            NDArray x = randn(8, 300);
            NDArray w = randn(70, 300).mul(0.06);
            NDArray b = randn(70);
            compare("gemm 300->70", a -> Linear.linear(a[0], a[1], a[2]).singletonOrThrow(),
                    new NDArray[] {x, w, b}, new int[] {0, 1}, false);
        }

        void matmul() {
            NDArray q = randn(4, 3, 17, 32);
            NDArray kT = randn(4, 3, 32, 17);
            compare("matmul batched 17x32x17", a -> a[0].matMul(a[1]), new NDArray[] {q, kT}, new int[] {0, 1},
                    false, true);
        }

        /**
         * Compares forward and gradients (w.r.t. the inputs in {@code wrt}, for the objective
         * sum(f(x) * r) with a fixed random r) in float32 against float64, and, when the batch is at
         * least 2, the forward and the input gradient of the batch against its examples one at a time.
         */
        void compare(String name, Function<NDArray[], NDArray> f, NDArray[] in, int[] wrt, boolean injectInput) {
            compare(name, f, in, wrt, injectInput, false);
        }

        /** {@code allBatched}: every input with the batch size as its first dimension is sliced per example. */
        void compare(String name, Function<NDArray[], NDArray> f, NDArray[] in, int[] wrt, boolean injectInput,
                     boolean allBatched) {
            Result r32 = evaluate(f, in, wrt, null);
            NDArray seed = r32.seed;
            NDArray[] in64 = new NDArray[in.length];
            for (int i = 0; i < in.length; i++) {
                in64[i] = in[i].toType(DataType.FLOAT64, true);
            }
            Result r64 = evaluate(f, in64, wrt, seed.toType(DataType.FLOAT64, true));
            if (injectInput) {
                r32.grads[0] = r32.grads[0].mul(1.5f);
            }
            out.add(new KernelCheck(name + ": forward", rel(r32.y, r64.y), TOL_F64));
            for (int i = 0; i < wrt.length; i++) {
                String what = wrt[i] == 0 ? "input gradient" : "weight gradient";
                out.add(new KernelCheck(name + ": " + what, rel(r32.grads[i], r64.grads[i]), TOL_F64));
            }
            long n = in[0].getShape().get(0);
            if (n >= 2 && wrt[0] == 0) {
                NDArray[] ys = new NDArray[(int) n];
                NDArray[] gs = new NDArray[(int) n];
                for (int e = 0; e < n; e++) {
                    NDArray[] one = in.clone();
                    for (int i = 0; i < in.length; i++) {
                        if (i == 0 || (allBatched && in[i].getShape().get(0) == n)) {
                            one[i] = in[i].get(e + ":" + (e + 1));
                        }
                    }
                    Result re = evaluate(f, one, new int[] {0}, seed.get(e + ":" + (e + 1)));
                    ys[e] = re.y;
                    gs[e] = re.grads[0];
                }
                NDArray ySingle = NDArrays.concat(new NDList(ys));
                NDArray gSingle = NDArrays.concat(new NDList(gs));
                out.add(new KernelCheck(name + ": forward, batch " + n + " vs one at a time",
                        rel(r32.y, ySingle), TOL_BATCH));
                out.add(new KernelCheck(name + ": input gradient, batch " + n + " vs one at a time",
                        rel(r32.grads[0], gSingle), TOL_BATCH));
            }
        }

        private record Result(NDArray y, NDArray[] grads, NDArray seed) {
        }

        private Result evaluate(Function<NDArray[], NDArray> f, NDArray[] in, int[] wrt, NDArray seed) {
            NDArray[] leaves = in.clone();
            for (int i : wrt) {
                leaves[i] = Autograd.leaf(in[i]);
            }
            NDArray y = f.apply(leaves);
            NDArray s = seed != null ? seed : randn(y.getShape().getShape());
            Autograd.backward(y, s, false);
            NDArray[] grads = new NDArray[wrt.length];
            for (int i = 0; i < wrt.length; i++) {
                grads[i] = leaves[wrt[i]].getGradient().toType(leaves[wrt[i]].getDataType(), true);
            }
            return new Result(y.stopGradient(), grads, s);
        }

        /** max|a - b| / max|b|, in float64; NaN when either is not finite. */
        private static double rel(NDArray a, NDArray b) {
            NDArray a64 = a.toType(DataType.FLOAT64, true);
            NDArray b64 = b.toType(DataType.FLOAT64, true);
            double diff = a64.sub(b64).abs().max().getDouble();
            double scale = b64.abs().max().getDouble();
            if (!Double.isFinite(diff) || !Double.isFinite(scale)) {
                return Double.NaN;
            }
            return diff / Math.max(scale, 1e-30);
        }
    }
}
