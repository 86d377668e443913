package netviz.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import netviz.NetvizException;
import java.nio.file.Path;
import java.util.Locale;
import netviz.cli.ModelOptions;
import netviz.cli.TrainGeneratorCommand;
import netviz.methods.generative.DeepGeneratorActivationMaximization;

/**
 * Class images synthesised through a deep generator network ({@link DeepGeneratorActivationMaximization},
 * drawn by {@code netviz dgn}; Nguyen et al. 2016) beside pixel-space activation maximization of
 * the same classes.
 */
final class DgnSection implements ReportSection {
    /** At most this many classes are synthesised. */
    static final int CLASSES = 10;
    static final int ITERATIONS = 100;

    @Override
    public String id() {
        return "dgn";
    }

    @Override
    public String title() {
        return "Activation maximisation through a generator (DGN-AM)";
    }

    @Override
    public boolean available() {
        return Sections.hasCommand("dgn");
    }

    @Override
    public void render(ReportContext ctx) {
        ctx.paragraph("Pixel-space activation maximisation tends to produce patterns that excite the network but look like"
                + " nothing. DGN-AM (Nguyen et al. 2016) searches instead over the code h of a generator network G trained"
                + " to turn the classifier's own hidden features back into images, maximising the class score of G(h) with"
                + " an L2 penalty on h and h clamped to the range seen on real images, so the result is something G can"
                + " draw: an image in the style of the training data.");
        Path bundled = ModelOptions.home().resolve(ModelOptions.BUNDLED_MODEL).toAbsolutePath().normalize();
        Path generator = ModelOptions.home().resolve(TrainGeneratorCommand.BUNDLED_GENERATOR);
        if (!ctx.options().model().toAbsolutePath().normalize().equals(bundled) || !Files.isRegularFile(generator)) {
            ctx.paragraph("This model has no bundled generator; train one with 'netviz train-generator --model M --out"
                    + " G.onnx' and run 'netviz dgn --model M --generator G.onnx --target all'.");
            return;
        }
        int classes = ctx.labels() != null ? Math.min(CLASSES, ctx.labels().size()) : CLASSES;
        StringBuilder t = new StringBuilder();
        for (int k = 0; k < classes; k++) {
            t.append(k == 0 ? "" : ",").append(k);
        }
        NetvizCommand c = ctx.command("dgn").arg("--target", t.toString(), "--iterations", Integer.toString(ITERATIONS),
                "--am-iterations", Integer.toString(ITERATIONS));
        Path tmp;
        try {
            tmp = Files.createTempDirectory("netviz-dgn-");
        } catch (IOException e) {
            throw new NetvizException("cannot create a temporary folder for netviz dgn: " + e.getMessage());
        }
        try {
            // the command writes a folder (sheet, npy, trace); the report keeps the sheet only
            c.arg("--out", tmp.toString(), "netviz-out/dgn").hidden("--no-progress");
            ctx.run(c);
            Files.copy(tmp.resolve("dgn.png"), ctx.file(ReportContext.FIGURES + "/dgn.png"),
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new NetvizException("cannot copy the DGN-AM sheet into the report: " + e.getMessage());
        } finally {
            try (Stream<Path> files = Files.list(tmp)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // a leftover temporary folder is harmless
            }
        }
        ctx.figure("dgn.png", String.format(Locale.ROOT, "Top row: one DGN-AM image per class 0 to %d (%d Adam"
                + " steps on the generator's relu3 code from the mean code; each tile gives the class probability and"
                + " logit). Bottom row: pixel-space activation maximisation of the same classes (%d steps, Yosinski et al."
                + " regularisers). Both are classified as their class; only the top row looks like garments.",
                classes - 1, ITERATIONS, ITERATIONS), c);
    }
}
