package netviz.methods.neurons;

import netviz.Progress;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import netviz.NetvizException;
import netviz.methods.Finite;
import netviz.OutOfRangeException;
import netviz.data.Batch;
import netviz.data.Batches;
import netviz.data.Dataset;
import netviz.engine.Forward;
import netviz.engine.Interpreter;
import netviz.engine.Values;
import netviz.io.FloatArray;
import netviz.methods.attribution.ScoreTensor;
import netviz.methods.evaluation.Classifier;
import netviz.methods.features.FeatureExtractor;
import netviz.methods.features.KMeans;
import netviz.methods.features.Pca;
import netviz.methods.features.Tsne;
import netviz.methods.unit.Unit;
import netviz.methods.unit.Units;

/**
 * Multifaceted feature visualization (Nguyen, Yosinski and Clune, "Multifaceted Feature
 * Visualization: Uncovering the Different Types of Features Learned By Each Neuron in Deep Neural
 * Networks", ICML Visualization for Deep Learning workshop 2016, arXiv:1602.03616, Algorithm 1).
 * A unit often responds to several different kinds of image (its facets); plain activation
 * maximization blends them into one unreadable picture. This class synthesises one picture per
 * facet:
 * <ol>
 * <li>stream the dataset once and keep the images that activate the unit most (the top
 *     {@link Options#topShare()} of the images scanned, or the top {@link Options#topCount()}),
 *     only those with a positive activation, together with their hidden features φ at
 *     {@link Options#featureLayer()} (default: the input of the last fully connected layer, the
 *     paper's fc7; {@link FeatureExtractor#defaultLayer});</li>
 * <li>reduce φ with PCA to {@link Options#pcaDim()} dimensions (50 in the paper) and embed the
 *     result in 2-D with t-SNE ({@link Tsne});</li>
 * <li>cluster the 2-D embedding into k facets with k-means ({@link KMeans}, k-means++ seeding);</li>
 * <li>for each cluster, average the {@link Options#meanOf()} images closest to its centroid in the
 *     embedding (m = 15 in the paper) and start activation maximization from that mean image,
 *     with the usual regularisers and the centre bias ({@link CenterBias}).</li>
 * </ol>
 * The unit's activation is measured as activation maximization measures it ({@link Units}): a
 * class score (the logit) or an element of a (N, K) layer, the mean of a channel of a (N, C, H, W)
 * layer, or one neuron at a position.
 *
 * <p>Choices where the paper, written for ImageNet, gives no number for this setting (see
 * {@link Options#defaults()}): for an output unit the paper clusters the training images of its
 * class (about 1,300 per ImageNet class); for a 10-class dataset the default top share of 10 % of
 * the training images is about one class's worth. The authors' code ships 10 mean images (k = 10)
 * per example class; netviz defaults to k = 4, which the few hundred to few thousand top images of a
 * 28 × 28 garment class support.
 */
public final class MultifacetedVisualization {

