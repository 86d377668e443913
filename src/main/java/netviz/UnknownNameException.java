package netviz;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** A layer, tensor, class or other name that does not exist; the message suggests the closest names. */
public class UnknownNameException extends NetvizException {
    private final List<String> suggestions;

    public UnknownNameException(String what, String name, Collection<String> known) {
        this(what, name, closest(name, known, 5));
    }

    private UnknownNameException(String what, String name, List<String> suggestions) {
        super("unknown " + what + " '" + name + "'"
                + (suggestions.isEmpty() ? "" : "; did you mean: " + String.join(", ", suggestions)));
        this.suggestions = suggestions;
    }

    public List<String> suggestions() {
        return suggestions;
    }

    /** The {@code n} names closest to {@code name} by edit distance (substring matches first). */
    public static List<String> closest(String name, Collection<String> known, int n) {
        String q = name.toLowerCase(Locale.ROOT);
        return known.stream()
                .distinct()
                .sorted(Comparator.<String>comparingInt(k -> k.toLowerCase(Locale.ROOT).contains(q) || q.contains(k.toLowerCase(Locale.ROOT)) ? 0 : 1)
                        .thenComparingInt(k -> distance(q, k.toLowerCase(Locale.ROOT)))
                        .thenComparing(Comparator.naturalOrder()))
                .limit(n)
                .collect(Collectors.toList());
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
