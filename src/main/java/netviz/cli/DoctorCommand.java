package netviz.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import netviz.engine.backend.Backend;
import netviz.engine.backend.BackendReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code netviz doctor}: whether this machine computes netviz's pictures exactly — the PyTorch backend's
 * versions, the CPU and the instruction set in use, threads, every kernel self-check with its error,
 * the routes the probe tried, the safe path in force, the native warnings that were muted
 * (see {@link Backend}), and whether ONNX Runtime's input gradients passed their self-check
 * ({@link netviz.ort.OrtGradient#trust}; when not, gradients run on the interpreter, which the exit
 * code does not count). Exit code 0 when the backend is trusted, 1 when it is not.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Check that this machine computes netviz's pictures exactly: backend versions, CPU and "
                + "instruction set, threads, every kernel self-check with its error, and the safe path in force.",
                "Exit code 0 when every check passes, 1 when netviz cannot trust this machine's kernels."})
public final class DoctorCommand implements java.util.concurrent.Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print the findings as JSON (for scripts).")
    boolean json;

    @Override
    public Integer call() {
        BackendReport r = Backend.report();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("netviz", Main.version());
            doc.put("java", System.getProperty("java.version"));
            doc.put("backend", r.toMap());
            netviz.ort.OrtGradient.Trust t = netviz.ort.OrtGradient.trust();
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("trusted", t.trusted());
            g.put("relError", Double.isFinite(t.relError()) ? t.relError() : null);
            g.put("line", t.line());
            doc.put("ortGradients", g);
            OutputOptions.printJson(out, doc);
        } else {
            out.println("netviz:     " + Main.version() + " on Java " + System.getProperty("java.version"));
            r.lines().forEach(out::println);
            out.println("ORT gradients: " + netviz.ort.OrtGradient.trust().line());
        }
        out.flush();
        return r.trusted() ? 0 : Main.EXIT_INTERNAL_ERROR;
    }
}
