package netviz.figures;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import netviz.NetvizException;
import netviz.OutOfRangeException;
import netviz.Progress;
import netviz.ShapeMismatchException;
import netviz.data.Batch;
import netviz.engine.Forward;
import netviz.io.FloatArray;
import netviz.methods.features.FeatureExtractor;
import netviz.methods.features.Features;
import netviz.methods.features.NearestNeighbors;
import netviz.render.Figure;
import netviz.render.Layout;
import netviz.render.NeighborSheet;
import netviz.session.Picture;
import netviz.session.Session;

/**
 * Nearest neighbours in a layer's feature space (Krizhevsky, Sutskever &amp; Hinton 2012, figure 4):
 * for each query image, the {@code k} dataset images whose feature vectors (the layer's activations,
 * flattened; {@link FeatureExtractor}) are nearest by euclidean or cosine distance
 * ({@link NearestNeighbors}), one row per query, each neighbour framed green when it shares the
 * query's class and red when not. Optionally beside it the same search by raw preprocessed pixels,
 * which finds images that merely look alike. The summary gives, per space, every query's neighbours
 * and the share of neighbours of the query's class.
 */
public final class NeighborsFigure {
    /** Most pixels per thumbnail and most neighbours per query. */
    static final int MAX_TILE = 1024;
    static final int MAX_K = 10_000;

    /**
     * @param layer      layer whose activations are the features (null: the input of the last fully connected layer)
     * @param limit      search only the first {@code limit} dataset images (0: all)
     * @param batchSize  images per forward pass
     * @param k          neighbours per query
     * @param metric     euclidean or cosine distance
     * @param pixelSpace also search by raw (preprocessed) pixels
     * @param tile       thumbnail size in pixels
     */
    public record Options(String layer, int limit, int batchSize, int k, NearestNeighbors.Metric metric,
                          boolean pixelSpace, int tile) {
        public Options {
            new FeatureExtractor.Options(batchSize, limit);   // checks --batch-size and --limit
            if (tile < 8) {
                throw new OutOfRangeException("--tile must be at least 8 pixels, got " + tile);
            }
            if (tile > MAX_TILE) {
                throw new OutOfRangeException("--tile must be between 8 and " + MAX_TILE + ", not " + tile);
            }
            if (k < 1 || k > MAX_K) {
                throw new OutOfRangeException("--k must be between 1 and " + MAX_K + ", not " + k);
            }
            if (metric == null) {
                throw new NetvizException("--metric must be euclidean or cosine");
            }
        }

        /** The command's defaults: the default feature layer, every image, 8 euclidean neighbours, 64-pixel tiles. */
        public static Options defaults() {
            return new Options(null, 0, 100, 8, NearestNeighbors.Metric.EUCLIDEAN, false, 64);
        }

        public Options withLayer(String l) {
            return new Options(l, limit, batchSize, k, metric, pixelSpace, tile);
        }

        public Options withLimit(int n) {
            return new Options(layer, n, batchSize, k, metric, pixelSpace, tile);
        }

        public Options withBatchSize(int b) {
            return new Options(layer, limit, b, k, metric, pixelSpace, tile);
        }

        public Options withK(int n) {
            return new Options(layer, limit, batchSize, n, metric, pixelSpace, tile);
        }

        public Options withMetric(NearestNeighbors.Metric m) {
            return new Options(layer, limit, batchSize, k, m, pixelSpace, tile);
        }

        public Options withPixelSpace(boolean p) {
            return new Options(layer, limit, batchSize, k, metric, p, tile);
        }

        public Options withTile(int t) {
            return new Options(layer, limit, batchSize, k, metric, pixelSpace, t);
        }

        /** How the features are read. */
        public FeatureExtractor.Options extraction() {
            return new FeatureExtractor.Options(batchSize, limit);
        }

        /** The {@code netviz neighbors} flags that differ from the defaults (queries, paths and output are the caller's). */
        public List<String> arguments() {
            Options d = defaults();
            List<String> a = new ArrayList<>();
            if (layer != null) {
                a.addAll(List.of("--layer", layer));
            }
            if (limit != d.limit) {
                a.addAll(List.of("--limit", Integer.toString(limit)));
            }
            if (batchSize != d.batchSize) {
                a.addAll(List.of("--batch-size", Integer.toString(batchSize)));
            }
            if (k != d.k) {
                a.addAll(List.of("--k", Integer.toString(k)));
            }
            if (metric != d.metric) {
                a.addAll(List.of("--metric", metric.name().toLowerCase(Locale.ROOT)));
            }
            if (pixelSpace) {
                a.add("--pixel-space");
            }
            if (tile != d.tile) {
                a.addAll(List.of("--tile", Integer.toString(tile)));
            }
            return a;
        }
    }

