package netviz.figures;

import ai.djl.ndarray.NDManager;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import netviz.NetvizException;
import netviz.OutOfRangeException;
import netviz.Progress;
import netviz.data.Batch;
import netviz.data.Batches;
import netviz.data.Dataset;
import netviz.engine.Interpreter;
import netviz.methods.attribution.Attributions;
import netviz.methods.attribution.GuidedBackprop;
import netviz.methods.attribution.Target;
import netviz.methods.neurons.ReceptiveField;
import netviz.methods.neurons.TopImages;
import netviz.methods.unit.Unit;
import netviz.render.Figure;
import netviz.render.Images;
import netviz.render.Ticks;
import netviz.render.TopImagesSheet;
import netviz.render.ValueRange;
import netviz.session.DatasetScan;
import netviz.session.Picture;
import netviz.session.Session;

/**
 * The dataset images that excite a channel most ({@link TopImages}; Zeiler and Fergus 2014,
 * section 4; Girshick et al. 2014, figure 4): one batched pass over the session's dataset keeps,
 * per channel of a layer, the k images with the largest activation (maximum over positions) and
 * where it peaks; one sheet per channel shows each image with the receptive-field box of the peak
 * ({@link ReceptiveField}: analytic, else the effective field), the crops, and optionally guided
 * backpropagation of the unit inside the crop (Springenberg et al. 2015).
 */
public final class TopImagesFigure {
    /** The title of the guided-backpropagation row of a sheet. */
    static final String GUIDED_TITLE = "guided backpropagation of the unit, crop";

    private TopImagesFigure() {
    }

    /**
     * The layer, its channels (null: every channel, in one pass), images per channel (9), guided
     * backpropagation of each crop (off), images per forward pass (64), how many dataset images
     * (0: all) and the size of each enlarged image (112 pixels); the defaults are
     * {@code netviz top-images}'.
     */
    public record Options(String layer, int[] channels, int k, boolean guided, int batchSize, int limit, int tile) {
        public Options {
            if (layer == null) {
                throw new NetvizException("top images need --layer");
            }
            channels = channels == null ? null : channels.clone();
            if (k < 1 || k > 1000) {
                throw new OutOfRangeException("--k must be between 1 and 1000, not " + k);
            }
            if (batchSize < 1) {
                throw new OutOfRangeException("--batch-size must be at least 1, not " + batchSize);
            }
            if (limit < 0) {
                throw new OutOfRangeException("--limit must be 0 (all) or positive, not " + limit);
            }
            if (tile < 8 || tile > 1024) {
                throw new OutOfRangeException("--tile must be between 8 and 1024 pixels, not " + tile);
            }
        }

        /** Every channel of {@code layer}, with the command's defaults. */
        public static Options of(String layer) {
            return new Options(layer, null, 9, false, 64, 0, 112);
        }

        public Options withChannels(int... c) {
            return new Options(layer, c, k, guided, batchSize, limit, tile);
        }

        public Options withK(int n) {
            return new Options(layer, channels, n, guided, batchSize, limit, tile);
        }

        public Options withGuided(boolean g) {
            return new Options(layer, channels, k, g, batchSize, limit, tile);
        }

        public Options withBatchSize(int b) {
            return new Options(layer, channels, k, guided, b, limit, tile);
        }

        public Options withLimit(int n) {
            return new Options(layer, channels, k, guided, batchSize, n, tile);
        }

        public Options withTile(int px) {
            return new Options(layer, channels, k, guided, batchSize, limit, px);
        }

        /**
         * The {@code netviz top-images} flags that draw these sheets (those that differ from the
         * defaults; the batch size, which changes no pixel, is left out).
         */
        public List<String> arguments() {
            List<String> a = new ArrayList<>(List.of("--layer", layer));
            if (channels == null) {
                a.add("--all-channels");
            } else {
                a.add("--channel");
                a.add(String.join(",", Arrays.stream(channels).mapToObj(Integer::toString).toList()));
            }
            if (k != 9) {
                a.addAll(List.of("--k", Integer.toString(k)));
            }
            if (guided) {
                a.add("--guided");
            }
            if (limit != 0) {
                a.addAll(List.of("--limit", Integer.toString(limit)));
            }
            if (tile != 112) {
                a.addAll(List.of("--tile", Integer.toString(tile)));
            }
            return a;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Options p && p.layer.equals(layer) && Arrays.equals(p.channels, channels) && p.k == k
                    && p.guided == guided && p.batchSize == batchSize && p.limit == limit && p.tile == tile;
        }