    /**
     * @param topShare       share of the scanned images kept as the unit's top images, (0, 1]
     *                       (default 0.1); ignored when {@code topCount} is positive
     * @param topCount       keep exactly this many top images instead (0: use the share)
     * @param facets         k, the number of facets (default 4; 10 in the authors' examples)
     * @param meanOf         images closest to each centroid averaged into the starting image
     *                       (15, Nguyen et al. 2016)
     * @param featureLayer   layer of the hidden features φ (null: {@link FeatureExtractor#defaultLayer})
     * @param pcaDim         PCA dimensions before t-SNE (50, Nguyen et al. 2016; 0: no PCA)
     * @param tsne           t-SNE settings (perplexity lowered automatically for few images)
     * @param kmeansRestarts k-means++ restarts
     * @param maximization   activation maximization settings (init and seed are set per run)
     * @param limit          scan only the first {@code limit} images (0: all)
     * @param batchSize      images per forward pass of the scan
     * @param seed           seed of t-SNE, k-means and activation maximization
     */
    public record Options(double topShare, int topCount, int facets, int meanOf, String featureLayer, int pcaDim,
                          Tsne.Options tsne, int kmeansRestarts, ActivationMaximization.Options maximization, int limit,
                          int batchSize, long seed) {
        public Options {
            if (!(topShare > 0 && topShare <= 1)) {
                throw new OutOfRangeException("the top share must be in (0, 1], not " + topShare);
            }
            if (topCount < 0) {
                throw new OutOfRangeException("the number of top images must be 0 (use the share) or positive, not " + topCount);
            }
            if (facets < 1 || facets > 64) {
                throw new OutOfRangeException("the number of facets must be between 1 and 64, not " + facets);
            }
            if (meanOf < 1) {
                throw new OutOfRangeException("each facet's mean needs at least 1 image, not " + meanOf);
            }
            if (pcaDim < 0) {
                throw new OutOfRangeException("PCA dimensions must be 0 (none) or positive, not " + pcaDim);
            }
            if (limit < 0) {
                throw new OutOfRangeException("the limit must be 0 (all) or positive, not " + limit);
            }
            if (batchSize < 1) {
                throw new OutOfRangeException("the batch size must be at least 1, not " + batchSize);
            }
        }

        /**
         * Top 10 % of the images, 4 facets, the mean of the 15 closest images (paper), PCA to 50
         * dimensions (paper), t-SNE with perplexity 30 and 1000 iterations, 10 k-means++ restarts,
         * and 50 steps of activation maximization from the mean image with step 0.01 and
         * {@link #defaultRegularizers()}. The step and the regularisers are netviz's choice for
         * small (28 × 28) images, measured on the bundled model: the Yosinski et al. settings (blur
         * σ 1 every 4 steps), made for 227 × 227 images, blur a 28 × 28 image into the same blob
         * whatever it started from, which erases the facets; even σ 0.5 every 8 steps keeps the
         * mean of a convolutional channel (relu2:5) from rising above the images it started from;
         * and 200 steps of 0.02 turn every facet of a class into the same prototype. 50 steps of
         * 0.01 without blur keep each facet's shape recognisable, drive the class probability of
         * the bundled model to 1 and raise a channel's mean above the dataset's top images.
         */
        public static Options defaults() {
            return new Options(0.1, 0, 4, 15, null, 50, Tsne.Options.defaults(), 10,
                    ActivationMaximization.Options.defaults().withIterations(50).withStep(0.01)
                            .withRegularizers(defaultRegularizers()), 0, 100, 0);
        }

        /** L2 decay 0.0001, jitter of 1 pixel, and the centre bias ({@link CenterBias#defaults()}); no blur. */
        public static Regularizers defaultRegularizers() {
            return new Regularizers(0.0001, 0, 0, 0, 0, 1).withCenterBias(CenterBias.defaults());
        }

        public Options withTopShare(double v) {
            return new Options(v, topCount, facets, meanOf, featureLayer, pcaDim, tsne, kmeansRestarts, maximization, limit, batchSize, seed);
        }

        public Options withTopCount(int v) {
            return new Options(topShare, v, facets, meanOf, featureLayer, pcaDim, tsne, kmeansRestarts, maximization, limit, batchSize, seed);
        }

        public Options withFacets(int v) {
            return new Options(topShare, topCount, v, meanOf, featureLayer, pcaDim, tsne, kmeansRestarts, maximization, limit, batchSize, seed);
        }

        public Options withMeanOf(int v) {
            return new Options(topShare, topCount, facets, v, featureLayer, pcaDim, tsne, kmeansRestarts, maximization, limit, batchSize, seed);
        }

        public Options withFeatureLayer(String v) {
            return new Options(topShare, topCount, facets, meanOf, v, pcaDim, tsne, kmeansRestarts, maximization, limit, batchSize, seed);
        }

        public Options withTsne(Tsne.Options v) {
            return new Options(topShare, topCount, facets, meanOf, featureLayer, pcaDim, v, kmeansRestarts, maximization, limit, batchSize, seed);
        }

        public Options withMaximization(ActivationMaximization.Options v) {
            return new Options(topShare, topCount, facets, meanOf, featureLayer, pcaDim, tsne, kmeansRestarts, v, limit, batchSize, seed);
        }

        public Options withLimit(int v) {
            return new Options(topShare, topCount, facets, meanOf, featureLayer, pcaDim, tsne, kmeansRestarts, maximization, v, batchSize, seed);
        }

        public Options withSeed(long v) {
            return new Options(topShare, topCount, facets, meanOf, featureLayer, pcaDim, tsne, kmeansRestarts, maximization, limit, batchSize, v);
        }
    }

