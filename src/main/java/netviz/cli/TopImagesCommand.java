package netviz.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import netviz.NetvizException;
import netviz.figures.FigureResult;
import netviz.figures.TopImagesFigure;
import netviz.render.Png;
import netviz.render.Ticks;
import netviz.session.Session;
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

    @Mixin
    ScanOptions scan;

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
        TopImagesFigure.Options o = new TopImagesFigure.Options(layer, allChannels ? null : channels, k, guided,
                batchSize, limit, tile);
        Limits.check("--batch-size", batchSize, 1, Limits.MAX_BATCH);
        if (allChannels == (channels != null)) {
            throw new NetvizException("give either --channel C or --all-channels");
        }
        PrintWriter w = spec.commandLine().getOut();
        FigureResult r;
        try (Session s = scan.apply(model.session()).preprocessing(preprocessing::resolve).data(data).build();
             TerminalProgress bar = new TerminalProgress(progress)) {
            r = TopImagesFigure.make(s, o, bar);
        }
        Map<String, Object> sum = r.summary();
        String tensor = (String) sum.get("tensor");
        Path base = out != null ? out : Path.of("netviz-out", Outputs.fileSafe(model.displayName()) + "-top-"
                + Outputs.fileSafe(tensor) + ".png");
        w.println(model.displayName() + ": top " + k + " of " + String.format(Locale.ROOT, "%,d", (Long) sum.get("scanned"))
                + " images for " + tensor + " (" + sum.get("data") + ")");
        if (sum.get("unknown") != null) {
            w.println("note: the receptive field of " + tensor + " cannot be computed analytically ("
                    + sum.get("unknown") + "); boxes are effective receptive fields (gradient support)");
        }
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> channelHits = (List<Map<String, Object>>) sum.get("channels");
        for (int i = 0; i < channelHits.size(); i++) {
            int c = (Integer) channelHits.get(i).get("channel");
            Path png = channelHits.size() == 1 ? base : sibling(base, "-c" + c);
            Png.write(r.figures().get(i), png);
            StringBuilder b = new StringBuilder("  channel " + c + ": ");
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> hits = (List<Map<String, Object>>) channelHits.get(i).get("images");
            for (int h = 0; h < hits.size(); h++) {
                b.append(h == 0 ? "" : ", ").append("#").append(hits.get(h).get("index")).append(" ")
                        .append(Ticks.format((Double) hits.get(h).get("activation"), 3));
            }
            w.println(b + "  \u2192  " + png);
        }
        w.flush();
    }

    static Path sibling(Path base, String suffix) {
        String name = base.getFileName().toString();
        String stem = name.toLowerCase(Locale.ROOT).endsWith(".png") ? name.substring(0, name.length() - 4) : name;
        return base.resolveSibling(stem + suffix + ".png");
    }
}
