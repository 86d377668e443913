package netviz.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import netviz.NetvizException;
import netviz.data.Dataset;
import netviz.engine.Graph;
import netviz.image.Preprocessing;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;

/**
 * What a {@link ReportSection} works with: the model, the dataset and the example images, the
 * report's temporary folder, a way to run {@code netviz} commands in this process (so that every
 * figure is exactly what its caption's command writes), and the HTML of the section being written.
 */
public final class ReportContext {
    /** Sub-folder of the report holding the figures. */
    public static final String FIGURES = "figures";
    /** Sub-folder of the report holding the example images (inputs of the per-image figures). */
    public static final String EXAMPLES = "examples";

    /**
     * An example image of the report: its file under {@link #EXAMPLES}, where it came from, its
     * true class if known, and its index in the dataset (-1 for the user's images).
     */
    public record Example(String file, String source, String label, int index) {
    }

    private final Report.Options options;
    private final netviz.session.Session session;
    private final Graph graph;
    private final Preprocessing preprocessing;
    private final Dataset dataset;
    private final List<String> labels;
    private final Path dir;
    private final String shownDir;
    private final List<Example> examples;
    private StringBuilder html = new StringBuilder();
    private int figures;

    ReportContext(Report.Options options, netviz.session.Session session, List<String> labels, Path dir,
                  List<Example> examples) {
        this.options = options;
        this.session = session;
        this.graph = session.graph();
        this.preprocessing = session.preprocessing();
        this.dataset = session.dataset();
        this.labels = labels;
        this.dir = dir;
        this.shownDir = shownPath(options.out());
        this.examples = List.copyOf(examples);
    }

    /** The session on the report's model and dataset, shared by every section. */
    public netviz.session.Session session() {
        return session;
    }

    /** The model's graph. */
    public Graph graph() {
        return graph;
    }

    /** The preprocessing that turns images into model inputs. */
    public Preprocessing preprocessing() {
        return preprocessing;
    }

    /** The dataset the report scans (the bundled test split without --data). */
    public Dataset dataset() {
        return dataset;
    }

    /** Class names, or null when neither the model nor the dataset names them. */
    public List<String> labels() {
        return labels;
    }

    /** The report's options. */
    public Report.Options options() {
        return options;
    }

    /** How many dataset images the dataset-wide sections use: all, or the first {@code --limit}. */
    public int datasetImages() {
        return options.limit() > 0 ? Math.min(options.limit(), dataset.size()) : dataset.size();
    }

    /** The example images, in the order of the per-image figures (sorted by file name). */
    public List<Example> examples() {
        return examples;
    }

    /** A file of the report being written (in its temporary folder), e.g. {@code figures/saliency.png}. */
    public Path file(String relative) {
        return dir.resolve(relative);
    }

    /**
     * A new {@code netviz NAME} command with the report's {@code --model} (shown only when the user
     * gave one; the bundled model is the commands' default).
     */
    public NetvizCommand command(String name) {
        NetvizCommand c = new NetvizCommand(name);
        c.arg("--model", options.model().toAbsolutePath().toString(), options.modelShown());
        return c;
    }

    /** Adds the report's {@code --data} to {@code c} (shown only when the user gave one). */
    public NetvizCommand withData(NetvizCommand c) {
        if (options.data() != null) {
            c.arg("--data", options.data().toAbsolutePath().toString(), options.dataShown());
        }
        return c;
    }

    /**
     * Adds the report's {@code --data}, and its {@code --scan} when the dataset-wide numbers come from
     * a scan, to a command that accepts both.
     */
    public NetvizCommand withDataOrScan(NetvizCommand c) {
        withData(c);
        if (options.scan() != null) {
            c.arg("--scan", options.scan().toAbsolutePath().toString(), options.scan().toString());
        }
        return c;
    }

    /** The scan the dataset-wide sections read, if the report was given one. */
    public java.util.Optional<netviz.session.DatasetScan> scan() {
        return session.scan();
    }

