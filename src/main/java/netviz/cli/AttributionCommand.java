package netviz.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import netviz.InputFormatException;
import netviz.NetvizException;
import netviz.Progress;
import netviz.ShapeMismatchException;
import netviz.engine.ModelView;
import netviz.engine.Tensor;
import netviz.figures.AttributionPanels;
import netviz.figures.FigureResult;
import netviz.figures.RawArray;
import netviz.io.Npy;
import netviz.methods.attribution.ScoreTensor;
import netviz.render.Figure;
import netviz.session.Picture;
import netviz.session.Session;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The command-line adapter every attribution command shares: load the model and the input, run the
 * command's recipe ({@code netviz.figures}) chunk by chunk, then write the picture ({@code --out}:
 * one row of panels per image; for a batch, one file per image beside a contact sheet), the raw
 * result ({@code --raw}, without the batch axis for a single image) and a summary (text, or JSON
 * with {@code --json}).
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

    /** The method's name for titles and default file names, e.g. "saliency". */
    abstract String method();

    /** Validates the command's own options before anything is loaded (throw NetvizException). */
    void check() {
    }

    /** Whether the command explains a class score (then the note on which score is explained is printed). */
    boolean explainsClass() {
        return true;
    }

    /** The command's recipe on one chunk of pictures. */
    abstract FigureResult figure(Session s, List<Picture> pictures, Progress progress);

    /**
     * Images computed, drawn and written together: a folder or batch is processed in chunks of this
     * many, so memory does not grow with the number of images; each chunk is one page of the
     * contact sheet.
     */
    static final int CHUNK = AttributionPanels.PAGE;

    @Override
    public void run() {
        Outputs.requirePng(output.out(), "--out");
        Outputs.requireExtension(attribution.raw, "--raw", ".npy", "NumPy .npy arrays");
        check();
        input.require();
        Writer writer = null;
        try (Session s = model.session().preprocessing(input::preprocessing).labels(attribution.labels).build();
             TerminalProgress bar = new TerminalProgress(true)) {
            List<Path> files = input.isImage() ? imageFiles() : null;
            float[] all = null;
            long[] s0 = null;
            if (files == null) {
                try (NDManager whole = s.interpreter().newScope()) {
                    NDArray x = input.array(whole, s.graph());
                    s0 = x.getShape().getShape();
                    if (s0.length != 4) {
                        throw new ShapeMismatchException(method() + " needs images (N, C, H, W); the input has shape "
                                + Arrays.toString(s0));
                    }
                    all = x.toFloatArray();
                }
            }
            int total = files != null ? files.size() : (int) s0[0];
            for (int from = 0; from < total; from += CHUNK) {
                int to = Math.min(total, from + CHUNK);
                List<Picture> chunk = new ArrayList<>();
                for (int i = from; i < to; i++) {
                    if (files != null) {
                        chunk.add(s.picture(files.get(i)));
                    } else {
                        int per = (int) (s0[1] * s0[2] * s0[3]);
                        chunk.add(new Picture("image " + i, Arrays.copyOfRange(all, i * per, (i + 1) * per),
                                new long[] {1, s0[1], s0[2], s0[3]}, null, -1));
                    }
                }
                FigureResult r = figure(s, chunk, bar);
                if (from == 0) {
                    printRules(r);
                }
                if (writer == null) {
                    RawArray raw = r.arrays().values().iterator().next();
                    writer = new Writer(total, files, Arrays.copyOfRange(raw.shape(), 1, raw.shape().length));
                }
                writer.chunk(chunk, files != null, r, from);
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
            ModelOptions.printNotes(spec.commandLine().getErr(), s, explainsClass());
        } finally {
            if (writer != null) {
                writer.close();
            }
        }
    }

    /** A guided backward pass through activations other than ReLU says which rules it used. */
    private void printRules(FigureResult r) {
        if (Boolean.FALSE.equals(r.summary().get("relu_only"))) {
            spec.commandLine().getErr().println("netviz: " + r.summary().get("rules"));
        }
    }

    /** The --image file, or every image of the --image folder (sorted by name). */
    private List<Path> imageFiles() {
        Path p = input.path();
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(p)) {
            try (Stream<Path> list = Files.list(p)) {
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
        final Set<String> used = new HashSet<>();
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

        @SuppressWarnings("unchecked")
        void chunk(List<Picture> chunk, boolean images, FigureResult r, int from) {
            RawArray result = r.arrays().values().iterator().next();
            long[] exampleShape = Arrays.copyOfRange(result.shape(), 1, result.shape().length);
            if (rawShape != null && !Arrays.equals(exampleShape,
                    Arrays.copyOfRange(rawShape, total == 1 ? 0 : 1, rawShape.length))) {
                throw new ShapeMismatchException("image " + ids.size() + " gives a result of shape "
                        + Arrays.toString(exampleShape) + " but the first gave "
                        + Arrays.toString(rawShape) + "; give --crop PX so that every image has the same size");
            }
            List<Map<String, Object>> summary = (List<Map<String, Object>>) r.summary().get("images");
            for (int i = 0; i < chunk.size(); i++) {
                ids.add(chunk.get(i).id());
                details.add(summary.get(i));
            }
            // the recipe puts the contact sheet first when it drew several rows
            List<Figure> rows = r.figures().size() > chunk.size() ? r.figures().subList(1, r.figures().size())
                    : r.figures();
            if (total == 1) {
                png(out, rows.get(0));
            } else {
                for (int i = 0; i < chunk.size(); i++) {
                    String suffix = Integer.toString(from + i);
                    if (images) {
                        String f = Path.of(chunk.get(i).id()).getFileName().toString();
                        suffix = Outputs.fileSafe(f.contains(".") ? f.substring(0, f.lastIndexOf('.')) : f);
                        if (!used.add(suffix)) {
                            suffix = suffix + "-" + (from + i);
                        }
                    }
                    png(out.resolveSibling(stem + "-" + suffix + ".png"), rows.get(i));
                }
                int page = from / CHUNK + 1;
                png(page == 1 ? out : out.resolveSibling(stem + "-page-" + page + ".png"),
                        r.figures().size() > chunk.size() ? r.figures().get(0) : AttributionPanels.sheet(rows));
            }
            if (raw != null) {
                float[] v = result.values();
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
}