    private NeighborsFigure() {
    }

    /**
     * The sheet of neighbours of the dataset images {@code indices} and of the images {@code images}
     * (dataset queries first), searched among the first {@link Options#limit} dataset images with the
     * session's cached features. Summary: {@code layer}, {@code source}, {@code count}, {@code dim},
     * {@code cached}, and {@code spaces}: per space searched its name, metric, queries (each with its
     * neighbours' index, class name and distance) and the counts {@code same} of {@code judged}
     * neighbours of the query's class.
     */
    public static FigureResult make(Session s, List<Integer> indices, List<Picture> images, Options o, Progress p) {
        if (indices.isEmpty() && images.isEmpty()) {
            throw new NetvizException("give the queries: --index N (dataset examples) or --image FILE");
        }
        Features f = s.features().features(o.layer(), o.extraction(), p);
        for (int i : indices) {
            row(f, i);
        }
        int available = images.isEmpty() ? f.count() - 1 : indices.isEmpty() ? f.count() : f.count() - 1;
        if (o.k() > available) {
            throw new OutOfRangeException("--k " + o.k() + " is larger than the dataset allows: " + f.dataSize(available));
        }
        List<Map<String, Object>> spaces = new ArrayList<>();
        Figure sheet = sheet(s, f, queryFeatures(s.forward(), f.layer(), images), indices, images,
                "feature space (" + f.layer() + ")", o, spaces);
        if (o.pixelSpace()) {
            Features px = s.features().pixels(o.extraction(), p);
            float[] q = new float[images.size() * px.dim()];
            for (int i = 0; i < images.size(); i++) {
                float[] d = images.get(i).input();
                if (d.length != px.dim()) {
                    throw new ShapeMismatchException("image '" + images.get(i).id() + "' has " + d.length
                            + " pixels after preprocessing, the dataset's images " + px.dim());
                }
                System.arraycopy(d, 0, q, i * px.dim(), d.length);
            }
            Figure pix = sheet(s, px, q, indices, images, "pixel space", o, spaces);
            sheet = Layout.row(List.of(sheet, pix), 40, Layout.Align.START);
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("layer", f.layer());
        summary.put("source", f.source());
        summary.put("count", f.count());
        summary.put("dim", f.dim());
        summary.put("cached", f.cached());
        summary.put("spaces", spaces);
        return FigureResult.of(Layout.pad(sheet, 12), summary);
    }

    /** Features of the query images at the layer, in one forward pass. */
    private static float[] queryFeatures(Forward ip, String layer, List<Picture> images) {
        if (images.isEmpty()) {
            return new float[0];
        }
        Picture first = images.get(0);
        int per = first.input().length;
        float[] x = new float[images.size() * per];
        for (int i = 0; i < images.size(); i++) {
            Picture pic = images.get(i);
            if (pic.input().length != per) {
                throw new ShapeMismatchException("image '" + pic.id() + "' preprocesses to " + pic.input().length
                        + " values, image '" + first.id() + "' to " + per + "; queries must share one input size");
            }
            System.arraycopy(pic.input(), 0, x, i * per, per);
        }
        try (NDManager scope = ip.newScope()) {
            var in = scope.create(x, new Shape(images.size(), first.channels(), first.height(), first.width()));
            return FloatArray.of(ip.forward(scope, in, layer).get(layer)).data();
        }
    }

    private static Figure sheet(Session s, Features f, float[] imageQueries, List<Integer> indices, List<Picture> images,
                                String space, Options o, List<Map<String, Object>> spaces) {
        NearestNeighbors nn = new NearestNeighbors(f.values(), f.dim(), o.metric());
        if (imageQueries.length != images.size() * f.dim()) {
            throw new ShapeMismatchException("the query images give " + imageQueries.length / Math.max(1, images.size())
                    + " features each, the dataset's examples " + f.dim());
        }
        int k = o.k();
        NearestNeighbors.Result byIndex = indices.isEmpty() ? null
                : nn.neighborsOf(indices.stream().mapToInt(i -> row(f, i)).toArray(), k);
        NearestNeighbors.Result byImage = images.isEmpty() ? null : nn.search(imageQueries, k);
        List<NeighborSheet.Row> rows = new ArrayList<>();
        List<Map<String, Object>> queries = new ArrayList<>();
        int same = 0;
        int judged = 0;
        for (int q = 0; q < indices.size() + images.size(); q++) {
            boolean isIndex = q < indices.size();
            NearestNeighbors.Result r = isIndex ? byIndex : byImage;
            int row = isIndex ? q : q - indices.size();
            int[] nb = new int[k];
            for (int t = 0; t < k; t++) {
                nb[t] = r.index(row, t);
            }
            Batch b = images(s, f, nb);
            int queryLabel;
            NeighborSheet.Cell queryCell;
            String queryName;
            if (isIndex) {
                int qi = indices.get(q);
                int qr = row(f, qi);
                queryLabel = f.labels()[qr];
                queryName = "#" + qi + (f.labeled() ? " " + f.className(qr) : "");
                queryCell = new NeighborSheet.Cell(s.datasetPicture(qi).picture(), List.of("query #" + qi, f.className(qr)), null);
            } else {
                Picture in = images.get(row);
                queryLabel = -1;
                queryName = in.id();
                queryCell = new NeighborSheet.Cell(in.picture(), List.of("query", Path.of(in.id()).getFileName()
                        .toString()), null);
            }
            List<NeighborSheet.Cell> cells = new ArrayList<>();
            List<Map<String, Object>> found = new ArrayList<>();
            for (int t = 0; t < k; t++) {
                int j = nb[t];
                Boolean match = queryLabel >= 0 && f.labels()[j] >= 0 ? f.labels()[j] == queryLabel : null;
                if (match != null) {
                    judged++;
                    same += match ? 1 : 0;
                }
                String dist = String.format(Locale.ROOT, "d=%.3g", r.distance(row, t));
                int index = f.indices()[j];
                List<String> caption = f.labeled() ? List.of(f.className(j), "#" + index, dist) : List.of("#" + index, dist);
                cells.add(new NeighborSheet.Cell(s.preprocessing().toImage(b.image(t)), caption, match));
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("index", index);
                m.put("className", f.className(j));
                m.put("distance", r.distance(row, t));
                found.add(m);
            }
            rows.add(new NeighborSheet.Row(queryCell, cells));
            Map<String, Object> qm = new LinkedHashMap<>();
            qm.put("query", queryName);
            qm.put("neighbors", found);
            queries.add(qm);
        }
        Map<String, Object> sp = new LinkedHashMap<>();
        sp.put("space", space);
        sp.put("metric", o.metric().name().toLowerCase(Locale.ROOT));
        sp.put("queries", queries);
        sp.put("same", same);
        sp.put("judged", judged);
        spaces.add(sp);
        String title = space;
        if (judged > 0) {
            title += ": " + share(same, judged) + " of neighbours share the query's class";
        }
        return NeighborSheet.render(rows, o.tile(), title);
    }

    /**
     * The dataset images of rows {@code rows} of {@code f}, checked to be the images the features are
     * of (features read from a scan of other data than the session's would otherwise be drawn with the
     * wrong pictures).
     */
    static Batch images(Session s, Features f, int... rows) {
        Batch b = s.dataset().get(java.util.Arrays.stream(rows).map(j -> f.indices()[j]).toArray());
        for (int t = 0; t < rows.length; t++) {
            String want = f.ids().get(rows[t]);
            if (!want.equals(b.id(t))) {
                throw new NetvizException("image " + f.indices()[rows[t]] + " of the features (" + f.source() + ") is '"
                        + want + "', but image " + f.indices()[rows[t]] + " of the dataset " + s.dataset().description()
                        + " is '" + b.id(t) + "'; give the --data the features were made of");
            }
        }
        return b;
    }

    /**
     * The row of {@code f} that holds dataset image {@code index} (the same number unless a scan could
     * not read some images); a one-line error when there is none.
     */
    private static int row(Features f, int index) {
        int last = f.count() == 0 ? -1 : f.indices()[f.count() - 1];
        if (index < 0 || index > last) {
            throw new OutOfRangeException("--index " + index + " is outside the dataset's " + f.count() + " examples (0.."
                    + last + ")");
        }
        int r = java.util.Arrays.binarySearch(f.indices(), index);
        if (r < 0) {
            throw new OutOfRangeException("--index " + index + " has no features: the scan could not read that image");
        }
        return r;
    }

    /** "83%": {@code same} of {@code judged} as a whole percentage. */
    public static String share(int same, int judged) {
        return String.format(Locale.ROOT, "%.0f%%", 100.0 * same / judged);
    }
}
