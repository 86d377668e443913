package netviz.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import netviz.InputFormatException;
import netviz.NetvizException;
import netviz.data.Batch;
import netviz.data.Dataset;
import netviz.data.Datasets;
import netviz.engine.Graph;
import netviz.image.ImageInput;
import netviz.image.ModelConfig;
import netviz.image.Preprocessing;
import netviz.onnx.OnnxLoader;
import netviz.render.Png;

/**
 * The static HTML report: a folder with {@code index.html}, {@code style.css}, the figures as PNG
 * and the example images, that opens from disk with no server and no network. Each section of
 * {@link Sections#all()} adds its part; every figure is written by the {@code netviz} command its
 * caption names, run in this process on the report's example images.
 *
 * <p>The report is written into a hidden temporary folder beside {@code --out} and moved into
 * place only when complete: a failure leaves nothing behind, and a previous report in the same
 * folder stays until the new one is ready.
 */
public final class Report {
    /** Marker in index.html that tells a netviz report (which may be replaced) from other folders. */
    static final String GENERATOR = "netviz report";

    /**
     * What to report on.
     *
     * @param model the model file (resolved)
     * @param modelShown the model as the user named it, for captions; null for the bundled model
     * @param data the dataset, or null for the bundled Fashion-MNIST test split
     * @param dataShown the dataset as the user named it, for captions
     * @param images the user's extra images (added to the examples)
     * @param out the report folder
     * @param limit at most the first N dataset images for every dataset-wide section (0: evaluation
     *     on all, dead filters on the first {@link #DEFAULT_SCAN}, neighbours and maps on the first
     *     1,000)
     * @param examples how many example images to pick from the dataset (one per class)
     * @param runtime what runs forward-only work: {@code ort} (ONNX Runtime; null: this default) or {@code torch}
     * @param scan a finished dataset scan of the model the dataset-wide sections take their numbers
     *     from (accuracy, dead filters, top images, features), or null to pass over the dataset
     */
    public record Options(Path model, String modelShown, Path data, String dataShown, List<Path> images, Path out,
                          int limit, int examples, String runtime, Path scan) {
        public Options {
            images = List.copyOf(images);
            runtime = netviz.session.Session.parseRuntime(runtime);
            if (limit < 0) {
                throw new NetvizException("--limit must be 0 (all) or positive, not " + limit);
            }
            if (examples < 0 || examples > 20) {
                throw new NetvizException("--examples must be between 0 and 20, not " + examples);
            }
        }

        /** The same on the default runtime (ONNX Runtime for forward-only work), without a scan. */
        public Options(Path model, String modelShown, Path data, String dataShown, List<Path> images, Path out,
                       int limit, int examples) {
            this(model, modelShown, data, dataShown, images, out, limit, examples, null, null);
        }
    }

    /** Images the dead-filter scan uses when no --limit is given (a subsample, said in the caption). */
    public static final int DEFAULT_SCAN = 2_000;

    /** How long a section took. */
    public record Timing(String id, String title, double seconds) {
    }

    /** A section that could not be computed, and why (one line). */
    public record Failure(String id, String title, String message) {
    }

    /** What was written; {@code failed} lists the sections that show a note instead of their figures. */
    public record Result(Path index, int figures, double seconds, List<Timing> sections, List<Failure> failed) {
    }

    /** The one-line reason of a section's failure: a netviz message as it is, anything else with its type. */
    static String failure(RuntimeException e) {
        if (e instanceof NetvizException) {
            return e.getMessage();
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage().strip()
                .replaceAll("\\s*\\R\\s*", " "));
    }

    /** The visible note that replaces a failed section's figures. */
    static String failureNote(String why) {
        return "<div class=\"failed\" role=\"alert\">\n<p><strong>This section could not be computed.</strong> "
                + Html.escape(why) + "</p>\n<p>The other sections are complete.</p>\n</div>\n";
    }

    private Report() {
    }