    /**
     * One facet.
     *
     * @param index           facet number (0-based; facets are ordered by cluster size, largest first)
     * @param members         dataset indices of the cluster's images, closest to the centroid first
     * @param distances       each member's distance to the centroid in the t-SNE plane
     * @param closest         the dataset indices averaged into the starting image (a prefix of members)
     * @param closestPixels   those images in [0, 1] pixels, (|closest|, C, H, W) row-major
     * @param centroid        the cluster's centroid in the t-SNE plane (x, y)
     * @param meanInput       the starting image as model input (C, H, W)
     * @param meanPixels      the starting image in [0, 1] pixels
     * @param input           the synthesised image as model input (C, H, W)
     * @param pixels          the synthesised image in [0, 1] pixels
     * @param startActivation the unit's value on the mean image
     * @param activation      the unit's value on the synthesised image
     * @param probability     for a class score, the class probability (softmax) of the synthesised
     *                        image; NaN otherwise
     */
    public record Facet(int index, int[] members, double[] distances, int[] closest, float[] closestPixels,
                        double[] centroid, float[] meanInput, float[] meanPixels, float[] input, float[] pixels,
                        double startActivation, double activation, double probability) {
    }

    /**
     * A run's result.
     *
     * @param tensor        the unit's tensor
     * @param channel       the unit's channel (the class for class scores)
     * @param position      the unit's position, or null
     * @param classScore    whether the unit is a class score
     * @param imageShape    (C, H, W) of the model input
     * @param dataset       the dataset's description
     * @param scanned       images scanned
     * @param indices       dataset indices of the top images, best first
     * @param activations   their activations
     * @param labels        their dataset labels (−1 when unlabelled)
     * @param threshold     the smallest activation among the top images
     * @param featureLayer  the layer of the features φ
     * @param featureDim    φ's dimensions (before PCA)
     * @param embedding     the t-SNE coordinates of the top images, (n, 2) row-major, in the order of
     *                      {@code indices}
     * @param clusters      each top image's facet
     * @param klDivergence  t-SNE's final KL divergence
     * @param inertia       k-means inertia in the plane
     * @param facets        the facets, largest cluster first
     */
    public record Result(String tensor, int channel, int[] position, boolean classScore, int[] imageShape, String dataset,
                         int scanned, int[] indices, double[] activations, int[] labels, double threshold,
                         String featureLayer, int featureDim, double[] embedding, int[] clusters, double klDivergence,
                         double inertia, List<Facet> facets) {
        /** A short name of the unit, e.g. "fc2_out:3" or "relu2:5@3,4". */
        public String unit() {
            return tensor + ":" + channel + (position == null ? "" : "@" + position[0] + "," + position[1]);
        }
    }

    /** The smallest number of top images per facet. */
    public static final int MIN_IMAGES_PER_FACET = 5;

    private final Interpreter interpreter;
    private final Forward forward;
    private final Dataset dataset;
    private final Precomputed precomputed;

    /**
     * A finished pass over the dataset (a dataset scan): per image its dataset index, label, class
     * scores (the score tensor of {@link ScoreTensor#find}) and the features of {@code featureLayer}.
     * Step 1 then ranks the images by these scores instead of running the model; only class units
     * can be ranked this way.
     */
    public record Precomputed(int[] indices, int[] labels, float[] scores, int classCount, float[] features,
                              int featureDim, String featureLayer) {
        public Precomputed {
            int n = indices.length;
            if (labels.length != n || scores.length != (long) n * classCount || features.length != (long) n * featureDim) {
                throw new IllegalArgumentException("precomputed rows disagree: " + n + " indices, " + labels.length
                        + " labels, " + scores.length + " scores, " + features.length + " features");
            }
        }
    }

    /** Visualises units of {@code interpreter}'s model on the images of {@code dataset} (with its preprocessing). */
    public MultifacetedVisualization(Interpreter interpreter, Dataset dataset) {
        this(interpreter, interpreter, dataset, null);
    }

