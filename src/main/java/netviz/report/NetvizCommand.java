package netviz.report;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A {@code netviz} command line in two forms: the arguments the report runs (files in its
 * temporary folder, quiet machine-readable output) and the command a reader types to reproduce
 * the figure (files under the report folder as the user named it, no internal flags).
 */
public final class NetvizCommand {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:=,@%+-]+");

    private final List<String> run = new ArrayList<>();
    private final List<String> shown = new ArrayList<>();

    NetvizCommand(String name) {
        run.add(name);
        shown.add(name);
    }

    /** Arguments that are the same in both forms. */
    public NetvizCommand arg(String... args) {
        for (String a : args) {
            run.add(a);
            shown.add(a);
        }
        return this;
    }

    /** An argument whose value differs: {@code runValue} when the report runs it, {@code shownValue} in the caption. */
    public NetvizCommand arg(String flag, String runValue, String shownValue) {
        if (flag != null) {
            run.add(flag);
        }
        run.add(runValue);
        if (shownValue != null) {
            if (flag != null) {
                shown.add(flag);
            }
            shown.add(shownValue);
        }
        return this;
    }

    /** Arguments the report passes but a reader needs not (--json, --no-progress). */
    public NetvizCommand hidden(String... args) {
        run.addAll(List.of(args));
        return this;
    }

    /** The arguments to run (without the leading "netviz"). */
    public String[] runArgs() {
        return run.toArray(String[]::new);
    }

    /** The command as a reader types it: {@code netviz saliency --image netviz-report/examples ...}. */
    public String display() {
        StringBuilder b = new StringBuilder("netviz");
        for (String a : shown) {
            b.append(' ').append(quote(a));
        }
        return b.toString();
    }

    static String quote(String a) {
        if (PLAIN.matcher(a).matches()) {
            return a;
        }
        return "'" + a.replace("'", "'\\''") + "'";
    }

    @Override
    public String toString() {
        return display();
    }
}
