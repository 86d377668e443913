package netviz.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import netviz.InputFormatException;
import netviz.NetvizException;
import netviz.engine.Graph;
import netviz.image.ImageInput;
import netviz.image.ModelConfig;
import netviz.data.Labels;
import netviz.engine.Interpreter;
import netviz.engine.Tensor;
import netviz.io.Npy;
import netviz.methods.attribution.Attributions;
import netviz.methods.attribution.Progress;
import netviz.methods.attribution.ScoreTensor;
import netviz.methods.attribution.Selection;
import netviz.methods.attribution.Target;
import netviz.render.Figure;
import netviz.render.Layout;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The flow every attribution command shares: load the model and the input, resolve the target,
 * compute (in the subclass), then write the picture ({@code --out}: one row of panels per image;
 * for a batch, one file per image beside a contact sheet), the raw result ({@code --raw}, without
 * the batch axis for a single image) and a summary (text, or JSON with {@code --json}).
 */
abstract class AttributionCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Mixin
    InputOptions input;

    @Mixin
    AttributionOptions attribution;

    @Mixin
    OutputOptions output;

    /** What a subclass computed for the batch. */
    record Outcome(Attributions raw, List<Figure> figures, List<Map<String, Object>> details) {
    }

    /** The model input as the command sees it: values (N, C, H, W) and the class names. */
    record Context(Interpreter interpreter, Graph graph, NDArray inputs, float[] values, int n, int c, int h, int w,
                   List<String> labels, Target target, List<ImageInput> images) {
        float[] image(int i) {
            int per = c * h * w;
            return Arrays.copyOfRange(values, i * per, (i + 1) * per);
        }

        /**
         * Example i as a picture at display size: with {@code --image}, what the model sees
         * un-normalised (true colours); with {@code --input}, the tensor min–max scaled.
         */
        BufferedImage picture(int i) {
            if (images == null) {
                return Panels.input(image(i), c, h, w);
            }
            int[] s = Panels.size(h, w);
            return netviz.render.Images.resize(netviz.render.Images.toRgb(images.get(i).inputImage()), s[1], s[0], false);
        }

        /** "7 Sneaker" or "7". */
        String className(int k) {
            return k + (labels != null && k < labels.size() ? " " + labels.get(k) : "");
        }

        /** What example i was explained for, in words. */
        String describe(Selection s, int i) {
            if (s == null) {
                return "";
            }
            int[] co = s.coords()[i];
            if (s.tensor().equals(ScoreTensor.find(graph))) {
                return "class " + className(co[0]);
            }
            return s.tensor() + " channel " + co[0] + (co.length == 3 ? " at " + co[1] + "," + co[2] : "");
        }
    }

    /** The method's name for titles and default file names, e.g. "saliency". */
    abstract String method();

    /** Validates the command's own options before anything is loaded (throw NetvizException). */
    void check() {
    }

    /** The target when the command does not use --target alone (e.g. a neuron); null = the class target. */
    Target ownTarget(Graph graph) {
        return null;
    }

    abstract Outcome compute(Context ctx);

    @Override
    public void run() {
        Outputs.requirePng(output.out(), "--out");
        Outputs.requireExtension(attribution.raw, "--raw", ".npy", "NumPy .npy arrays");
        check();
        input.require();
        Graph graph = model.graph();
        Labels named = labels(graph);
        List<String> labels = named == null ? null : named.names();
        Target own = ownTarget(graph);
        Outcome outcome;
        Context ctx;
        List<ImageInput> images = input.isImage() ? loadImages(graph) : null;
        try (Interpreter it = model.newInterpreter(); NDManager scope = it.newScope()) {
            NDArray x = images != null ? stack(scope, images) : input.array(scope, graph);
            long[] s = x.getShape().getShape();
            if (s.length != 4) {
                throw new netviz.ShapeMismatchException(method() + " needs images (N, C, H, W); the input has shape "
                        + Arrays.toString(s));
            }
            if (named != null) {
                String score = ScoreTensor.find(graph);
                named.checkSize((int) it.tensors(scope, Map.of(it.inputName(), x.get("0:1")), List.of(score)).get(score)
                        .getShape().size());
            }
            Target target = own != null ? own
                    : attribution.target == null ? Target.predicted() : Target.parseClass(attribution.target, labels);
            ctx = new Context(it, graph, x, x.toFloatArray(), (int) s[0], (int) s[1], (int) s[2], (int) s[3], labels,
                    target, images);
            outcome = compute(ctx);
        }
        write(ctx, outcome);
    }

    /** The --image file, or every image of the --image folder (sorted by name), preprocessed for the model. */
    private List<ImageInput> loadImages(Graph graph) {
        Path p = input.path();
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(p)) {
            try (java.util.stream.Stream<Path> list = Files.list(p)) {
                list.filter(f -> Files.isRegularFile(f)
                        && f.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(png|jpe?g|bmp|gif)"))
                        .sorted().forEach(files::add);
            } catch (IOException e) {
                throw new NetvizException("cannot list folder '" + p + "': " + e.getMessage());
            }
            if (files.isEmpty()) {
                throw new InputFormatException("folder '" + p + "' holds no images (png, jpg, jpeg, bmp, gif)");
            }
        } else {
            files.add(p);
        }
        netviz.image.Preprocessing pre = input.preprocessing(graph);
        List<ImageInput> images = new ArrayList<>();
        for (Path f : files) {
            images.add(ImageInput.load(f, pre));
        }
        return images;
    }

    private static NDArray stack(NDManager scope, List<ImageInput> images) {
        long[] one = images.get(0).shape();
        int per = (int) (one[1] * one[2] * one[3]);
        float[] all = new float[images.size() * per];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(images.get(i).data(), 0, all, i * per, per);
        }
        return scope.create(all, new ai.djl.ndarray.types.Shape(images.size(), one[1], one[2], one[3]));
    }

    private void write(Context ctx, Outcome o) {
        Path out = output.outOr(Path.of(method().replace(' ', '-') + ".png"));
        Map<Path, Figure> pngs = new LinkedHashMap<>();
        if (ctx.n() == 1) {
            pngs.put(out, o.figures().get(0));
        } else {
            String name = out.getFileName().toString();
            String stem = name.toLowerCase(Locale.ROOT).endsWith(".png") ? name.substring(0, name.length() - 4) : name;
            java.util.Set<String> used = new java.util.HashSet<>();
            for (int i = 0; i < ctx.n(); i++) {
                String suffix = Integer.toString(i);
                if (ctx.images() != null) {
                    String f = Path.of(ctx.images().get(i).id()).getFileName().toString();
                    suffix = Outputs.fileSafe(f.contains(".") ? f.substring(0, f.lastIndexOf('.')) : f);
                    if (!used.add(suffix)) {
                        suffix = suffix + "-" + i;
                    }
                }
                pngs.put(out.resolveSibling(stem + "-" + suffix + ".png"), o.figures().get(i));
            }
            pngs.put(out, Layout.column(o.figures(), Layout.GAP, Layout.Align.START));
        }
        for (Map.Entry<Path, Figure> e : pngs.entrySet()) {
            Outputs.write(e.getKey(), s -> {
                if (!ImageIO.write(e.getValue().image(), "png", s)) {
                    throw new IOException("no PNG encoder");
                }
            });
        }
        long[] rawShape = null;
        if (attribution.raw != null) {
            rawShape = ctx.n() == 1 ? o.raw().exampleShape() : o.raw().shape();
            Tensor t = Tensor.ofFloats(rawShape, o.raw().values());
            Outputs.write(attribution.raw, s -> Npy.write(s, t));
        }
        PrintWriter pw = spec.commandLine().getOut();
        if (output.json()) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("method", method());
            j.put("model", model.path().toString());
            j.put("images", o.details());
            j.put("out", new ArrayList<>(pngs.keySet().stream().map(Path::toString).toList()));
            if (rawShape != null) {
                j.put("raw", attribution.raw.toString());
                j.put("raw_shape", rawShape);
            }
            OutputOptions.printJson(pw, j);
            return;
        }
        for (int i = 0; i < ctx.n(); i++) {
            StringBuilder b = new StringBuilder();
            if (ctx.n() > 1 || ctx.images() != null) {
                b.append(ctx.images() != null ? ctx.images().get(i).id() : "image " + i).append(": ");
            }
            Map<String, Object> d = o.details().get(i);
            b.append(method()).append(" of ").append(d.get("target"));
            d.forEach((k, v) -> {
                if (!k.equals("target") && !k.equals("index")) {
                    b.append(", ").append(k.replace('_', ' ')).append(' ').append(format(v));
                }
            });
            pw.println(b);
        }
        pngs.keySet().forEach(p -> pw.println("wrote " + p));
        if (rawShape != null) {
            pw.println("wrote " + attribution.raw + " " + Arrays.toString(rawShape));
        }
        pw.flush();
    }

    private static String format(Object v) {
        if (v instanceof Double d) {
            return String.format(Locale.ROOT, Math.abs(d) >= 1e-3 || d == 0 ? "%.4f" : "%.3e", d);
        }
        if (v instanceof int[] a) {
            return Arrays.toString(a);
        }
        return String.valueOf(v);
    }

    /**
     * Class names: {@code --labels}, else the model's metadata ({@code netviz.labels}), else
     * ImageNet's for a model declaring 1000 outputs, else none (classes are shown by index).
     */
    Labels labels(Graph graph) {
        int outputs = 0;
        if (!graph.outputs().isEmpty() && graph.outputs().get(0).hasShape()) {
            long[] d = graph.outputs().get(0).dims();
            if (d.length == 2 && d[1] > 0) {
                outputs = (int) d[1];
            }
        }
        ModelConfig config = ModelConfig.of(graph);
        if (attribution.labels == null && config.labels().isEmpty() && outputs != 1000) {
            return null;
        }
        return Labels.forModel(attribution.labels, config, outputs);
    }

    /** A progress bar on the terminal (none when output is not a terminal); close it when done. */
    static final class Bar implements Progress, AutoCloseable {
        private final ProgressBar bar;

        Bar(String task) {
            bar = System.console() == null ? null : new ProgressBarBuilder().setTaskName(task)
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200).continuousUpdate().build();
        }

        @Override
        public void update(long done, long total) {
            if (bar != null) {
                bar.maxHint(total);
                bar.stepTo(done);
            }
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
            }
        }
    }

    /** Per-image details: the target in words and its index. */
    static Map<String, Object> detail(Context ctx, Selection s, int i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", ctx.describe(s, i));
        if (s != null) {
            m.put("index", s.coords()[i].length == 1 ? (Object) s.coords()[i][0] : s.coords()[i]);
        }
        return m;
    }
}
