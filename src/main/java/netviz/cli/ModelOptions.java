package netviz.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import netviz.NetvizException;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
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
    public static final String BUNDLED_MODEL = "models/fashion-mnist-cnn.onnx";

    @Option(names = {"-m", "--model"}, paramLabel = "M.onnx",
            description = "ONNX model file (default: the bundled Fashion-MNIST classifier "
                    + BUNDLED_MODEL + ").")
    Path model;

    /** The command this mixin belongs to (null when made with {@link #of}): where warnings go. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

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
        String h = System.getProperty(Main.HOME_PROPERTY);
        return (h == null || h.isBlank() ? Path.of("") : Path.of(h)).toAbsolutePath().normalize();
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
     * The model's graph, loaded on first use (a {@link netviz.ModelFormatException} if it is not valid
     * ONNX). A quantized model gets one warning line on the command's stderr, saying that netviz
     * dequantizes it ({@link Quantized#warning}).
     */
    public Graph graph() {
        if (graph == null) {
            graph = OnnxLoader.load(path());
            String w = Quantized.warning(graph);
            if (w != null && command != null) {
                command.commandLine().getErr().println("netviz: " + w);
            }
        }
        return graph;
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