    /**
     * The same, with the pass over the dataset (step 1, forward only) on {@code forward} (e.g. ONNX
     * Runtime), or taken from {@code precomputed} when it is not null; the activation maximisation
     * runs on {@code interpreter}.
     */
    public MultifacetedVisualization(Interpreter interpreter, Forward forward, Dataset dataset, Precomputed precomputed) {
        this.interpreter = interpreter;
        this.forward = forward;
        this.dataset = dataset;
        this.precomputed = precomputed;
    }

    private record Top(double activation, int index, int label, float[] features) {
    }

    /** Best first: larger activation, then lower dataset index. */
    private static final Comparator<Top> BEST_FIRST = Comparator.comparingDouble((Top t) -> -t.activation)
            .thenComparingInt(Top::index);

    /** Runs the four steps for one unit. */
    public Result run(Unit request, Options o, Progress reporter) {
        Progress progress = Progress.orNone(reporter);
        var graph = interpreter.graph();
        String tensor = request.isClassScore() ? ScoreTensor.find(graph) : graph.resolveTensor(request.layer());
        String featureLayer = o.featureLayer() == null ? FeatureExtractor.defaultLayer(graph)
                : graph.resolveTensor(o.featureLayer());
        int[] yx = request.position();
        ActivationMaximization am = new ActivationMaximization(interpreter, dataset.preprocessing().mean(),
                dataset.preprocessing().std());
        int[] chw = am.inputShape();
        int per = chw[0] * chw[1] * chw[2];

        // 1. one pass: the unit's value and the features of every image; keep the top ones
        int total = precomputed != null ? precomputed.indices().length : dataset.size();
        int n = o.limit() > 0 ? Math.min(o.limit(), total) : total;
        if (n == 0) {
            throw new NetvizException("the dataset " + dataset.description() + " has no images");
        }
        int keep = o.topCount() > 0 ? Math.min(o.topCount(), n) : Math.max(1, (int) Math.ceil(o.topShare() * n));
        Pass pass = precomputed != null ? fromScan(request, tensor, featureLayer, n, keep, progress)
                : overDataset(request, tensor, featureLayer, n, keep, o, progress);
        int featureDim = pass.featureDim();
        int scanned = pass.scanned();
        String value = pass.value();
        List<Top> top = pass.top();
        int k = o.facets();
        int need = MIN_IMAGES_PER_FACET * k;
        if (top.size() < need) {
            throw new NotEnoughImagesException(tooFew(tensor + ":" + request.channel()
                    + (yx == null ? "" : "@" + yx[0] + "," + yx[1]), value, scanned, pass.positive(), top.size(), keep, o));
        }
        int m = top.size();
        int[] indices = new int[m];
        double[] activations = new double[m];
        int[] labels = new int[m];
        float[] phi = new float[m * featureDim];
        for (int i = 0; i < m; i++) {
            Top t = top.get(i);
            indices[i] = t.index();
            activations[i] = t.activation();
            labels[i] = t.label();
            System.arraycopy(t.features(), 0, phi, i * featureDim, featureDim);
        }

        // 2. PCA, then t-SNE to the plane
        
        float[] reduced = phi;
        int rdim = featureDim;
        if (o.pcaDim() > 0 && featureDim > o.pcaDim() && m > o.pcaDim()) {
            Pca pca = Pca.fit(phi, featureDim, o.pcaDim());
            double[] p = pca.transform(phi);
            rdim = pca.count();
            reduced = new float[p.length];
            for (int i = 0; i < p.length; i++) {
                reduced[i] = (float) p[i];
            }
        }
        Tsne.Options to = o.tsne().withDim(2).withSeed(o.seed());
        if (3 * to.perplexity() >= m) {
            to = to.withPerplexity(Math.max(1, (m - 1) / 3.0 - 1e-6));
        }
        Tsne.Result ts = Tsne.run(reduced, rdim, to, progress);
        double[] xy = ts.coordinates();

        // 3. k-means in the plane
        progress.update("k-means" + Progress.DETAIL + k + " facets", 0, 1);
        KMeans.Result km = KMeans.fit(xy, 2, KMeans.Options.defaults(k).withRestarts(o.kmeansRestarts()).withSeed(o.seed()));
        Integer[] order = new Integer[k];
        for (int c = 0; c < k; c++) {
            order[c] = c;
        }
        // largest cluster first, then by centroid position for a stable order
        Arrays.sort(order, Comparator.comparingInt((Integer c) -> -km.sizes()[c])
                .thenComparingDouble(c -> km.centroids()[2 * c]).thenComparingDouble(c -> km.centroids()[2 * c + 1]));
        int[] rank = new int[k];
        for (int r = 0; r < k; r++) {
            rank[order[r]] = r;
        }
        int[] clusters = new int[m];
        for (int i = 0; i < m; i++) {
            clusters[i] = rank[km.assignments()[i]];
        }

        // 4. the mean of the closest images of each facet, then activation maximization from it
        float[][] closestPx = new float[k][];
        int[][] members = new int[k][];
        double[][] dists = new double[k][];
        int[][] closest = new int[k][];
        float[] means = new float[k * per];
        for (int r = 0; r < k; r++) {
            int c = order[r];
            int[] mem = km.members(c);
            double cx = km.centroids()[2 * c];
            double cy = km.centroids()[2 * c + 1];
            Integer[] byDist = new Integer[mem.length];
            double[] d = new double[mem.length];
            for (int j = 0; j < mem.length; j++) {
                byDist[j] = j;
                d[j] = Math.hypot(xy[2 * mem[j]] - cx, xy[2 * mem[j] + 1] - cy);
            }
            Arrays.sort(byDist, Comparator.comparingDouble((Integer j) -> d[j]).thenComparingInt(j -> mem[j]));
            members[r] = new int[mem.length];
            dists[r] = new double[mem.length];
            for (int j = 0; j < mem.length; j++) {
                members[r][j] = indices[mem[byDist[j]]];
                dists[r][j] = d[byDist[j]];
            }
            closest[r] = Arrays.copyOf(members[r], Math.min(o.meanOf(), members[r].length));
            Batch imgs = dataset.get(closest[r]);
            float[] data = imgs.images();
            for (int j = 0; j < closest[r].length; j++) {
                for (int p = 0; p < per; p++) {
                    means[r * per + p] += data[j * per + p] / closest[r].length;
                }
            }
            closestPx[r] = am.pixels(data);
        }
        
        ActivationMaximization.Options ao = o.maximization()
                .withInit(ActivationMaximization.Init.IMAGE, means).withSeed(o.seed());
        // one optimisation of every facet at once (a fixed-batch model runs it in passes of its size)
        ActivationMaximization.Result res = am.run(goal(tensor, request, k), ao, progress);
        float[] input = res.input();
        float[] pixels = res.pixels();
        double[] start = res.start();
        double[] end = res.end();
        double[] prob = request.isClassScore() ? probabilities(tensor, input, k, chw, request.channel()) : null;
        float[] meanPixels = am.pixels(means);
        List<Facet> facets = new ArrayList<>();
        for (int r = 0; r < k; r++) {
            int c = order[r];
            facets.add(new Facet(r, members[r], dists[r], closest[r], closestPx[r],
                    new double[] {km.centroids()[2 * c], km.centroids()[2 * c + 1]},
                    Arrays.copyOfRange(means, r * per, (r + 1) * per), Arrays.copyOfRange(meanPixels, r * per, (r + 1) * per),
                    Arrays.copyOfRange(input, r * per, (r + 1) * per), Arrays.copyOfRange(pixels, r * per, (r + 1) * per),
                    start[r], end[r], prob == null ? Double.NaN : prob[r]));
        }
        
        return new Result(tensor, request.channel(), yx, request.isClassScore(), chw, dataset.description(), scanned,
                indices, activations, labels, activations[m - 1], featureLayer, featureDim, xy, clusters,
                ts.klDivergence(), km.inertia(), facets);
    }

