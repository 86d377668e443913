package netviz.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import netviz.NetvizException;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.ModelView;
import netviz.engine.ops.Quantized;
import netviz.onnx.OnnxLoader;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Mixin for {@code --model M.onnx}. Without {@code --model}, the bundled demo classifier
 * {@value #BUNDLED_MODEL} of the netviz installation ({@link #home()}) is used. A bare name such as
 * {@code --model fashion-mnist-cnn} that is not a file is also looked up in the installation's
 * {@code models/} folder.
 *
 * <pre>{@code
 * @Mixin ModelOptions model;
 * ...
 * Graph g = model.graph();                       // loaded once, typed errors
 * try (Interpreter ip = model.newInterpreter()) { ... }
 * }</pre>
 */
public final class ModelOptions {
    /** The bundled model, relative to the installation folder. */
    public static final String BUNDLED_MODEL = netviz.session.Installation.MODEL;

    @Option(names = {"-m", "--model"}, paramLabel = "M.onnx",
            description = "ONNX model file (default: the bundled Fashion-MNIST classifier "
                    + BUNDLED_MODEL + ").")
    Path model;

    /** The command this mixin belongs to (null when made with {@link #of}): where warnings go. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--output", paramLabel = "NAME",
            description = "The classifier output, by name (default: the first 2-D float output with the most columns;"
                    + " other outputs are auxiliary heads and are ignored).")
    String output;

    @Option(names = "--score", paramLabel = "logit|probability",
            description = "What a class score is when the model ends in Softmax: its input, the logits (default), or the"
                    + " probability itself.")
    String score;

    @Option(names = "--layout", paramLabel = "nchw|nhwc",
            description = "The input layout (default: detected; NHWC when the input's last dimension is 1 or 3 and its"
                    + " second is not). A channels-last model is fed NCHW through a Transpose.")
    String layout;

    @Option(names = "--runtime", paramLabel = "ort|torch",
            description = "What runs forward passes that need no gradient (classification, evaluation, activations,"
                    + " dataset scans, features, occlusion): ort, ONNX Runtime (default; the libtorch interpreter when"
                    + " ONNX Runtime cannot run the model), or torch, the libtorch interpreter. Gradients always run on"
                    + " libtorch.")
    String runtime;

    private Graph raw;
    private Graph graph;

    public ModelOptions() {
    }

    /** For tests and other surfaces: options as if {@code --model path} had been given (null: the default). */
    public static ModelOptions of(Path path) {
        ModelOptions o = new ModelOptions();
        o.model = path;
        return o;
    }

    /**
     * The netviz installation: the {@code netviz.home} system property set by the launcher, else the
     * working directory.
     */
    public static Path home() {
        return netviz.session.Installation.home();
    }

    /** True when the user named a model (rather than relying on the bundled one). */
    public boolean isExplicit() {
        return model != null;
    }

    /** The model file that will be loaded. */
    public Path path() {
        if (model == null) {
            Path p = home().resolve(BUNDLED_MODEL);
            if (!Files.isRegularFile(p)) {
                throw new NetvizException("no --model given and the bundled model '" + p
                        + "' is missing; give --model M.onnx or remake it with 'netviz train'");
            }
            return p;
        }
        if (!Files.exists(model) && model.getParent() == null) {
            for (String name : new String[] {model.toString(), model + ".onnx"}) {
                Path p = home().resolve("models").resolve(name);
                if (Files.isRegularFile(p)) {
                    return p;
                }
            }
        }
        return model;
    }

    /**
     * The model's graph as netviz presents it (see {@link ModelView}: the classifier output first, the
     * score asked for, a channels-last input seen as NCHW), loaded on first use (a
     * {@link netviz.ModelFormatException} if it is not valid ONNX).
     */
    public Graph graph() {
        if (graph == null) {
            graph = ModelView.of(rawGraph(), view());
        }
        return graph;
    }

    /**
     * The model's graph as the file holds it. A quantized model gets one warning line on the
     * command's stderr when it is loaded, saying that netviz dequantizes it ({@link Quantized#warning}).
     */
    public Graph rawGraph() {
        if (raw == null) {
            raw = OnnxLoader.load(path());
            String w = Quantized.warning(raw);
            if (w != null && command != null) {
                command.commandLine().getErr().println("netviz: " + w);
            }
        }
        return raw;
    }

    /** The {@code --output}, {@code --score} and {@code --layout} choices. */
    public ModelView.Options view() {
        return new ModelView.Options(output, score == null ? null : ModelView.Score.parse(score),
                layout == null ? null : ModelView.Layout.parse(layout));
    }

    /** The {@code --runtime} choice, checked ({@code ort} when not given). */
    public String runtime() {
        return netviz.session.Session.parseRuntime(runtime);
    }

    /** Prints the notes on the command's session to {@code err}, one "netviz: note: …" line each. */
    public static void printNotes(java.io.PrintWriter err, netviz.session.Session session, boolean scores) {
        for (String n : netviz.session.ModelNotes.of(session, scores)) {
            err.println("netviz: note: " + n);
        }
        err.flush();
    }

    /**
     * A session on the model with the {@code --output}, {@code --score} and {@code --layout}
     * choices and the {@code --runtime} of its forward passes, its warnings on the command's stderr; the command adds its preprocessing, labels and
     * data, builds it and closes it.
     */
    public netviz.session.Session.Builder session() {
        return netviz.session.Session.builder(path()).view(view()).runtime(runtime).warnings(w -> {
            java.io.PrintWriter err = command != null ? command.commandLine().getErr()
                    : new java.io.PrintWriter(System.err, true);
            err.println("netviz: " + w);
            err.flush();
        });
    }

    /** A new interpreter on {@link #graph()} computing in float32; the caller closes it. */
    public Interpreter newInterpreter() {
        return Interpreter.of(graph());
    }

    /** A new interpreter with the given options; the caller closes it. */
    public Interpreter newInterpreter(Interpreter.Options options) {
        return Interpreter.of(graph(), options);
    }

    /** The model's file name without ".onnx", for titles and default output names. */
    public String displayName() {
        String n = path().getFileName().toString();
        return n.endsWith(".onnx") ? n.substring(0, n.length() - 5) : n;
    }
}
