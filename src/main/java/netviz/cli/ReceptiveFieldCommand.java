package netviz.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import netviz.NetvizException;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Node;
import netviz.methods.neurons.ReceptiveField;
import netviz.methods.unit.Unit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code netviz receptive-field}: per layer, the analytic receptive field (size, jump and start
 * offset in input pixels), or why it cannot be computed; with {@code --position} the box of one
 * unit, falling back to the effective receptive field where the analysis is impossible.
 */
@Command(name = "receptive-field", mixinStandardHelpOptions = true,
        description = {"Print each layer's receptive field in input pixels: size (rows x columns), jump (the stride "
                + "between neighbouring units) and start (where unit 0's field begins; negative = in the padding), "
                + "computed analytically through every convolution and pooling.",
                "With --layer L --position y,x: the box of that unit, clipped to the image (the effective receptive "
                        + "field, from the gradient's support, where the analysis is impossible)."})
public final class ReceptiveFieldCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(names = {"-l", "--layer"}, paramLabel = "LAYER", description = "Only this layer (node name, tensor name or index).")
    String layer;

    @Option(names = "--position", paramLabel = "Y,X", description = "A unit's position in --layer: print its box.")
    String position;

    @Option(names = {"-c", "--channel"}, paramLabel = "C", defaultValue = "0",
            description = "The unit's channel (for the effective field; default: ${DEFAULT-VALUE}).")
    int channel;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    /** One row, for --json. */
    public record Row(String layer, String tensor, long[] shape, int[] size, int[] jump, int[] start, boolean wholeImage,
                      String unknown) {
    }

    /** A unit's box, for --json. */
    public record UnitBox(String layer, int channel, int y, int x, int top, int left, int bottom, int right,
                          boolean analytic) {
    }

    @Override
    public void run() {
        Graph graph = model.graph();
        PrintWriter w = spec.commandLine().getOut();
        try (Interpreter ip = model.newInterpreter()) {
            ReceptiveField rf = ReceptiveField.analyze(ip);
            if (position != null) {
                if (layer == null) {
                    throw new NetvizException("--position needs --layer");
                }
                int[] yx = parsePosition(position);
                ReceptiveField.Field f = rf.field(layer);
                if (!f.spatial()) {
                    throw new netviz.OutOfRangeException("layer '" + f.tensor() + "' has no spatial axes (shape "
                            + Arrays.toString(f.shape()) + "); --position needs a (N, C, H, W) layer");
                }
                ReceptiveField.Box b = rf.boxOrEffective(ip, layer, channel, yx[0], yx[1]);
                UnitBox u = new UnitBox(f.tensor(), channel, yx[0], yx[1], b.y0(), b.x0(), b.y1(), b.x1(), b.analytic());
                if (json) {
                    OutputOptions.printJson(w, u);
                } else {
                    w.println(f.tensor() + " unit (" + yx[0] + ", " + yx[1] + "): rows " + b.y0() + ".." + b.y1()
                            + ", columns " + b.x0() + ".." + b.x1() + " (" + b.height() + "x" + b.width() + " of "
                            + rf.imageHeight() + "x" + rf.imageWidth() + ")"
                            + (b.analytic() ? "" : "  [effective receptive field: " + f.unknown() + "]"));
                }
                w.flush();
                return;
            }
            List<ReceptiveField.Field> fields = layer != null ? List.of(rf.field(layer)) : rf.fields();
            List<Row> rows = new ArrayList<>();
            for (ReceptiveField.Field f : fields) {
                Node n = graph.producer(f.tensor());
                rows.add(new Row(n == null ? f.tensor() : n.name(), f.tensor(), f.shape(), f.size(), f.jump(), f.start(),
                        f.whole(), f.unknown()));
            }
            if (json) {
                OutputOptions.printJson(w, rows);
                return;
            }
            w.println(model.displayName() + ": receptive fields on a " + rf.imageHeight() + "x" + rf.imageWidth()
                    + " input");
            List<String[]> t = new ArrayList<>();
            t.add(new String[] {"layer", "tensor", "shape", "size", "jump", "start", ""});
            for (Row r : rows) {
                String shape = Arrays.toString(r.shape()).replace(" ", "");
                if (r.unknown() != null) {
                    t.add(new String[] {r.layer(), r.tensor(), shape, "?", "?", "?", "not analysable: " + r.unknown()});
                } else if (r.wholeImage() || r.shape().length != 4) {
                    t.add(new String[] {r.layer(), r.tensor(), shape, rf.imageHeight() + "x" + rf.imageWidth(), "-", "0,0",
                        "whole image"});
                } else {
                    t.add(new String[] {r.layer(), r.tensor(), shape, r.size()[0] + "x" + r.size()[1],
                        r.jump()[0] + "," + r.jump()[1], r.start()[0] + "," + r.start()[1],
                        r.size()[0] > rf.imageHeight() || r.size()[1] > rf.imageWidth() ? "larger than the image" : ""});
                }
            }
            int[] width = new int[7];
            for (String[] row : t) {
                for (int i = 0; i < row.length; i++) {
                    width[i] = Math.max(width[i], row[i].length());
                }
            }
            for (String[] row : t) {
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < row.length; i++) {
                    b.append(InfoCommand.pad(row[i], width[i])).append(i < row.length - 1 ? "  " : "");
                }
                w.println(b.toString().stripTrailing());
            }
            w.flush();
        }
    }

    /** "y,x" → {y, x}; one clear error naming --position otherwise. */
    static int[] parsePosition(String s) {
        return Unit.parsePosition(s, "--position");
    }
}
