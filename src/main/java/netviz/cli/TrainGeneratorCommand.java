package netviz.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import netviz.NetvizException;
import netviz.train.FashionMnistTrainer;
import netviz.train.GeneratorTrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code netviz train-generator}: trains the DGN-AM image generator that inverts a classifier's
 * hidden layer and exports it to ONNX (see {@link GeneratorTrainer}).
 */
@Command(name = "train-generator", mixinStandardHelpOptions = true,
        description = {"Train a generator network G (Nguyen et al. 2016, DGN-AM) that maps a classifier's hidden features"
                + " (default: the input of its last fully connected layer) back to an image, on the 60,000 Fashion-MNIST"
                + " training images with DJL on the CPU: pixel reconstruction loss plus feature losses in the frozen"
                + " classifier. Exports G to ONNX with the classifier's hash, the code layer and the code range seen on"
                + " real data in its metadata; prints the held-out reconstruction error on the 10,000 test images.",
                "With no options it remakes the bundled models/fashion-mnist-generator.onnx for the bundled classifier."})
public final class TrainGeneratorCommand implements Callable<Integer> {
    /** The bundled generator, relative to the installation folder. */
    public static final String BUNDLED_GENERATOR = netviz.session.Installation.GENERATOR;

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(names = {"-l", "--layer"}, paramLabel = "L",
            description = "Hidden layer whose features are G's code (default: the input of the last Gemm/MatMul).")
    String layer;

    @Option(names = "--feature-layer", paramLabel = "L",
            description = "Earlier classifier layer of the feature loss, or 'none' (default: the last 4-D tensor before the code layer).")
    String featureLayer;

    @Option(names = "--epochs", paramLabel = "N", description = "Passes over the training images (default: ${DEFAULT-VALUE}).")
    int epochs = 2;

    @Option(names = "--batch-size", paramLabel = "B", description = "Images per Adam step (default: ${DEFAULT-VALUE}).")
    int batchSize = 64;

    @Option(names = "--lr", paramLabel = "RATE", description = "Adam's starting learning rate, cosine decay to 1/100 (default: ${DEFAULT-VALUE}).")
    float learningRate = 1e-3f;

    @Option(names = "--image-weight", paramLabel = "W", description = "Weight of the pixel MSE (default: ${DEFAULT-VALUE}).")
    float imageWeight = 1f;

    @Option(names = "--code-weight", paramLabel = "W", description = "Weight of the code-layer feature loss (default: ${DEFAULT-VALUE}).")
    float codeWeight = 0.1f;

    @Option(names = "--feature-weight", paramLabel = "W", description = "Weight of the earlier-layer feature loss (default: ${DEFAULT-VALUE}).")
    float featureWeight = 0.1f;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the initialisation and shuffling (default: ${DEFAULT-VALUE}).")
    int seed = 42;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Folder with the train-* and t10k-* IDX files (default: ${DEFAULT-VALUE}).")
    Path data = FashionMnistTrainer.DEFAULT_DATA;

    @Option(names = "--limit", paramLabel = "N", description = "Train on the first N training images only (default: all).")
    int limit;

    @Option(names = "--test-limit", paramLabel = "N", description = "Score the first N test images only (default: all).")
    int testLimit;

    @Option(names = {"-o", "--out"}, paramLabel = "G.onnx",
            description = "Where to write G (default: " + BUNDLED_GENERATOR + " when the model is the bundled one).")
    Path out;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Show progress bars on stderr (default: on).")
    boolean progress = true;

    @Override
    public Integer call() {
        Limits.check("--epochs", epochs, 1, 1000);
        Limits.check("--batch-size", batchSize, 1, Limits.MAX_BATCH);
        Outputs.requireExtension(out, "--out", ".onnx", "ONNX models");
        Path classifier = model.path();
        Path target = out;
        if (target == null) {
            if (model.isExplicit()) {
                throw new NetvizException("give --out G.onnx: only the bundled classifier has a default generator path");
            }
            if (limit > 0) {
                throw new NetvizException("--limit trains a partial generator: give --out G.onnx so that the bundled one"
                        + " is not replaced");
            }
            target = ModelOptions.home().resolve(BUNDLED_GENERATOR);
        }
        GeneratorTrainer.Result r;
        try (TerminalProgress bar = new TerminalProgress(progress)) {
            r = new GeneratorTrainer().train(new GeneratorTrainer.Options(classifier, layer, featureLayer, epochs,
                    batchSize, learningRate, imageWeight, codeWeight, featureWeight, seed, data, limit, testLimit, target,
                    bar));
        }
        PrintWriter w = spec.commandLine().getOut();
        w.printf(Locale.ROOT, "generator for %s, code layer %s (%d values), feature layer %s: %d training images,"
                        + " %d epochs, batch %d, seed %d, %.0f s (%.0f s CPU)%n", classifier.getFileName(), r.codeLayer(),
                r.codeSize(), r.featureLayer() == null ? "none" : r.featureLayer(), r.trainImages(), epochs, batchSize,
                seed, r.seconds(), r.cpuSeconds());
        for (GeneratorTrainer.Epoch e : r.epochs()) {
            w.printf(Locale.ROOT, "epoch %d  loss %.4f  image mse %.4f  code %.4f  feature %.4f  test mse %.5f  (%.0f s)%n",
                    e.epoch(), e.loss(), e.imageLoss(), e.codeLoss(), e.featureLoss(), e.testMse(), e.seconds());
        }
        w.printf(Locale.ROOT, "held-out reconstruction MSE %.5f ([0,1] pixels) on %d test images%n", r.testMse(),
                r.testImages());
        w.printf(Locale.ROOT, "wrote %s (%.0f KiB)%n", r.output(), size(r.output()) / 1024.0);
        w.flush();
        return 0;
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            return 0;
        }
    }
}