        @Override
        public int hashCode() {
            return layer.hashCode() * 31 + Arrays.hashCode(channels) + k * 7 + limit;
        }
    }

    /**
     * Scans the session's dataset, or reads the hits and images of the session's
     * {@link Session#scan() scan} (which must hold the layer and at least k images per channel).
     * The figures: one sheet per channel, in the order of
     * {@code channels}. The summary: {@code tensor}, {@code data} (the dataset's description),
     * {@code scanned} (images), {@code k}, {@code spatial}, {@code unknown} (why the field is not
     * analytic, or null: the boxes are then effective receptive fields) and {@code channels}: per
     * channel its {@code channel} and {@code images}, per image its {@code index}, {@code label}
     * (-1 when unlabelled), {@code activation}, {@code position} (y, x; null for a (N, C) layer) and
     * {@code box} (x0, y0, x1, y1, inclusive).
     */
    public static FigureResult make(Session s, Options o, Progress p) {
        DatasetScan scan = s.scan().orElse(null);
        Interpreter ip = s.interpreter();
        String tensor = s.graph().resolveTensor(o.layer());
        Tops tops = scan != null ? fromScan(s, scan, o) : scanDataset(s, tensor, o, p);
        ReceptiveField rf = ReceptiveField.analyze(ip);
        ReceptiveField.Field field = rf.field(tensor);
        boolean spatial = field.spatial();
        List<Figure> figures = new ArrayList<>();
        List<Map<String, Object>> channels = new ArrayList<>();
        for (int i = 0; i < tops.channels().length; i++) {
            int c = tops.channels()[i];
            List<TopImages.Hit> hits = tops.hits().get(i);
            List<Picture> pictures = tops.pictures().apply(hits);
            List<TopImagesSheet.Entry> entries = new ArrayList<>();
            List<Map<String, Object>> images = new ArrayList<>();
            for (int h = 0; h < hits.size(); h++) {
                TopImages.Hit hit = hits.get(h);
                Picture pic = pictures.get(h);
                ReceptiveField.Box box = rf.boxOrEffective(ip, tensor, c, hit.y(), hit.x());
                Rectangle r = new Rectangle(box.x0(), box.y0(), box.width(), box.height());
                Unit unit = spatial ? Unit.neuron(tensor, c, hit.y(), hit.x()) : Unit.channel(tensor, c);
                BufferedImage beside = o.guided() ? guided(ip, pic, unit, r) : null;
                int label = pic.label();
                List<String> labels = new ArrayList<>();
                labels.add("#" + hit.image() + (label >= 0 && !tops.classNames().isEmpty()
                        && label < tops.classNames().size() ? " " + tops.classNames().get(label) : ""));
                labels.add(Ticks.format(hit.activation(), 3) + (spatial ? " @" + hit.y() + "," + hit.x() : ""));
                entries.add(new TopImagesSheet.Entry(pic.picture(), r, beside, labels));
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("index", hit.image());
                e.put("label", label);
                e.put("activation", (double) hit.activation());
                e.put("position", spatial ? new int[] {hit.y(), hit.x()} : null);
                e.put("box", new int[] {box.x0(), box.y0(), box.x1(), box.y1()});
                images.add(e);
            }
            String title = s.name() + "  " + tensor + " channel " + c + ": top " + hits.size() + " images";
            figures.add(TopImagesSheet.render(title, entries, o.tile(), GUIDED_TITLE));
            Map<String, Object> ch = new LinkedHashMap<>();
            ch.put("channel", c);
            ch.put("images", images);
            channels.add(ch);
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("tensor", tensor);
        summary.put("data", tops.data());
        summary.put("scanned", tops.scanned());
        summary.put("k", o.k());
        summary.put("spatial", spatial);
        summary.put("unknown", field.unknown());
        summary.put("channels", channels);
        return new FigureResult(figures, Map.of(), summary);
    }

    /**
     * The top images of each channel, wherever they came from: the channels in order, each one's hits
     * (best first), how to get the hits' images, what was scanned and the class names.
     */
    private record Tops(int[] channels, List<List<TopImages.Hit>> hits, Function<List<TopImages.Hit>, List<Picture>> pictures,
                        long scanned, String data, List<String> classNames) {
    }

    /** One batched pass over the session's dataset. */
    private static Tops scanDataset(Session s, String tensor, Options o, Progress p) {
        Dataset dataset = s.dataset();
        int n = o.limit() > 0 ? Math.min(o.limit(), dataset.size()) : dataset.size();
        if (n == 0) {
            throw new NetvizException("the dataset " + dataset.description() + " has no images");
        }
        TopImages top = new TopImages(s.forward(), tensor, o.channels() == null ? new int[0] : o.channels(), o.k());
        try (Batches batches = dataset.batches(o.batchSize(), 0, n).withProgress(p, "top-images " + tensor)) {
            for (Batch b : batches) {
                top.add(b.images(), b.shape(), b.indices());
            }
        }
        List<List<TopImages.Hit>> hits = new ArrayList<>();
        for (int i = 0; i < top.channels().length; i++) {
            hits.add(top.top(i));
        }
        return new Tops(top.channels(), hits, h -> {
            Batch batch = dataset.get(h.stream().mapToInt(TopImages.Hit::image).toArray());
            List<Picture> pictures = new ArrayList<>();
            int per = batch.channels() * batch.height() * batch.width();
            for (int i = 0; i < h.size(); i++) {
                pictures.add(new Picture("dataset:" + h.get(i).image(),
                        Arrays.copyOfRange(batch.images(), i * per, (i + 1) * per),
                        new long[] {1, batch.channels(), batch.height(), batch.width()},
                        s.preprocessing().toImage(batch.image(i)), batch.hasLabels() ? batch.label(i) : -1));
            }
            return pictures;
        }, top.images(), dataset.description(), dataset.classNames());
    }

    /** The hits a finished scan recorded, with the images it stored (no pass over the dataset). */
    private static Tops fromScan(Session s, DatasetScan scan, Options o) {
        String tensor = scan.tensor(o.layer());
        scan.requireAll(o.limit());
        int kept = scan.manifest().topK();
        if (o.k() > kept) {
            throw new OutOfRangeException("--k " + o.k() + " is more than the scan's " + kept + " top images per channel;"
                    + " ask for --k " + kept + " or fewer, or scan again with --top-k " + o.k());
        }
        long[] shape = s.shapeOf(tensor);
        int count = shape.length > 1 ? (int) shape[1] : 1;
        int[] channels = o.channels() != null && o.channels().length > 0 ? o.channels()
                : java.util.stream.IntStream.range(0, count).toArray();
        List<List<TopImages.Hit>> hits = new ArrayList<>();
        for (int c : channels) {
            if (c < 0 || c >= count) {
                throw new OutOfRangeException("channel " + c + " does not exist: " + tensor + " has channels 0 to " + (count - 1));
            }
            List<TopImages.Hit> h = scan.reader().top(tensor, c);
            hits.add(List.copyOf(h.subList(0, Math.min(o.k(), h.size()))));
        }
        // every channel's images in one pass over the scan's top table
        Map<Long, BufferedImage> stored = scan.reader().images(hits.stream().flatMap(List::stream).toList());
        return new Tops(channels, hits, h -> {
            List<Picture> pictures = new ArrayList<>();
            for (TopImages.Hit hit : h) {
                Picture p = s.picture(stored.get((long) hit.image()), "scan:" + hit.image());
                pictures.add(new Picture(p.id(), p.input(), p.shape(), p.picture(), scan.label(hit.image())));
            }
            return pictures;
        }, scan.images(), scan.description(), scan.manifest().classes());
    }

    /** Guided backpropagation of {@code unit} on {@code pic}, cropped to {@code r}. */
    private static BufferedImage guided(Interpreter ip, Picture pic, Unit unit, Rectangle r) {
        int ch = pic.channels();
        int hh = pic.height();
        int ww = pic.width();
        Attributions a;
        try (NDManager m = ip.newScope()) {
            a = new GuidedBackprop(ip).attribute(pic.toNDArray(m), Target.of(unit));
        }
        float[] g = a.values();
        float[] crop = new float[ch * r.height * r.width];
        for (int k = 0; k < ch; k++) {
            for (int y = 0; y < r.height; y++) {
                for (int x = 0; x < r.width; x++) {
                    crop[(k * r.height + y) * r.width + x] = g[(k * hh + r.y + y) * ww + r.x + x];
                }
            }
        }
        return Images.fromPlanes(crop, ch, r.height, r.width, ValueRange.symmetric(crop));
    }
}