    /**
     * The images a dataset-wide section that cannot be cut to a subset (dead filters, top images,
     * accuracy) uses: every image of the scan when there is one, else the first {@code usual}.
     */
    public int wholeOrFirst(int usual) {
        return scan().map(s -> (int) s.images()).orElse(usual);
    }

    /** What the dataset-wide numbers describe: the scan when there is one, else the dataset. */
    public String dataDescription() {
        return scan().map(netviz.session.DatasetScan::description).orElse(dataset.description());
    }

    /** Adds {@code flag <report>/relative}: the temporary file when run, the final report path when shown. */
    public NetvizCommand withReportPath(NetvizCommand c, String flag, String relative) {
        return c.arg(flag, file(relative).toString(), shownDir + "/" + relative);
    }

    /** Adds {@code --out}: the figure in the report when run, {@code shownFile} (in the working folder) when shown. */
    public NetvizCommand withOut(NetvizCommand c, String figure, String shownFile) {
        return c.arg("--out", file(FIGURES + "/" + figure).toString(), shownFile);
    }



    /** Appends a paragraph of plain text (escaped). */
    public void paragraph(String text) {
        html.append("<p>").append(Html.escape(text)).append("</p>\n");
    }

    /** Appends HTML as it is (the caller escapes what it took from outside). */
    public void rawHtml(String fragment) {
        html.append(fragment).append('\n');
    }

    /**
     * Appends a figure: the PNG {@code figures/<name>} (which the command must have written), a
     * caption saying what it shows, and the command that reproduces it.
     */
    public void figure(String name, String caption, NetvizCommand c) {
        String rel = FIGURES + "/" + name;
        if (!Files.isRegularFile(file(rel))) {
            throw new IllegalStateException("'" + c.display() + "' did not write " + rel);
        }
        figures++;
        html.append("<figure>\n<a href=\"").append(Html.escape(rel)).append("\"><img src=\"").append(Html.escape(rel))
                .append("\" alt=\"").append(Html.escape(caption)).append("\"></a>\n");
        html.append(caption(caption, c)).append("</figure>\n");
    }

    /** Appends a table (cells escaped) with a caption and the command that prints the same numbers. */
    public void table(List<String> header, List<List<String>> rows, String caption, NetvizCommand c) {
        StringBuilder b = new StringBuilder("<figure class=\"table\">\n<table>\n<thead><tr>");
        for (String h : header) {
            b.append("<th>").append(Html.escape(h)).append("</th>");
        }
        b.append("</tr></thead>\n<tbody>\n");
        for (List<String> row : rows) {
            b.append("<tr>");
            for (String cell : row) {
                b.append("<td>").append(Html.escape(cell)).append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</tbody>\n</table>\n").append(caption(caption, c)).append("</figure>\n");
        html.append(b);
    }

    private static String caption(String text, NetvizCommand c) {
        return "<figcaption>" + Html.escape(text) + "<br>Reproduce: <code>" + Html.escape(c.display())
                + "</code></figcaption>\n";
    }

    /** Starts a new section's HTML; returns the previous one. */
    String takeHtml() {
        String s = html.toString();
        html = new StringBuilder();
        return s;
    }

    /** Drops the HTML of a section that failed, and the figures it added (so they are not counted). */
    void discardSection(int figuresBefore) {
        html = new StringBuilder();
        figures = figuresBefore;
    }

    /** Figures added so far. */
    int figureCount() {
        return figures;
    }

    /** The report folder as the user named it, for commands shown in captions. */
    static String shownPath(Path out) {
        String s = out.toString();
        return s.isEmpty() ? "." : s.replace('\\', '/').replaceAll("/+$", "");
    }

    /** The examples folder argument. */
    public NetvizCommand withExamples(NetvizCommand c) {
        return withReportPath(c, "--image", EXAMPLES);
    }

    /** Every item of a list, as a new list (helper for sections). */
    static <T> List<T> copy(List<T> l) {
        return new ArrayList<>(l);
    }
}
