package netviz.methods.attribution;

import netviz.Progress;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import netviz.OutOfRangeException;
import netviz.ShapeMismatchException;
import netviz.engine.Forward;
import netviz.methods.Finite;

/**
 * The feature-map mode of occlusion (Zeiler and Fergus, ECCV 2014, figure 7 (b)–(c)): for one
 * layer, pick the {@code maps} feature maps with the highest total activation on the intact image,
 * then slide the occluding window over the image and record, for each of those maps, how much
 * its total activation (the sum over the map) drops at each mask position:
 * <pre>  drop_k(p) = Σ A_k(x) − Σ A_k(x with the window at p filled)  </pre>
 * A large drop marks the part of the image the feature map responds to. Mask positions follow
 * {@link Occlusion}: row-major from the top-left, where the window fits.
 */
public final class OcclusionFeatureMaps {
    /** The stage name under which this method reports its progress. */
    static final String STAGE = "occlusion of feature maps";


    /**
     * @param layer     the layer (tensor name, node name or node index) with (N, C, H, W) maps
     * @param maps      how many of the strongest maps to follow (the paper's figure shows one)
     * @param occlusion window, stride, fill and batch
     */
    public record Options(String layer, int maps, Occlusion.Options occlusion) {
        public Options {
            if (maps < 1) {
                throw new OutOfRangeException("feature maps " + maps + " must be at least 1");
            }
        }
    }

    /**
     * @param channels   per example, the channels followed, strongest first (N × maps)
     * @param totals     per example and channel, the total activation on the intact image (N × maps)
     * @param drops      the drop of each channel's total activation per position, (N, maps, rows, cols)
     */
    public record Result(String layer, int[][] channels, double[][] totals, Attributions drops) {
    }

    private final Forward interpreter;
    private final Options options;
    private final Progress progress;

    public OcclusionFeatureMaps(Forward interpreter, Options options, Progress progress) {
        this.interpreter = interpreter;
        this.options = options;
        this.progress = Progress.orNone(progress);
    }

    public Result run(NDArray inputs) {
        int[] s = BatchArrays.nchw(inputs, "occlusion");
        int n = s[0];
        int c = s[1];
        int per = c * s[2] * s[3];
        Occlusion.Options o = options.occlusion();
        OcclusionGrid grid = new OcclusionGrid(o.window(), o.stride(), s[2], s[3]);
        String in = interpreter.inputName();
        String t = interpreter.graph().resolveTensor(options.layer());
        float[] x = BatchArrays.floats(inputs);
        int maps;
        int[][] channels = new int[n][];
        double[][] totals = new double[n][];
        try (NDManager scope = interpreter.newScope()) {
            NDArray v = interpreter.tensors(scope, Map.of(in, inputs), List.of(t)).get(t);
            long[] shape = v.getShape().getShape();
            if (shape.length != 4) {
                throw new ShapeMismatchException("layer '" + options.layer() + "' has shape " + Arrays.toString(shape)
                        + ", not feature maps (N, C, H, W); choose a convolutional layer");
            }
            int k = (int) shape[1];
            maps = Math.min(options.maps(), k);
            double[] sums = Finite.check(channelTotals(v), "occlusion of the feature maps of '" + options.layer()
                    + "': their totals on the intact image");
            for (int i = 0; i < n; i++) {
                Integer[] order = new Integer[k];
                for (int j = 0; j < k; j++) {
                    order[j] = j;
                }
                int ex = i;
                Arrays.sort(order, (a, b) -> Double.compare(sums[ex * k + b], sums[ex * k + a]));
                channels[i] = new int[maps];
                totals[i] = new double[maps];
                for (int j = 0; j < maps; j++) {
                    channels[i][j] = order[j];
                    totals[i][j] = sums[i * k + order[j]];
                }
            }
        }
        float[][] fills = new float[n][];
        for (int i = 0; i < n; i++) {
            fills[i] = o.fill().image(Arrays.copyOfRange(x, i * per, (i + 1) * per), c, s[2], s[3]);
        }
        int positions = grid.positions();
        long total = (long) n * positions;
        float[] out = new float[(int) (total * maps)];
        progress.update(STAGE, 0, total);
        for (long start = 0; start < total; start += o.batch()) {
            int b = (int) Math.min(o.batch(), total - start);
            float[] batch = new float[b * per];
            for (int r = 0; r < b; r++) {
                int ex = (int) ((start + r) / positions);
                grid.occlude(x, ex * per, fills[ex], c, (int) ((start + r) % positions), batch, r * per);
            }
            try (NDManager scope = interpreter.newScope()) {
                NDArray v = BatchArrays.tap(interpreter, scope, batch, new long[] {b, c, s[2], s[3]},
                        inputs.getDataType(), t);
                int k = (int) v.getShape().get(1);
                double[] sums = channelTotals(v);
                for (int r = 0; r < b; r++) {
                    int ex = (int) ((start + r) / positions);
                    int p = (int) ((start + r) % positions);
                    for (int j = 0; j < maps; j++) {
                        out[(ex * maps + j) * positions + p] = (float) (totals[ex][j] - sums[r * k + channels[ex][j]]);
                    }
                }
            }
            progress.checkCancelled();
            progress.update(STAGE, start + b, total);
        }
        Attributions drops = BatchArrays.finite(new Attributions(out, new long[] {n, maps, grid.rows(), grid.cols()}, null),
                "occlusion of the feature maps of '" + options.layer() + "'", "the drops in activation");
        return new Result(t, channels, totals, drops);
    }

    /** Σ over H, W of each (example, channel) of a (N, C, H, W) array, row-major (N × C). */
    private static double[] channelTotals(NDArray v) {
        float[] a = BatchArrays.floats(v);
        long[] shape = v.getShape().getShape();
        int nc = (int) (shape[0] * shape[1]);
        int hw = (int) (shape[2] * shape[3]);
        double[] s = new double[nc];
        for (int i = 0; i < nc; i++) {
            double acc = 0;
            for (int j = 0; j < hw; j++) {
                acc += a[i * hw + j];
            }
            s[i] = acc;
        }
        return s;
    }
}