    /** Step 1's outcome: the top images best first, the feature size, images scanned and activating, the value's name. */
    private record Pass(List<Top> top, int featureDim, int scanned, int positive, String value) {
    }

    private static Pass pass(PriorityQueue<Top> heap, int featureDim, int scanned, int positive, String value) {
        List<Top> top = new ArrayList<>(heap);
        top.sort(BEST_FIRST);
        return new Pass(top, featureDim, scanned, positive, value);
    }

    /** Step 1 from a finished scan: the class unit's score and the features of its first {@code n} images. */
    private Pass fromScan(Unit request, String tensor, String featureLayer, int n, int keep, Progress progress) {
        PriorityQueue<Top> heap = new PriorityQueue<>(keep + 1, BEST_FIRST.reversed());
        int positive = 0;
        if (!request.isClassScore()) {
            throw new NetvizException("a dataset scan keeps every image's class scores, not its values of layer "
                    + "channels; the facets of " + tensor + ":" + request.channel() + " need a pass over the "
                    + "dataset (leave out --scan), or choose a class");
        }
        if (!precomputed.featureLayer().equals(featureLayer)) {
            throw new NetvizException("the scan's features are of layer '" + precomputed.featureLayer()
                    + "', not of the feature layer '" + featureLayer + "' asked for; scan with --feature-layer "
                    + featureLayer + " or leave out --feature-layer");
        }
        if (request.channel() < 0 || request.channel() >= precomputed.classCount()) {
            throw new NetvizException("class " + request.channel() + " is not one of the scan's "
                    + precomputed.classCount() + " classes");
        }
        int featureDim = precomputed.featureDim();
        int c = precomputed.classCount();
        for (int i = 0; i < n; i++) {
            double a = precomputed.scores()[i * c + request.channel()];
            if (a > 0) {
                positive++;
                offer(heap, keep, new Top(a, precomputed.indices()[i], precomputed.labels()[i], null),
                        precomputed.features(), i * featureDim, featureDim);
            }
        }
        progress.update("scanning images", n, n);
        return pass(heap, featureDim, n, positive, "value > 0");
    }

