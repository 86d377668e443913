package netviz.render;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import netviz.UnknownNameException;

/**
 * A colour map: a lookup table of sRGB colours that turns a normalised value {@code t} in [0, 1]
 * into a colour (entry {@code round(t * (n - 1))} of the table; values outside are clamped).
 * <ul>
 *   <li>{@link #VIRIDIS} and {@link #MAGMA}: the perceptually uniform sequential maps of
 *       N. J. Smith, S. van der Walt and E. Firing (matplotlib 1.5, 2015; tables released under
 *       CC0), read from their published 256-entry tables;</li>
 *   <li>{@link #GRAY}: black to white, entry {@code i} = (i, i, i), so a normalised value t becomes
 *       the gray level {@code round(255 t)} exactly;</li>
 *   <li>{@link #DIVERGING}: blue - white - red for signed values, the ColorBrewer RdBu scheme
 *       (C. Brewer, colorbrewer2.org) reversed, with a pure white centre; its table has 257
 *       entries so that t = 0.5 (zero under a symmetric {@link ValueRange}) is exactly white.</li>
 * </ul>
 */
public final class Colormap {
    public static final Colormap VIRIDIS = fromResource("viridis");
    public static final Colormap MAGMA = fromResource("magma");
    public static final Colormap GRAY = gray();
    public static final Colormap DIVERGING = fromKnots("diverging", true, 257,
            0x053061, 0x2166ac, 0x4393c3, 0x92c5de, 0xd1e5f0, 0xffffff,
            0xfddbc7, 0xf4a582, 0xd6604d, 0xb2182b, 0x67001f);

    private static final Map<String, Colormap> BY_NAME = new LinkedHashMap<>();

    static {
        BY_NAME.put("viridis", VIRIDIS);
        BY_NAME.put("magma", MAGMA);
        BY_NAME.put("gray", GRAY);
        BY_NAME.put("diverging", DIVERGING);
    }

    private final String name;
    private final int[] table;
    private final boolean diverging;

    private Colormap(String name, int[] table, boolean diverging) {
        this.name = name;
        this.table = table;
        this.diverging = diverging;
    }

    /**
     * The colour map of that name (case-insensitive): viridis, magma, gray (or grey), diverging
     * (or rdbu, bwr); {@link UnknownNameException} listing the names otherwise.
     */
    public static Colormap byName(String name) {
        String n = name.toLowerCase(Locale.ROOT).trim();
        switch (n) {
            case "grey": n = "gray"; break;
            case "rdbu": case "bwr": case "signed": n = "diverging"; break;
            default: break;
        }
        Colormap c = BY_NAME.get(n);
        if (c == null) {
            throw new UnknownNameException("colour map", name, BY_NAME.keySet());
        }
        return c;
    }

    /** The names {@link #byName} accepts (aliases aside). */
    public static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }

    public String name() {
        return name;
    }

    /** True for maps meant for signed values, centred on zero (pair them with a symmetric range). */
    public boolean isDiverging() {
        return diverging;
    }

    /** Number of entries in the table. */
    public int size() {
        return table.length;
    }

    /** The colour (0xRRGGBB) for a normalised value; clamped to [0, 1]; NaN gives the colour of 0. */
    public int rgb(double t) {
        if (!(t > 0)) {
            return table[0];
        }
        if (t >= 1) {
            return table[table.length - 1];
        }
        return table[(int) Math.round(t * (table.length - 1))];
    }

    /** The colour of a raw value under a range: {@code rgb(range.normalize(v))}. */
    public int rgb(double value, ValueRange range) {
        return rgb(range.normalize(value));
    }

    /** The same colours in the opposite order. */
    public Colormap reversed() {
        int[] r = new int[table.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = table[table.length - 1 - i];
        }
        return new Colormap(name + "_r", r, diverging);
    }

    private static Colormap gray() {
        int[] t = new int[256];
        for (int i = 0; i < 256; i++) {
            t[i] = i << 16 | i << 8 | i;
        }
        return new Colormap("gray", t, false);
    }

    /** Linear interpolation in sRGB between equally spaced knots, sampled to {@code n} entries. */
    static Colormap fromKnots(String name, boolean diverging, int n, int... knots) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            double pos = (double) i * (knots.length - 1) / (n - 1);
            int k = Math.min((int) Math.floor(pos), knots.length - 2);
            double f = pos - k;
            int a = knots[k];
            int b = knots[k + 1];
            int r = (int) Math.round(((a >> 16) & 255) * (1 - f) + ((b >> 16) & 255) * f);
            int g = (int) Math.round(((a >> 8) & 255) * (1 - f) + ((b >> 8) & 255) * f);
            int bl = (int) Math.round((a & 255) * (1 - f) + (b & 255) * f);
            t[i] = r << 16 | g << 8 | bl;
        }
        return new Colormap(name, t, diverging);
    }

    private static Colormap fromResource(String name) {
        String path = name + ".txt";
        List<int[]> rows = new ArrayList<>();
        try (InputStream in = Colormap.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("colour table " + path + " is missing from the classpath");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line; (line = r.readLine()) != null; ) {
                line = line.trim();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] p = line.split("\\s+");
                int[] c = new int[3];
                for (int k = 0; k < 3; k++) {
                    c[k] = (int) Math.round(Double.parseDouble(p[k]) * 255);
                }
                rows.add(c);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int[] t = new int[rows.size()];
        for (int i = 0; i < t.length; i++) {
            int[] c = rows.get(i);
            t[i] = c[0] << 16 | c[1] << 8 | c[2];
        }
        return new Colormap(name, t, false);
    }

    @Override
    public String toString() {
        return name;
    }
}