    /**
     * Writes the report; {@code log} gets one line per section as it starts. Bad input (a missing
     * model, an unreadable image, an output path that is a file) raises a {@link NetvizException}
     * before anything is written. A section that fails (a {@link RuntimeException}: a result that is
     * not finite, a step that fails) gets a note in its place, a line in {@code log} and an entry
     * in {@link Result#failed()}; an {@link Error} aborts and leaves a previous report as it was.
     */
    public static Result generate(Options o, PrintWriter log) {
        return generate(o, log, Sections.all());
    }

    /** {@link #generate(Options, PrintWriter)} with the given sections (tests). */
    static Result generate(Options o, PrintWriter log, List<ReportSection> sections) {
        long start = System.nanoTime();
        Path out = o.out().toAbsolutePath().normalize();
        checkOut(o.out(), out);
        if (!Files.isRegularFile(o.model())) {
            throw new InputFormatException("model file '" + o.model() + "' does not exist"
                    + (Files.isDirectory(o.model()) ? " (it is a folder)" : ""));
        }
        try (netviz.session.Session session = netviz.session.Session.builder(o.model()).data(o.data()).scan(o.scan())
                .alignDataset(false).runtime(o.runtime()).warnings(w -> {
                    if (log != null) {
                        log.println("netviz: " + w);
                    }
                }).build()) {
            return generate(o, log, sections, session, out, start);
        }
    }

