package netviz.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import netviz.NetvizException;
import netviz.train.FashionMnistTrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code netviz train}: trains the bundled demo classifier on Fashion-MNIST and exports it to ONNX
 * (see {@link FashionMnistTrainer}).
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train the bundled demo classifier (a small VGG-style CNN) on the 60,000 Fashion-MNIST "
                + "training images with DJL on the CPU, score it on the 10,000 test images, and export it to ONNX "
                + "with its class labels and preprocessing in the metadata.",
                "With no options it remakes the bundled models/fashion-mnist-cnn.onnx (8 epochs; about 8 minutes on"
                        + " 2 cores)."})
public final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--epochs", paramLabel = "N", description = "Passes over the training images (default: ${DEFAULT-VALUE}).")
    int epochs = 8;

    @Option(names = "--batch-size", paramLabel = "B", description = "Images per Adam step (default: ${DEFAULT-VALUE}).")
    int batchSize = 128;

    @Option(names = "--lr", paramLabel = "RATE",
            description = "Adam's starting learning rate, decayed along a cosine to 1/100 of it (default: ${DEFAULT-VALUE}).")
    float learningRate = 1e-3f;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the initialisation, dropout and shuffling (default: ${DEFAULT-VALUE}).")
    int seed = 42;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Folder with train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz "
                    + "and t10k-labels-idx1-ubyte.gz (default: ${DEFAULT-VALUE}).")
    Path data = FashionMnistTrainer.DEFAULT_DATA;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE.onnx",
            description = "Where to write the model (default: models/fashion-mnist-cnn.onnx of the netviz installation, "
                    + "replacing the bundled model).")
    Path out;

    @Option(names = "--limit", paramLabel = "N", description = "Train on the first N training images only, for a quick try (default: all).")
    int limit;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Show a progress bar per epoch on stderr (default: on).")
    boolean progress = true;

    @Override
    public Integer call() {
        Limits.check("--epochs", epochs, 1, 1000);
        Limits.check("--batch-size", batchSize, 1, Limits.MAX_BATCH);
        Outputs.requireExtension(out, "--out", ".onnx", "ONNX models");
        if (out == null && limit > 0) {
            throw new NetvizException("--limit trains a partial model: give --out FILE.onnx so that the bundled model"
                    + " is not replaced");
        }
        Path target = out != null ? out : ModelOptions.home().resolve(ModelOptions.BUNDLED_MODEL);
        FashionMnistTrainer.Result r;
        try (TerminalProgress bar = new TerminalProgress(progress)) {
            r = new FashionMnistTrainer().train(new FashionMnistTrainer.Options(epochs, batchSize, learningRate, seed,
                    data, limit, 0, target, bar));
        }
        PrintWriter w = spec.commandLine().getOut();
        w.printf(Locale.ROOT, "trained on %d images of %s: %d epochs, batch %d, lr %s (cosine decay), seed %d,"
                + " %.0f s (%.0f s CPU)%n",
                r.trainImages(), data, epochs, batchSize, learningRate, seed, r.seconds(), r.cpuSeconds());
        for (FashionMnistTrainer.Epoch e : r.epochs()) {
            w.printf(Locale.ROOT, "epoch %d  loss %.4f  train accuracy %.4f  test accuracy %.4f  (%.0f s)%n",
                    e.epoch(), e.loss(), e.trainAccuracy(), e.testAccuracy(), e.seconds());
        }
        long bytes = size(r.output());
        w.printf(Locale.ROOT, "test accuracy %.4f on %d images; %d training images, mean %.5f std %.5f%n",
                r.testAccuracy(), r.testImages(), r.trainImages(), r.mean(), r.std());
        w.printf(Locale.ROOT, "wrote %s (%.0f KiB)%n", r.output(), bytes / 1024.0);
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