    /** Step 1 as one pass over the first {@code n} images of the dataset on the forward pass. */
    private Pass overDataset(Unit request, String tensor, String featureLayer, int n, int keep, Options o,
                             Progress progress) {
        PriorityQueue<Top> heap = new PriorityQueue<>(keep + 1, BEST_FIRST.reversed());
        int[] yx = request.position();
        int featureDim = -1;
        int scanned = 0;
        int positive = 0;
        String value = "value > 0";
        progress.update("scanning images", 0, n);
        try (Batches batches = dataset.batches(o.batchSize(), 0, n)) {
            for (Batch b : batches) {
                int rows = b.size();
                Units goal = Units.repeat(tensor, request.channel(), yx, rows);
                double[] act;
                float[] feats;
                try (NDManager scope = forward.newScope()) {
                    NDArray x = b.toNDArray(scope);
                    Values v = forward.forward(scope, Map.of(forward.inputName(), x), List.of(tensor, featureLayer));
                    if (scanned == 0) {
                        long[] shape = v.get(tensor).getShape().getShape();
                        goal.check(shape);
                        if (yx == null && shape.length > 2 && !request.isClassScore()) {
                            value = "its mean over the " + positions(shape) + " positions of " + tensor + " > 0";
                        }
                    }
                    act = goal.values(v);
                    NDArray f = v.get(featureLayer);
                    long[] s = f.getShape().getShape();
                    if (s.length == 0 || s[0] != rows) {
                        throw new NetvizException("layer '" + featureLayer + "' has no per-image features (shape "
                                + Arrays.toString(s) + "); choose another feature layer");
                    }
                    feats = FloatArray.of(f).data();
                    featureDim = (int) (feats.length / rows);
                }
                for (int i = 0; i < b.size(); i++) {
                    double a = act[i];
                    int badFeature = Finite.firstNonFinite(feats, i * featureDim, featureDim);
                    if (!Double.isFinite(a) || badFeature >= 0) {
                        throw Finite.result("multifaceted visualization of " + tensor + ":" + request.channel()
                                + " became non-finite while scanning image " + b.id(i) + " ("
                                + (Double.isFinite(a) ? "feature " + Finite.name(feats[badFeature]) + " in layer '"
                                + featureLayer + "'" : "unit value " + Finite.name(a)) + ")");
                    }
                    if (!(a > 0)) {
                        continue;
                    }
                    positive++;
                    offer(heap, keep, new Top(a, b.index(i), b.hasLabels() ? b.label(i) : -1, null), feats,
                            i * featureDim, featureDim);
                }
                scanned += b.size();
                progress.update("scanning images", scanned, n);
                progress.checkCancelled();
            }
        }
        return pass(heap, featureDim, scanned, positive, value);
    }

