package netviz.methods.unit;

import java.util.Arrays;
import netviz.NetvizException;
import netviz.OutOfRangeException;

/**
 * One unit of a network, the thing a visualization is about: channel {@code channel} of
 * {@code layer} (a node name, tensor name or index), optionally the single neuron at
 * {@code position} (y, x) of a (N, C, H, W) layer; or, with a null {@code layer}, the score of class
 * {@code channel} (the unnormalised class score, see {@link netviz.methods.attribution.ScoreTensor}).
 * Without a position the techniques read the whole channel as the literature does: activation
 * maximization its mean (Olah et al. 2017, "channel" objective), an attribution the neuron at the
 * channel's maximum. Written and parsed as {@code layer:channel[@y,x]} (Lucid's "layer:n") or
 * {@code class K}.
 *
 * @param layer    the layer, or null for the class scores
 * @param channel  the channel (the class for a class score), from 0
 * @param position (y, x), or null for the whole channel
 */
public record Unit(String layer, int channel, int[] position) {

    public Unit {
        if (channel < 0) {
            throw new OutOfRangeException((layer == null ? "class " : "channel ") + channel + " is negative; "
                    + (layer == null ? "classes" : "channels") + " are numbered from 0");
        }
        if (position != null && position.length != 2) {
            throw new IllegalArgumentException("a position is (y, x), not " + Arrays.toString(position));
        }
        if (layer == null && position != null) {
            throw new IllegalArgumentException("a class score has no position");
        }
        position = position == null ? null : position.clone();
    }

    /** The score of class {@code k}. */
    public static Unit classScore(int k) {
        return new Unit(null, k, null);
    }

    /** Channel {@code c} of {@code layer}, as a whole. */
    public static Unit channel(String layer, int c) {
        return new Unit(layer, c, null);
    }

    /** The neuron of channel {@code c} of {@code layer} at ({@code y}, {@code x}). */
    public static Unit neuron(String layer, int c, int y, int x) {
        return new Unit(layer, c, new int[] {y, x});
    }

    /** This unit read from another layer (e.g. the resolved tensor name): same channel and position. */
    public Unit on(String otherLayer) {
        return new Unit(otherLayer, channel, position);
    }

    /** Whether this is a class score. */
    public boolean isClassScore() {
        return layer == null;
    }

    /**
     * Parses {@code layer:channel}, {@code layer:channel@y,x} or {@code class K}; one clear line
     * naming the accepted forms otherwise. The layer is the text before the last colon, so tensor
     * names with colons are accepted.
     */
    public static Unit parse(String spec) {
        String s = spec.strip();
        if (s.regionMatches(true, 0, "class ", 0, 6)) {
            String k = s.substring(6).strip();
            if (!k.matches("-?\\d{1,9}")) {
                throw bad(spec);
            }
            return classScore(Integer.parseInt(k));
        }
        int at = s.lastIndexOf('@');
        int[] yx = null;
        if (at >= 0) {
            yx = parsePosition(s.substring(at + 1), "the position of '" + spec + "'");
            s = s.substring(0, at);
        }
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || !s.substring(colon + 1).strip().matches("-?\\d{1,9}")) {
            throw bad(spec);
        }
        return new Unit(s.substring(0, colon).strip(), Integer.parseInt(s.substring(colon + 1).strip()), yx);
    }

    private static NetvizException bad(String spec) {
        return new NetvizException("'" + spec + "' is not a unit; write layer:channel, layer:channel@y,x or class K");
    }

    /** "y,x" → {y, x}; one clear line naming {@code what} otherwise. */
    public static int[] parsePosition(String s, String what) {
        String[] p = s.strip().split("\\s*,\\s*");
        if (p.length != 2 || !p[0].matches("-?\\d{1,6}") || !p[1].matches("-?\\d{1,6}")) {
            throw new NetvizException(what + " must be two integers y,x (e.g. 3,4), not '" + s + "'");
        }
        return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])};
    }

    /**
     * Fails with one clear line when this unit is outside a tensor {@code tensor} of shape
     * {@code shape} (N, C, ...): a channel outside 0..C-1, or a position outside H x W.
     */
    public void check(String tensor, long[] shape) {
        checkChannel(tensor, shape, channel);
        if (position != null) {
            checkPosition(tensor, shape, position[0], position[1]);
        }
    }

    /** Fails with one clear line when {@code channel} is not a channel of a (N, C, ...) tensor of shape {@code s}. */
    public static void checkChannel(String tensor, long[] s, int channel) {
        if (s.length < 2 || channel < 0 || channel >= s[1]) {
            throw new OutOfRangeException("channel " + channel + " is out of range for layer '" + tensor + "' with "
                    + (s.length < 2 ? 0 : s[1]) + " channels (0.." + (s.length < 2 ? -1 : s[1] - 1) + ")");
        }
    }

    /** Fails with one clear line when ({@code y}, {@code x}) is not a position of a (N, C, H, W) tensor of shape {@code s}. */
    public static void checkPosition(String tensor, long[] s, int y, int x) {
        if (s.length != 4) {
            throw new OutOfRangeException("layer '" + tensor + "' has no spatial axes (shape "
                    + Arrays.toString(s) + "); a position cannot be given");
        }
        if (y < 0 || y >= s[2] || x < 0 || x >= s[3]) {
            throw new OutOfRangeException("position " + y + "," + x + " is outside layer '" + tensor + "' of size "
                    + s[2] + "x" + s[3] + " (rows 0.." + (s[2] - 1) + ", columns 0.." + (s[3] - 1) + ")");
        }
    }

    /** The spelling {@link #parse} reads: "conv2:5", "conv2:5@3,4", "class 3". */
    @Override
    public String toString() {
        return layer == null ? "class " + channel
                : layer + ":" + channel + (position == null ? "" : "@" + position[0] + "," + position[1]);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Unit u && java.util.Objects.equals(u.layer, layer) && u.channel == channel
                && Arrays.equals(u.position, position);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hashCode(layer) * 31 + channel * 7 + Arrays.hashCode(position);
    }
}
