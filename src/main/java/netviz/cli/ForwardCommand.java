package netviz.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Node;
import netviz.engine.Tensor;
import netviz.engine.ValueInfo;
import netviz.engine.Values;
import netviz.io.Npy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code netviz forward}: runs the model once and writes every graph output and every tapped
 * tensor as {@code DIR/<tensor>.npy}, so any activation can be pulled into NumPy.
 */
@Command(name = "forward", mixinStandardHelpOptions = true,
        description = {"Run the model on an input and write every output and every tapped tensor as "
                + "OUT-DIR/<tensor>.npy (names made file-safe; the mapping is printed).",
                "A tap is a tensor name, a node name (its first output) or a node index (see 'netviz info')."})
public final class ForwardCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Mixin
    InputOptions input;

    @Option(names = {"-t", "--tap"}, split = ",", paramLabel = "NAME",
            description = "Also write this intermediate tensor (repeatable, or comma-separated).")
    List<String> taps = new ArrayList<>();

    @Option(names = "--all", description = "Write every node output.")
    boolean all;

    @Option(names = {"-d", "--out-dir"}, required = true, paramLabel = "DIR", description = "Folder for the .npy files.")
    Path outDir;

    @Option(names = "--json", description = "Print the mapping name → file as JSON.")
    boolean json;

    /** One written tensor. */
    /**
     * One tensor written: its name, file, shape, element type, and how many of its values are NaN
     * or infinite (0 for integer tensors), so that a model that goes non-finite shows where.
     */
    public record Written(String name, String tensor, String file, long[] shape, String type, long nonFinite) {
    }

    @Override
    public void run() {
        Graph graph = model.graph();
        Map<String, String> asked = new LinkedHashMap<>();   // tensor → the name the user used
        for (ValueInfo o : graph.outputs()) {
            asked.put(o.name(), o.name());
        }
        List<String> wanted = new ArrayList<>(taps);
        if (all) {
            for (Node n : graph.nodes()) {
                n.outputs().stream().filter(o -> !o.isEmpty()).forEach(wanted::add);
            }
        }
        for (String t : wanted) {
            asked.putIfAbsent(graph.resolveTensor(t), t);
        }
        input.require();

        Map<String, Tensor> results = new LinkedHashMap<>();
        try (Interpreter ip = model.newInterpreter(); NDManager scope = ip.newScope()) {
            NDArray x = input.array(scope, graph);
            Values v = ip.forward(scope, Map.of(ip.inputName(), x), new ArrayList<>(asked.keySet()));
            for (String tensor : asked.keySet()) {
                results.put(tensor, Tensor.of(v.get(tensor)));
            }
        }

        Set<String> used = new HashSet<>();
        Map<String, Outputs.Body> files = new LinkedHashMap<>();
        List<Written> written = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : results.entrySet()) {
            String base = Outputs.fileSafe(e.getKey());
            String file = base + ".npy";
            for (int k = 2; !used.add(file.toLowerCase(java.util.Locale.ROOT)); k++) {
                file = base + "_" + k + ".npy";
            }
            Tensor t = e.getValue();
            files.put(file, out -> Npy.write(out, t));
            written.add(new Written(asked.get(e.getKey()), e.getKey(), outDir.resolve(file).toString(), t.shape(),
                    t.type().name(), nonFinite(t)));
        }
        Outputs.writeAll(outDir, files);

        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            OutputOptions.printJson(out, written);
            return;
        }
        int w = written.stream().mapToInt(r -> label(r).length()).max().orElse(0);
        for (Written r : written) {
            out.println(InfoCommand.pad(label(r), w) + "  →  " + r.file() + "  " + Arrays.toString(r.shape())
                    + (r.nonFinite() > 0 ? "  (" + r.nonFinite() + " values not finite)" : ""));
        }
        out.flush();
    }

    /** The number of NaN and infinite values of a floating-point tensor (0 for other types). */
    static long nonFinite(Tensor t) {
        if (!t.type().isFloatingPoint()) {
            return 0;
        }
        long bad = 0;
        for (double d : t.toDoubleArray()) {
            bad += Double.isFinite(d) ? 0 : 1;
        }
        return bad;
    }

    private static String label(Written r) {
        return r.name().equals(r.tensor()) ? r.tensor() : r.name() + " (" + r.tensor() + ")";
    }

}