    /** Keeps {@code t} (with its features copied) if it is among the best {@code keep}. */
    private static void offer(PriorityQueue<Top> heap, int keep, Top t, float[] feats, int from, int dim) {
        if (heap.size() < keep || BEST_FIRST.compare(t, heap.peek()) < 0) {
            heap.add(new Top(t.activation(), t.index(), t.label(), Arrays.copyOfRange(feats, from, from + dim)));
            if (heap.size() > keep) {
                heap.poll();
            }
        }
    }

    private static Units goal(String tensor, Unit request, int n) {
        return Units.repeat(tensor, request.channel(), request.position(), n);
    }

    private static int[] fill(int n, int v) {
        int[] a = new int[n];
        Arrays.fill(a, v);
        return a;
    }

    /** Softmax probability of {@code cls} over the score tensor, for each of n images. */
    private double[] probabilities(String scores, float[] x, int n, int[] chw, int cls) {
        double[] out;
        try (NDManager scope = interpreter.newScope()) {
            if (!scores.equals(ScoreTensor.logits(interpreter.graph()))) {
                // --score probability: the model's own probabilities
                double[][] p = new Classifier(interpreter).predict(scope,
                        scope.create(x, new Shape(n, chw[0], chw[1], chw[2]))).probabilities();
                out = new double[n];
                for (int i = 0; i < n; i++) {
                    out[i] = p[i][cls];
                }
            } else {
                float[] s = interpreter.forward(scope, Map.of(interpreter.inputName(),
                        scope.create(x, new Shape(n, chw[0], chw[1], chw[2]))), List.of(scores)).get(scores)
                        .toType(DataType.FLOAT32, false).toFloatArray();
                out = Classifier.softmaxAt(s, fill(n, cls));
            }
        }
        return Finite.checkPerImage(out, "multifaceted visualization: the class probability of the facet images");
    }

    /**
     * The one line of a {@link NotEnoughImagesException}: how many of the scanned images activate the
     * unit, how many of them the top share (or count) kept, how many the facets need, and the remedy;
     * {@code value} says what "activate" measures (e.g. "value > 0", or a channel's mean over positions,
     * which is negative on most images for a Conv output before its ReLU even where its maximum is not).
     */
    static String tooFew(String unit, String value, int scanned, int positive, int kept, int keep, Options o) {
        int k = o.facets();
        int need = MIN_IMAGES_PER_FACET * k;
        int maxFacets = kept / MIN_IMAGES_PER_FACET;
        String head = String.format(Locale.ROOT, "%d facet%s of %s need at least %d activating images (%d per facet), but"
                + " only %,d of the %,d images scanned activate it (%s)", k, k == 1 ? "" : "s", unit, need,
                MIN_IMAGES_PER_FACET, positive, scanned, value);
        if (positive < need) {
            int most = positive / MIN_IMAGES_PER_FACET;
            return head + ": " + (most >= 1 ? "ask for --facets " + most + " or fewer, or scan more images"
                    : "scan more images or choose a unit that more images activate");
        }
        String by = o.topCount() > 0 ? "--top " + keep
                : "the top " + fmt(100 * o.topShare()) + "% (" + keep + " of " + scanned + ")";
        String more = o.topCount() > 0 ? "--top " + need
                : "--top-share " + java.math.BigDecimal.valueOf(Math.min(1.0, Math.ceil(1000.0 * need / scanned) / 1000.0))
                        .stripTrailingZeros().toPlainString();
        return head + String.format(Locale.ROOT, " and %s keeps %d of them: ask for %s or more%s", by, kept, more,
                maxFacets >= 1 ? ", or --facets " + maxFacets + " or fewer" : "");
    }

    /** "H × W" of a (N, C, H, W) shape, the count of positions otherwise. */
    private static String positions(long[] shape) {
        if (shape.length == 4) {
            return shape[2] + " \u00d7 " + shape[3];
        }
        long p = 1;
        for (int i = 2; i < shape.length; i++) {
            p *= shape[i];
        }
        return Long.toString(p);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.3g", v);
    }

    /** Too few images activate the unit for the facets asked for. */
    public static final class NotEnoughImagesException extends NetvizException {
        public NotEnoughImagesException(String message) {
            super(message);
        }
    }
}
