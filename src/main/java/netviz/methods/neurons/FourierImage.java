package netviz.methods.neurons;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * The decorrelated Fourier parameterisation of an image (Olah, Mordvintsev and Schubert,
 * "Feature Visualization", Distill 2017, section "Preconditioning and Parameterization"; Lucid's
 * {@code param.fft_image} and {@code param.color.to_valid_rgb}): the optimiser works on the real
 * and imaginary parts (R, I) of a half spectrum (C, H, W/2+1) per image; each frequency is scaled
 * by 1 / max(|f|, 1/max(H, W)) so that all frequencies have about the same energy (a whitened
 * spectrum, on which gradient steps are not dominated by high frequencies); the inverse real
 * DFT is computed as four matrix products
 * <pre>  x = Cy (sR) Cxᵀ - Sy (sR) Sxᵀ - Sy (sI) Cxᵀ - Cy (sI) Sxᵀ,  Cy[y,u] = cos 2πuy/H, ...  </pre>
 * then, for three-channel images, colours are decorrelated with the square root of ImageNet's
 * colour covariance, and a sigmoid maps the result into the valid pixel range [0, 1].
 */
public final class FourierImage {
    /** Lucid's ImageNet colour-correlation square root (columns normalised to the largest norm). */
    private static final float[][] COLOR = {{0.26f, 0.09f, 0.02f}, {0.27f, 0.00f, -0.05f}, {0.27f, -0.09f, 0.03f}};

    private final int n;
    private final int c;
    private final int h;
    private final int w;
    private final int wh;
    private final float[] cy;
    private final float[] sy;
    private final float[] cxT;
    private final float[] sxT;
    private final float[] scale;

    public FourierImage(int n, int c, int h, int w) {
        this.n = n;
        this.c = c;
        this.h = h;
        this.w = w;
        this.wh = w / 2 + 1;
        cy = new float[h * h];
        sy = new float[h * h];
        for (int y = 0; y < h; y++) {
            for (int u = 0; u < h; u++) {
                double a = 2 * Math.PI * u * y / h;
                cy[y * h + u] = (float) Math.cos(a);
                sy[y * h + u] = (float) Math.sin(a);
            }
        }
        cxT = new float[wh * w];
        sxT = new float[wh * w];
        for (int v = 0; v < wh; v++) {
            for (int x = 0; x < w; x++) {
                double a = 2 * Math.PI * v * x / w;
                cxT[v * w + x] = (float) Math.cos(a);
                sxT[v * w + x] = (float) Math.sin(a);
            }
        }
        scale = new float[h * wh];
        double floor = 1.0 / Math.max(h, w);
        for (int u = 0; u < h; u++) {
            double fy = (u <= h / 2 ? u : u - h) / (double) h;
            for (int v = 0; v < wh; v++) {
                double fx = v / (double) w;
                double f = Math.sqrt(fy * fy + fx * fx);
                // Lucid: 1 / max(freq, 1/max(w,h)), times sqrt(w h) for its unnormalised irfft,
                // here divided by H W since the sums below carry no 1/(HW).
                scale[u * wh + v] = (float) (1.0 / Math.max(f, floor) / Math.sqrt((double) h * w));
            }
        }
    }

    /** Shape of each of the two parameter arrays (N, C, H, W/2+1). */
    public Shape paramShape() {
        return new Shape(n, c, h, wh);
    }

    /** Number of values in each parameter array. */
    public int paramSize() {
        return n * c * h * wh;
    }

    /** Lucid's initialisation: Gaussian with standard deviation 0.01. */
    public float[] init(Random rnd) {
        float[] p = new float[paramSize()];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) (0.01 * rnd.nextGaussian());
        }
        return p;
    }

    /** The image in [0, 1], shape (N, C, H, W), differentiable in {@code re} and {@code im}. */
    public NDArray pixels(NDArray re, NDArray im) {
        NDManager m = re.getManager();
        NDArray s = m.create(scale, new Shape(1, 1, h, wh));
        NDArray a = re.mul(s);
        NDArray b = im.mul(s);
        NDArray cyA = m.create(cy, new Shape(1, 1, h, h));
        NDArray syA = m.create(sy, new Shape(1, 1, h, h));
        NDArray cxA = m.create(cxT, new Shape(1, 1, wh, w));
        NDArray sxA = m.create(sxT, new Shape(1, 1, wh, w));
        NDArray ca = a.matMul(cxA);
        NDArray sa = a.matMul(sxA);
        NDArray cb = b.matMul(cxA);
        NDArray sb = b.matMul(sxA);
        NDArray cyB = cyA.broadcast(new Shape(n, c, h, h));
        NDArray syB = syA.broadcast(new Shape(n, c, h, h));
        NDArray x = cyB.matMul(ca).sub(syB.matMul(sa)).sub(syB.matMul(cb)).sub(cyB.matMul(sb));
        if (c == 3) {
            float[] k = new float[9];
            double max = 0;
            for (int j = 0; j < 3; j++) {
                double norm = 0;
                for (int i = 0; i < 3; i++) {
                    norm += COLOR[i][j] * COLOR[i][j];
                }
                max = Math.max(max, Math.sqrt(norm));
            }
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    k[i * 3 + j] = (float) (COLOR[i][j] / max);
                }
            }
            NDArray mix = m.create(k, new Shape(3, 3));
            // out[n, i, y, x] = sum_j mix[i, j] x[n, j, y, x]
            x = x.transpose(0, 2, 3, 1).matMul(mix.transpose()).transpose(0, 3, 1, 2);
        }
        return x.getNDArrayInternal().sigmoid();
    }
}