    private static Result generate(Options o, PrintWriter log, List<ReportSection> sections,
                                   netviz.session.Session session, Path out, long start) {
        Graph graph = session.graph();
        ModelConfig config = session.config();
        Preprocessing pre = session.preprocessing();
        List<ImageInput> user = new ArrayList<>();
        for (Path p : o.images()) {
            user.add(ImageInput.load(p, pre));
        }
        session.scan();   // a folder that is not a scan of this model: one line, before anything is written
        Dataset dataset = session.dataset();
        if (dataset.size() == 0) {
            throw new NetvizException("the dataset " + dataset.description() + " has no images");
        }
        List<String> labels = config.labels().orElse(dataset.labeled() && !dataset.classNames().isEmpty()
                ? dataset.classNames() : null);

        Path parent = out.getParent();
        netviz.io.OutputFiles.createDirectories(parent);
        Path tmp;
        try {
            removeStale(parent, out.getFileName().toString());
            tmp = netviz.io.TempFiles.createDirectory(parent, "." + out.getFileName() + ".tmp-"
                    + ProcessHandle.current().pid() + "-");
        } catch (IOException e) {
            throw new NetvizException("cannot create a folder beside '" + o.out() + "': " + e.getMessage());
        }
        try {
            Files.createDirectories(tmp.resolve(ReportContext.FIGURES));
            Files.createDirectories(tmp.resolve(ReportContext.EXAMPLES));
            List<ReportContext.Example> examples = writeExamples(tmp.resolve(ReportContext.EXAMPLES), dataset, labels,
                    o.examples(), o.images(), user);
            ReportContext ctx = new ReportContext(o, session, labels, tmp, examples);
            List<Timing> timings = new ArrayList<>();
            List<Failure> failures = new ArrayList<>();
            StringBuilder body = new StringBuilder();
            int i = 0;
            for (ReportSection s : sections) {
                i++;
                log.printf(Locale.ROOT, "netviz report [%2d/%d] %s%n", i, sections.size(), s.title());
                log.flush();
                long t0 = System.nanoTime();
                int figuresBefore = ctx.figureCount();
                String html;
                try {
                    s.render(ctx);
                    html = ctx.takeHtml();
                } catch (RuntimeException e) {
                    // one section's failure (a result that is not finite, a bug) is said in that section;
                    // the others are still written. Errors (out of memory) abort the report.
                    ctx.discardSection(figuresBefore);
                    String why = failure(e);
                    failures.add(new Failure(s.id(), s.title(), why));
                    log.printf(Locale.ROOT, "netviz report: section '%s' failed: %s%n", s.title(), why);
                    log.flush();
                    html = failureNote(why);
                }
                double sec = (System.nanoTime() - t0) / 1e9;
                timings.add(new Timing(s.id(), s.title(), sec));
                body.append("<section id=\"").append(Html.escape(s.id())).append("\">\n<h2>")
                        .append(Html.escape(s.title())).append("</h2>\n").append(html).append("</section>\n");
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            String page = page(o, graph, dataset, session.scan().orElse(null), sections, failures, body.toString(), examples, seconds, timings);
            removeUnreferenced(tmp.resolve(ReportContext.FIGURES), page);
            Files.writeString(tmp.resolve("index.html"), page, StandardCharsets.UTF_8);
            Files.write(tmp.resolve("style.css"), stylesheet());
            makeReadable(tmp);
            moveIntoPlace(tmp, out, o.out());
            tmp = null;
            return new Result(out.resolve("index.html"), ctx.figureCount(), seconds, timings, failures);
        } catch (IOException e) {
            throw new NetvizException("cannot write the report into '" + o.out() + "': " + e.getMessage());
        } finally {
            if (tmp != null) {
                deleteTree(tmp);
            }
        }
    }

    /**
     * Deletes the hidden working folders ({@code .NAME.tmp-PID-…}, {@code .NAME.old-PID-…}) that a
     * report killed before it finished left beside {@code NAME}: those whose process is gone (older
     * names without a process id: when untouched for an hour).
     */
    static void removeStale(Path parent, String name) {
        List<Path> stale = new ArrayList<>();
        try (Stream<Path> s = Files.list(parent)) {
            s.forEach(p -> {
                String f = p.getFileName().toString();
                for (String kind : new String[] {".tmp-", ".old-"}) {
                    String prefix = "." + name + kind;
                    if (f.startsWith(prefix) && Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                            && isAbandoned(p, f.substring(prefix.length()))) {
                        stale.add(p);
                    }
                }
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            return; // nothing to clean that we can see
        }
        stale.forEach(Report::deleteTree);
    }

    private static boolean isAbandoned(Path dir, String rest) {
        int dash = rest.indexOf('-');
        if (dash > 0) {
            try {
                long pid = Long.parseLong(rest.substring(0, dash));
                return pid != ProcessHandle.current().pid()
                        && !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            } catch (NumberFormatException e) {
                // an older name: fall through to the age test
            }
        }
        try {
            return Files.getLastModifiedTime(dir).toMillis() < System.currentTimeMillis() - 3_600_000L;
        } catch (IOException e) {
            return false;
        }
    }

    /** --out must be a folder we may fill: new, empty, or a previous netviz report. */
    private static void checkOut(Path given, Path out) {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new NetvizException("cannot write the report to '" + given + "': it is a file; give a folder "
                    + "(--out DIR) that is new, empty or holds a previous report");
        }
        if (Files.isDirectory(out) && !isEmpty(out) && !isReport(out)) {
            throw new NetvizException("cannot write the report to '" + given + "': the folder holds other files; give "
                    + "a new or empty folder, or one holding a previous netviz report (it is replaced)");
        }
        if (out.getParent() == null) {
            throw new NetvizException("cannot write the report to '" + given + "': give a folder below the root");
        }
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            throw new NetvizException("cannot read folder '" + dir + "': " + e.getMessage());
        }
    }

    static boolean isReport(Path dir) {
        Path index = dir.resolve("index.html");
        try {
            return Files.isRegularFile(index)
                    && Files.readString(index, StandardCharsets.UTF_8).contains("content=\"" + GENERATOR);
        } catch (IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }

    /** Renames the finished folder to {@code out}; an older report there is moved aside first and then deleted. */
    private static void moveIntoPlace(Path tmp, Path out, Path given) throws IOException {
        Path old = null;
        if (Files.exists(out)) {
            old = out.resolveSibling("." + out.getFileName() + ".old-" + ProcessHandle.current().pid() + "-"
                    + System.nanoTime());
            move(out, old);
        }
        try {
            move(tmp, out);
        } catch (IOException e) {
            if (old != null) {
                move(old, out);
            }
            throw e;
        }
        if (old != null) {
            deleteTree(old);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // best effort: a hidden temporary folder may remain
        }
    }

    /**
     * The example images: the first image of each of the first {@code count} classes of the
     * dataset (the first {@code count} images when it has no labels), as the model sees them
     * (PNG, un-normalised), then the user's images as they are. Names sort in that order.
     */
    private static List<ReportContext.Example> writeExamples(Path dir, Dataset data, List<String> labels, int count,
                                                             List<Path> userFiles, List<ImageInput> user)
            throws IOException {
        List<Integer> picks = new ArrayList<>();
        List<Integer> pickedLabels = new ArrayList<>();
        if (count > 0) {
            int scan = Math.min(data.size(), 5000);
            int step = 500;
            for (int from = 0; from < scan && picks.size() < count; from += step) {
                int to = Math.min(scan, from + step);
                int[] idx = new int[to - from];
                for (int k = 0; k < idx.length; k++) {
                    idx[k] = from + k;
                }
                Batch b = data.get(idx);
                for (int k = 0; k < b.size() && picks.size() < count; k++) {
                    int label = b.hasLabels() ? b.label(k) : -1;
                    if (label < 0 || !pickedLabels.contains(label)) {
                        picks.add(b.index(k));
                        pickedLabels.add(label);
                    }
                }
            }
        }
        List<ReportContext.Example> out = new ArrayList<>();
        if (!picks.isEmpty()) {
            int[] idx = picks.stream().mapToInt(Integer::intValue).toArray();
            Batch b = data.get(idx);
            for (int k = 0; k < b.size(); k++) {
                int label = b.hasLabels() ? b.label(k) : -1;
                String name = label < 0 ? "" : labels != null && label < labels.size() ? labels.get(label) : "class " + label;
                String file = String.format(Locale.ROOT, "%02d-%s%05d.png", k,
                        name.isEmpty() ? "" : slug(name) + "-", b.index(k));
                Png.write(data.preprocessing().toImage(b.image(k)), dir.resolve(file));
                out.add(new ReportContext.Example(file, "test image #" + b.index(k) + " (" + b.id(k) + ")",
                        name.isEmpty() ? null : name, b.index(k)));
            }
        }
        for (int k = 0; k < userFiles.size(); k++) {
            Path p = userFiles.get(k);
            String f = p.getFileName().toString();
            String file = String.format(Locale.ROOT, "user-%02d-%s", k, netviz.io.OutputFiles.fileSafe(f));
            Files.copy(p, dir.resolve(file));
            out.add(new ReportContext.Example(file, "your image " + p, null, -1));
        }
        out.sort(Comparator.comparing(ReportContext.Example::file));
        return out;
    }

    /**
     * Deletes figure files the page does not show: the batch commands also write one picture per
     * example beside the contact sheet the page shows (its caption's command writes them again).
     */
    private static void removeUnreferenced(Path figures, String page) throws IOException {
        try (Stream<Path> s = Files.list(figures)) {
            for (Path p : s.toList()) {
                String rel = ReportContext.FIGURES + "/" + p.getFileName();
                if (!page.contains("\"" + Html.escape(rel) + "\"")) {
                    Files.delete(p);
                }
            }
        }
    }

    /** Folders rwxr-xr-x, files rw-r--r-- (temporary files start private), where the file system has POSIX permissions. */
    private static void makeReadable(Path root) throws IOException {
        if (!root.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString(
                        Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }

    static String slug(String s) {
        String t = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        return t.isEmpty() ? "x" : t;
    }

    private static String page(Options o, Graph graph, Dataset dataset, netviz.session.DatasetScan scan,
                               List<ReportSection> sections,
                               List<Failure> failures, String body,
                               List<ReportContext.Example> examples, double seconds, List<Timing> timings) {
        String model = o.modelShown() != null ? o.modelShown() : o.model().getFileName().toString() + " (bundled)";
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"generator\" content=\"").append(GENERATOR).append(' ')
                .append(Html.escape(netviz.Version.current())).append("\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>netviz report: ").append(Html.escape(graphName(graph, o))).append("</title>\n")
                .append("<link rel=\"stylesheet\" href=\"style.css\">\n</head>\n<body>\n<header>\n<h1>What ")
                .append(Html.escape(graphName(graph, o))).append(" has learned</h1>\n<p class=\"meta\">Model <code>")
                .append(Html.escape(model)).append("</code> · data ").append(Html.escape(dataset.description()))
                .append(" · made by netviz ").append(Html.escape(netviz.Version.current())).append(" on ")
                .append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")))
                .append(String.format(Locale.ROOT, " in %.0f s", seconds)).append("</p>\n");
        if (scan != null) {
            b.append("<p class=\"scan\">").append(Html.escape(scanNote(scan))).append("</p>\n");
        }
        b.append("<p>Every figure below was written by the <code>netviz</code> command in its caption; run it from the "
                + "folder you ran <code>netviz report</code> in to get the same picture (and <code>--help</code> on any "
                + "command for its options). The per-image figures use the example images in <a href=\"examples/\">"
                + "examples/</a>:</p>\n<ul class=\"examples\">\n");
        for (ReportContext.Example e : examples) {
            b.append("<li><img src=\"examples/").append(Html.escape(e.file())).append("\" alt=\"")
                    .append(Html.escape(e.file())).append("\"> <code>").append(Html.escape(e.file())).append("</code>: ")
                    .append(Html.escape(e.source())).append(e.label() != null ? ", " + Html.escape(e.label()) : "")
                    .append("</li>\n");
        }
        b.append("</ul>\n<nav>\n<ol>\n");
        for (ReportSection s : sections) {
            boolean failed = failures.stream().anyMatch(f -> f.id().equals(s.id()));
            b.append("<li><a href=\"#").append(Html.escape(s.id())).append("\">").append(Html.escape(s.title()))
                    .append("</a>").append(failed ? " <span class=\"failed-mark\">(could not be computed)</span>" : "")
                    .append("</li>\n");
        }
        b.append("</ol>\n</nav>\n</header>\n<main>\n").append(body).append("</main>\n<footer>\n<p>Time per section: ");
        for (int i = 0; i < timings.size(); i++) {
            Timing t = timings.get(i);
            b.append(i == 0 ? "" : ", ").append(Html.escape(t.id())).append(String.format(Locale.ROOT, " %.1f s", t.seconds()));
        }
        b.append(String.format(Locale.ROOT, "; %.1f s in all.</p>\n</footer>\n</body>\n</html>\n", seconds));
        return b.toString();
    }

    /** Where the dataset-wide numbers come from, with the scan's image count and the inputs it could not read. */
    static String scanNote(netviz.session.DatasetScan scan) {
        StringBuilder b = new StringBuilder("The accuracy, dead filters, top images, neighbours and maps come from ")
                .append(scan.description()).append(", made by ").append(scan.manifest().tool()).append(" on ")
                .append(scan.manifest().created()).append("; the dataset was not scanned again for them (the facets still pass over"
                        + " the dataset: they rank images by the unit's value, which a scan does not record).");
        List<netviz.methods.scan.ScanFailure> failed = scan.reader().failures();
        if (!failed.isEmpty()) {
            b.append(" Inputs it could not read: ");
            for (int i = 0; i < Math.min(5, failed.size()); i++) {
                b.append(i == 0 ? "" : "; ").append(failed.get(i).id()).append(" (").append(failed.get(i).reason()).append(')');
            }
            b.append(failed.size() > 5 ? String.format(Locale.ROOT, "; and %,d more.", failed.size() - 5) : ".");
        }
        return b.toString();
    }

    private static String graphName(Graph graph, Options o) {
        String f = o.model().getFileName().toString();
        return f.endsWith(".onnx") ? f.substring(0, f.length() - 5) : f;
    }

    private static byte[] stylesheet() throws IOException {
        try (InputStream in = Report.class.getResourceAsStream("style.css")) {
            if (in == null) {
                throw new IOException("the report stylesheet is missing from netviz's resources");
            }
            return in.readAllBytes();
        }
    }
}
