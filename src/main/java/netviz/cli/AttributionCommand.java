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

    /**
     * Images computed, drawn and written together: a folder or batch is processed in chunks of this
     * many, so memory does not grow with the number of images; each chunk is one page of the
     * contact sheet.
     */
    static final int CHUNK = 25;

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
        List<Path> files = input.isImage() ? imageFiles() : null;
        netviz.image.Preprocessing pre = files != null ? input.preprocessing(graph) : null;
        Writer writer = null;
        try (Interpreter it = model.newInterpreter(); NDManager whole = it.newScope()) {
            NDArray all = files == null ? input.array(whole, graph) : null;
            long[] s0 = all == null ? null : all.getShape().getShape();
            if (s0 != null && s0.length != 4) {
                throw new netviz.ShapeMismatchException(method() + " needs images (N, C, H, W); the input has shape "
                        + Arrays.toString(s0));
            }
            int total = files != null ? files.size() : (int) s0[0];
            Target target = null;
            for (int from = 0; from < total; from += CHUNK) {
                int to = Math.min(total, from + CHUNK);
                try (NDManager scope = it.newScope()) {
                    List<ImageInput> images = null;
                    NDArray x;
                    if (files != null) {
                        images = new ArrayList<>();
                        for (Path f : files.subList(from, to)) {
                            images.add(ImageInput.load(f, pre));
                        }
                        x = stack(scope, images);
                    } else {
                        x = total <= CHUNK ? all : all.get(from + ":" + to);
                    }
                    long[] s = x.getShape().getShape();
                    if (target == null) {
                        if (named != null) {
                            String score = ScoreTensor.find(graph);
                            named.checkSize((int) it.tensors(scope, Map.of(it.inputName(), x.get("0:1")),
                                    List.of(score)).get(score).getShape().size());
                        }
                        target = own != null ? own : attribution.target == null ? Target.predicted()
                                : Target.parseClass(attribution.target, labels);
                    }
                    Context ctx = new Context(it, graph, x, x.toFloatArray(), (int) s[0], (int) s[1], (int) s[2],
                            (int) s[3], labels, target, images);
                    Outcome outcome = compute(ctx);
                    if (writer == null) {
                        writer = new Writer(total, files, outcome.raw().exampleShape());
                    }
                    writer.chunk(ctx, outcome, from);
                    if (x != all) {
                        x.close();
                    }
                }
                if (to < total) {
                    // The chunk's garbage is dead now; without a collection here the JVM's heap sizing
                    // lets the heap (and the process) grow with the number of chunks.
                    System.gc();
                }
            }
            if (writer == null) { // an empty batch (N = 0); the finite/empty checks may catch it earlier
                throw new InputFormatException("the input holds no images (a batch of 0); give at least one");
            }
            writer.finish();
        } finally {
            if (writer != null) {
                writer.close();
            }
        }
        model.printNotes(spec.commandLine().getErr(), own == null);
    }

    /** The --image file, or every image of the --image folder (sorted by name). */
    private List<Path> imageFiles() {
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
        return files;
    }

    private static NDArray stack(NDManager scope, List<ImageInput> images) {
        long[] one = images.get(0).shape();
        int per = (int) (one[1] * one[2] * one[3]);
        float[] all = new float[images.size() * per];
        for (int i = 0; i < images.size(); i++) {
            long[] si = images.get(i).shape();
            if (si[1] != one[1] || si[2] != one[2] || si[3] != one[3]) {
                throw new netviz.ShapeMismatchException("image '" + images.get(i).id() + "' preprocesses to "
                        + Arrays.toString(si) + " but '" + images.get(0).id() + "' to " + Arrays.toString(one)
                        + "; give --crop PX so that every image has the same size");
            }
            System.arraycopy(images.get(i).data(), 0, all, i * per, per);
        }
        return scope.create(all, new ai.djl.ndarray.types.Shape(images.size(), one[1], one[2], one[3]));
    }

    /**
     * Writes the results chunk by chunk: one PNG per image and one contact-sheet page per chunk as
     * they come, the raw array streamed into a pending .npy, the summary lines at the end.
     * One image: {@code --out} is its picture. Several: {@code STEM-<name>.png} each, and the contact
     * sheet at {@code --out}; with more than {@link #CHUNK} images the sheet is paged: {@code --out}
     * holds the first {@value #CHUNK}, {@code STEM-page-2.png}, … the rest.
     */
    private final class Writer implements AutoCloseable {
        final int total;
        final boolean fromImages;
        final Path out;
        final String stem;
        final java.util.Set<String> used = new java.util.HashSet<>();
        final List<Path> written = new ArrayList<>();
        final List<Map<String, Object>> details = new ArrayList<>();
        final List<String> ids = new ArrayList<>();
        final long[] rawShape;
        Outputs.Pending raw;

        Writer(int total, List<Path> files, long[] exampleShape) {
            this.total = total;
            this.fromImages = files != null;
            this.out = output.outOr(Path.of(method().replace(' ', '-') + ".png"));
            String name = out.getFileName().toString();
            this.stem = name.toLowerCase(Locale.ROOT).endsWith(".png") ? name.substring(0, name.length() - 4) : name;
            int pages = (total + CHUNK - 1) / CHUNK;
            for (int p = 2; p <= pages; p++) {
                used.add("page-" + p);
            }
            if (attribution.raw != null) {
                rawShape = total == 1 ? exampleShape : concat(total, exampleShape);
                raw = Outputs.pending(attribution.raw);
                raw.write(o -> Npy.writeHeader(o, Tensor.ElementType.FLOAT, rawShape));
            } else {
                rawShape = null;
            }
        }

        void chunk(Context ctx, Outcome o, int from) {
            if (rawShape != null && !Arrays.equals(o.raw().exampleShape(),
                    Arrays.copyOfRange(rawShape, total == 1 ? 0 : 1, rawShape.length))) {
                throw new netviz.ShapeMismatchException("image " + ids.size() + " gives a result of shape "
                        + Arrays.toString(o.raw().exampleShape()) + " but the first gave "
                        + Arrays.toString(rawShape) + "; give --crop PX so that every image has the same size");
            }
            for (int i = 0; i < ctx.n(); i++) {
                ids.add(ctx.images() != null ? ctx.images().get(i).id() : "image " + (from + i));
                details.add(o.details().get(i));
            }
            if (total == 1) {
                png(out, o.figures().get(0));
            } else {
                for (int i = 0; i < ctx.n(); i++) {
                    String suffix = Integer.toString(from + i);
                    if (ctx.images() != null) {
                        String f = Path.of(ctx.images().get(i).id()).getFileName().toString();
                        suffix = Outputs.fileSafe(f.contains(".") ? f.substring(0, f.lastIndexOf('.')) : f);
                        if (!used.add(suffix)) {
                            suffix = suffix + "-" + (from + i);
                        }
                    }
                    png(out.resolveSibling(stem + "-" + suffix + ".png"), o.figures().get(i));
                }
                int page = from / CHUNK + 1;
                png(page == 1 ? out : out.resolveSibling(stem + "-page-" + page + ".png"),
                        Layout.column(o.figures(), Layout.GAP, Layout.Align.START));
            }
            if (raw != null) {
                float[] v = o.raw().values();
                raw.write(s -> Npy.writeFloats(s, v));
            }
        }

        private void png(Path p, Figure f) {
            Outputs.write(p, s -> {
                if (!ImageIO.write(f.image(), "png", s)) {
                    throw new IOException("no PNG encoder");
                }
            });
            written.add(p);
        }

        void finish() {
            if (raw != null) {
                raw.commit();
                raw = null;
            }
            PrintWriter pw = spec.commandLine().getOut();
            if (output.json()) {
                Map<String, Object> j = new LinkedHashMap<>();
                j.put("method", method());
                j.put("model", model.path().toString());
                j.put("images", details);
                j.put("out", new ArrayList<>(written.stream().map(Path::toString).toList()));
                if (rawShape != null) {
                    j.put("raw", attribution.raw.toString());
                    j.put("raw_shape", rawShape);
                }
                OutputOptions.printJson(pw, j);
                return;
            }
            for (int i = 0; i < details.size(); i++) {
                StringBuilder b = new StringBuilder();
                if (total > 1 || fromImages) {
                    b.append(ids.get(i)).append(": ");
                }
                Map<String, Object> d = details.get(i);
                b.append(method()).append(" of ").append(d.get("target"));
                d.forEach((k, v) -> {
                    if (!k.equals("target") && !k.equals("index")) {
                        b.append(", ").append(k.replace('_', ' ')).append(' ').append(format(v));
                    }
                });
                pw.println(b);
            }
            written.forEach(p -> pw.println("wrote " + p));
            if (rawShape != null) {
                pw.println("wrote " + attribution.raw + " " + Arrays.toString(rawShape));
            }
            pw.flush();
        }

        @Override
        public void close() {
            if (raw != null) {
                raw.close();
            }
        }
    }

    private static long[] concat(long n, long[] shape) {
        long[] r = new long[shape.length + 1];
        r[0] = n;
        System.arraycopy(shape, 0, r, 1, shape.length);
        return r;
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
