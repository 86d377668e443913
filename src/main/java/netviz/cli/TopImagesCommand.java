package netviz.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import netviz.NetvizException;
import netviz.OutOfRangeException;
import netviz.data.Batch;
import netviz.data.Batches;
import netviz.data.Dataset;
import netviz.data.Datasets;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.image.FloatImage;
import netviz.image.Preprocessing;
import netviz.methods.attribution.Attributions;
import netviz.methods.attribution.GuidedBackprop;
import netviz.methods.attribution.Target;
import netviz.methods.neurons.ReceptiveField;
import netviz.methods.neurons.TopImages;
import netviz.render.Figure;
import netviz.render.Images;
import netviz.render.Png;
import netviz.render.Ticks;
import netviz.render.TopImagesSheet;
import netviz.render.ValueRange;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code netviz top-images}: one pass over a dataset keeping, per channel of a layer, the k images
 * with the largest activation; a sheet per channel with each image's receptive-field box and crop
 * (Girshick et al. 2014, figure 4), optionally with guided backpropagation of the crop.
 */
@Command(name = "top-images", mixinStandardHelpOptions = true,
        description = {"Find the dataset images that excite a channel most: one batched pass keeps, per channel, the "
                + "k images with the largest activation (maximum over positions) and where it peaks; draws them "
                + "with the receptive-field box of that position and the crops (Girshick et al. 2014).",
                "--all-channels does every channel of the layer in the same pass and writes one sheet per channel."})
