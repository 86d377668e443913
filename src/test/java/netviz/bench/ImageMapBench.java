package netviz.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import netviz.Progress;
import netviz.data.Dataset;
import netviz.data.Datasets;
import netviz.engine.Interpreter;
import netviz.image.Preprocessing;
import netviz.methods.features.FeatureExtractor;
import netviz.methods.features.Features;
import netviz.methods.features.GridAssignment;
import netviz.methods.features.Tsne;
import netviz.onnx.OnnxLoader;
import netviz.render.ImageMap;

/**
 * A benchmark of the image map's placement: the t-SNE map (defaults) of the first N Fashion-MNIST test
 * images' last-hidden-layer features, placed on the grid by nearest-in-cell (the reference, which draws
 * only some images) and by the optimal assignment ({@link GridAssignment}, every image once) on the
 * smallest square grid (⌈√N⌉) and, when it is smaller, on the command's default 40 × 40; median of 3 runs each, with the
 * count of images drawn.
 *
 * <p>Usage: {@code ImageMapBench [--model M.onnx] [--limit N]} (default 1000); prints {@code key=value} lines.
 */
public final class ImageMapBench {
    private ImageMapBench() {
    }

    public static void main(String[] args) {
        Path model = Path.of("models/fashion-mnist-cnn.onnx");
        int limit = 1000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--model" -> model = Path.of(args[++i]);
                case "--limit" -> limit = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Dataset data = Datasets.open(null, Preprocessing.fashionMnist());
        Features f;
        try (Interpreter ip = Interpreter.of(OnnxLoader.load(model))) {
            f = FeatureExtractor.extract(ip, data, null, FeatureExtractor.Options.defaults().withLimit(limit), Progress.NONE);
        }
        double[] xy = Tsne.run(f.values(), f.dim(), Tsne.Options.defaults()).coordinates();
        int side = GridAssignment.side(f.count());
        System.out.printf(Locale.ROOT, "images=%d%ncores=%d%n", f.count(), Runtime.getRuntime().availableProcessors());
        double ref = time(xy, 40, ImageMap.Placing.NEAREST_IN_CELL, "nearest_in_cell_40");
        double small = time(xy, side, ImageMap.Placing.ASSIGNMENT, "assignment_" + side);
        System.out.printf(Locale.ROOT, "ratio_assignment_%d_vs_nearest=%.0f%n", side, small / ref);
        if (side < 40) {
            double dflt = time(xy, 40, ImageMap.Placing.ASSIGNMENT, "assignment_40");
            System.out.printf(Locale.ROOT, "ratio_assignment_40_vs_nearest=%.0f%n", dflt / ref);
        }
    }

    private static double time(double[] xy, int grid, ImageMap.Placing placing, String key) {
        double[] s = new double[3];
        int drawn = 0;
        for (int r = 0; r < s.length; r++) {
            long t0 = System.nanoTime();
            drawn = ImageMap.place(xy, grid, placing).shown();
            s[r] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(s);
        System.out.printf(Locale.ROOT, "%s_seconds=%.4f%n%s_drawn=%d%n", key, s[1], key, drawn);
        return s[1];
    }
}
