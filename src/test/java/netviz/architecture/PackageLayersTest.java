package netviz.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layers of docs/architecture.md hold in the source: no package cycle between netviz's top-level
 * packages, and no layer reaches up (the surfaces are thin adapters over the figure recipes; the
 * report and the web app never use the command line; methods never draw; drawing knows no surface).
 * References are read from the code with comments and string literals removed.
 */
class PackageLayersTest {
    static final Path SOURCES = Path.of("src/main/java");
    static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
    static final Pattern REFERENCE = Pattern.compile("\\bnetviz\\.([a-z]\\w*(?:\\.[a-z]\\w*)*)\\.[A-Z]");

    /** Top-level package → the top-level packages its code refers to, with one file as evidence each. */
    static final Map<String, Map<String, String>> USES = new TreeMap<>();

    @BeforeAll
    static void read() throws IOException {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String code = strip(Files.readString(p));
                Matcher pm = PACKAGE.matcher(code);
                if (!pm.find()) {
                    continue;
                }
                String from = top(pm.group(1));
                Matcher m = REFERENCE.matcher(code);
                while (m.find()) {
                    String to = top("netviz." + m.group(1));
                    if (!to.equals(from)) {
                        USES.computeIfAbsent(from, k -> new TreeMap<>()).putIfAbsent(to, p.getFileName().toString());
                    }
                }
            }
        }
        assertTrue(USES.size() > 8, "read the sources from " + SOURCES.toAbsolutePath() + ": " + USES.keySet());
    }

    static String strip(String s) {
        s = s.replaceAll("(?s)/\\*.*?\\*/", "");
        s = s.replaceAll("//[^\\n]*", "");
        return s.replaceAll("\"(?:\\\\.|[^\"\\\\])*\"", "\"\"");
    }

    /** "netviz.methods.features" → "methods"; "netviz" → "netviz". */
    static String top(String pkg) {
        String[] parts = pkg.split("\\.");
        return parts.length > 1 ? parts[1] : parts[0];
    }

    @Test
    void noCycleBetweenTopLevelPackages() {
        List<String> cycles = new ArrayList<>();
        for (String a : USES.keySet()) {
            for (String b : USES.get(a).keySet()) {
                Set<String> seen = new TreeSet<>();
                if (reaches(b, a, seen)) {
                    cycles.add(a + " -> " + b + " (" + USES.get(a).get(b) + ") -> ... -> " + a);
                }
            }
        }
        assertEquals(List.of(), cycles);
    }

    private static boolean reaches(String from, String to, Set<String> seen) {
        if (from.equals(to)) {
            return true;
        }
        if (!seen.add(from)) {
            return false;
        }
        for (String next : USES.getOrDefault(from, Map.of()).keySet()) {
            if (reaches(next, to, seen)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void noLayerReachesUp() {
        Map<String, Set<String>> forbidden = Map.of(
                "report", Set.of("cli", "server"),
                "server", Set.of("cli", "report"),
                "figures", Set.of("cli", "server", "report"),
                "session", Set.of("figures", "render", "cli", "server", "report"),
                "methods", Set.of("render", "figures", "session", "cli", "server", "report"),
                "render", Set.of("figures", "session", "engine", "cli", "server", "report"),
                "engine", Set.of("methods", "render", "figures", "session", "cli", "server", "report"));
        List<String> violations = new ArrayList<>();
        forbidden.forEach((from, not) -> USES.getOrDefault(from, Map.of()).forEach((to, file) -> {
            if (not.contains(to)) {
                violations.add(from + " uses " + to + " (" + file + ")");
            }
        }));
        assertEquals(List.of(), violations);
    }

    /**
     * Spark is a provided dependency (a cluster brings it; the launcher's class path has none), so
     * only the Spark job's package may use it, and nothing uses that package.
     */
    @Test
    void onlyTheSparkJobUsesSpark() throws IOException {
        List<String> violations = new ArrayList<>();
        USES.forEach((from, uses) -> {
            if (uses.containsKey("spark")) {
                violations.add(from + " uses spark (" + uses.get("spark") + ")");
            }
        });
        Pattern sparkImport = Pattern.compile("\\borg\\.apache\\.spark\\.");
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                if (!SOURCES.relativize(p).startsWith(Path.of("netviz", "spark"))
                        && sparkImport.matcher(strip(Files.readString(p))).find()) {
                    violations.add(SOURCES.relativize(p) + " uses org.apache.spark");
                }
            }
        }
        assertEquals(List.of(), violations);
    }

    @Test
    void noTwoTypesShareASimpleName() throws IOException {
        Map<String, List<String>> byName = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            files.filter(f -> f.toString().endsWith(".java") && !f.endsWith("package-info.java"))
                    .forEach(f -> byName.computeIfAbsent(f.getFileName().toString(), k -> new ArrayList<>())
                            .add(SOURCES.relativize(f).toString()));
        }
        List<String> clashes = byName.values().stream().filter(l -> l.size() > 1).map(Object::toString).toList();
        assertEquals(List.of(), clashes, "a simple name names one type, so code never needs a fully qualified name");
    }
}