public final class TopImagesCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(names = "--data", paramLabel = "DATA",
            description = "Dataset: IDX file or folder, image folder, or .npy batch (default: the bundled test split).")
    Path data;

    @Mixin
    PreprocessingOptions preprocessing;

    @Option(names = {"-l", "--layer"}, required = true, paramLabel = "LAYER",
            description = "The layer (node name, tensor name or index).")
    String layer;

    @Option(names = {"-c", "--channel"}, split = ",", paramLabel = "C", description = "Channel(s) of the layer.")
    int[] channels;

    @Option(names = "--all-channels", description = "Every channel of the layer, in the same pass; a sheet per channel.")
    boolean allChannels;

    @Option(names = {"-k", "--k"}, paramLabel = "K", defaultValue = "9",
            description = "Images per channel (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--guided", description = "Show guided backpropagation of each crop beside it (Springenberg et al. 2015).")
    boolean guided;

    @Option(names = "--batch-size", paramLabel = "B", defaultValue = "64", description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "Scan only the first N images (default: all).")
    int limit;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE.png",
            description = "The sheet (with several channels: FILE-c<C>.png per channel; default: netviz-out/<model>-top-<layer>.png).")
    Path out;

    @Option(names = "--tile", paramLabel = "PX", defaultValue = "112", description = "Size of each enlarged image (default: ${DEFAULT-VALUE}).")
    int tile;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Show a progress bar on stderr when it is a terminal (default: on).")
    boolean progress;

    @Override
    public void run() {
        Outputs.requirePng(out, "--out");
        if (k < 1 || k > 1000) {
            throw new OutOfRangeException("--k must be between 1 and 1000, not " + k);
        }
        if (batchSize < 1) {
            throw new OutOfRangeException("--batch-size must be at least 1, not " + batchSize);
        }
        Limits.check("--batch-size", batchSize, 1, Limits.MAX_BATCH);
        if (limit < 0) {
            throw new OutOfRangeException("--limit must be 0 (all) or positive, not " + limit);
        }
        if (tile < 8 || tile > 1024) {
            throw new OutOfRangeException("--tile must be between 8 and 1024 pixels, not " + tile);
        }
        if (allChannels == (channels != null)) {
            throw new NetvizException("give either --channel C or --all-channels");
        }
        Graph graph = model.graph();
        String tensor = graph.resolveTensor(layer);
        Preprocessing pre = preprocessing.resolve(graph);
        Dataset dataset = Datasets.open(data, pre);
        int n = limit > 0 ? Math.min(limit, dataset.size()) : dataset.size();
        if (n == 0) {
            throw new NetvizException("the dataset " + dataset.description() + " has no images");
        }
        PrintWriter w = spec.commandLine().getOut();
        try (Interpreter ip = model.newInterpreter()) {
            TopImages top = new TopImages(ip, tensor, allChannels ? new int[0] : channels, k);
            try (TerminalProgress bar = new TerminalProgress(progress);
                 Batches batches = dataset.batches(batchSize, 0, n).withProgress(bar, "top-images " + tensor)) {
                for (Batch b : batches) {
                    top.add(b.images(), b.shape(), b.indices());
                }
            }
            ReceptiveField rf = ReceptiveField.analyze(ip);
            ReceptiveField.Field field = rf.field(tensor);
            int[] tracked = top.channels();
            Path base = out != null ? out : Path.of("netviz-out", Outputs.fileSafe(model.displayName()) + "-top-"
                    + Outputs.fileSafe(tensor) + ".png");
            w.println(model.displayName() + ": top " + k + " of " + String.format(Locale.ROOT, "%,d", top.images())
                    + " images for " + tensor + " (" + dataset.description() + ")");
            if (!field.known()) {
                w.println("note: the receptive field of " + tensor + " cannot be computed analytically ("
                        + field.unknown() + "); boxes are effective receptive fields (gradient support)");
            }
            for (int i = 0; i < tracked.length; i++) {
                int c = tracked[i];
                List<TopImages.Hit> hits = top.top(i);
                Path png = tracked.length == 1 ? base : sibling(base, "-c" + c);
                Figure fig = sheet(ip, rf, dataset, pre, tensor, c, hits);
                Png.write(fig, png);
                StringBuilder b = new StringBuilder("  channel " + c + ": ");
                for (int h = 0; h < hits.size(); h++) {
                    TopImages.Hit hit = hits.get(h);
                    b.append(h == 0 ? "" : ", ").append("#").append(hit.image()).append(" ")
                            .append(Ticks.format(hit.activation(), 3));
                }
                w.println(b + "  \u2192  " + png);
            }
            w.flush();
        }
    }

    static Path sibling(Path base, String suffix) {
        String name = base.getFileName().toString();
        String stem = name.toLowerCase(Locale.ROOT).endsWith(".png") ? name.substring(0, name.length() - 4) : name;
        return base.resolveSibling(stem + suffix + ".png");
    }

    private Figure sheet(Interpreter ip, ReceptiveField rf, Dataset dataset, Preprocessing pre, String tensor, int c,
                         List<TopImages.Hit> hits) {
        int[] idx = hits.stream().mapToInt(TopImages.Hit::image).toArray();
        Batch batch = dataset.get(idx);
        boolean spatial = rf.field(tensor).spatial();
        List<TopImagesSheet.Entry> entries = new ArrayList<>();
        for (int h = 0; h < hits.size(); h++) {
            TopImages.Hit hit = hits.get(h);
            FloatImage img = batch.image(h);
            BufferedImage picture = pre.toImage(img);
            ReceptiveField.Box box = rf.boxOrEffective(ip, tensor, c, hit.y(), hit.x());
            Rectangle r = new Rectangle(box.x0(), box.y0(), box.width(), box.height());
            BufferedImage beside = null;
            if (guided) {
                beside = guided(ip, batch, h, tensor, c, hit, spatial, r);
            }
            List<String> labels = new ArrayList<>();
            labels.add("#" + hit.image() + (batch.hasLabels() && !dataset.classNames().isEmpty()
                    ? " " + dataset.classNames().get(batch.label(h)) : ""));
            labels.add(Ticks.format(hit.activation(), 3) + (spatial ? " @" + hit.y() + "," + hit.x() : ""));
            entries.add(new TopImagesSheet.Entry(picture, r, beside, labels));
        }
        String title = model.displayName() + "  " + tensor + " channel " + c + ": top " + hits.size() + " images";
        return TopImagesSheet.render(title, entries, tile, "guided backpropagation of the unit, crop");
    }

    private static BufferedImage guided(Interpreter ip, Batch batch, int h, String tensor, int c, TopImages.Hit hit,
                                        boolean spatial, Rectangle r) {
        int ch = batch.channels();
        int hh = batch.height();
        int ww = batch.width();
        float[] one = new float[ch * hh * ww];
        System.arraycopy(batch.images(), h * one.length, one, 0, one.length);
        Attributions a;
        try (NDManager m = ip.newScope()) {
            NDArray x = m.create(one, new Shape(1, ch, hh, ww));
            Target t = spatial ? Target.neuron(tensor, c, hit.y(), hit.x()) : Target.neuron(tensor, c);
            a = new GuidedBackprop(ip).attribute(x, t);
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
        ValueRange range = ValueRange.symmetric(crop);
        return Images.fromPlanes(crop, ch, r.height, r.width, range);
    }
}
