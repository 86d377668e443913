package netviz.engine;

import java.util.Arrays;

/** One attribute of a node: exactly one of the value fields is set, as {@link #kind()} says. */
public record Attribute(String name, Kind kind, float f, long i, String s, Tensor t, float[] floats, long[] ints,
                        String[] strings) {

    /** The kinds of attribute value that vision models use. */
    public enum Kind { FLOAT, INT, STRING, TENSOR, FLOATS, INTS, STRINGS, GRAPH, OTHER }

    public static Attribute ofInt(String name, long v) {
        return new Attribute(name, Kind.INT, 0, v, null, null, null, null, null);
    }

    public static Attribute ofFloat(String name, float v) {
        return new Attribute(name, Kind.FLOAT, v, 0, null, null, null, null, null);
    }

    public static Attribute ofString(String name, String v) {
        return new Attribute(name, Kind.STRING, 0, 0, v, null, null, null, null);
    }

    public static Attribute ofInts(String name, long... v) {
        return new Attribute(name, Kind.INTS, 0, 0, null, null, null, v, null);
    }

    public static Attribute ofFloats(String name, float... v) {
        return new Attribute(name, Kind.FLOATS, 0, 0, null, null, v, null, null);
    }

    public static Attribute ofStrings(String name, String... v) {
        return new Attribute(name, Kind.STRINGS, 0, 0, null, null, null, null, v);
    }

    public static Attribute ofTensor(String name, Tensor v) {
        return new Attribute(name, Kind.TENSOR, 0, 0, null, v, null, null, null);
    }

    public static Attribute other(String name, Kind kind) {
        return new Attribute(name, kind, 0, 0, null, null, null, null, null);
    }

    @Override
    public String toString() {
        switch (kind) {
            case FLOAT: return name + "=" + f;
            case INT: return name + "=" + i;
            case STRING: return name + "=" + s;
            case TENSOR: return name + "=" + t;
            case FLOATS: return name + "=" + Arrays.toString(floats);
            case INTS: return name + "=" + Arrays.toString(ints);
            case STRINGS: return name + "=" + Arrays.toString(strings);
            default: return name + "=<" + kind + ">";
        }
    }
}
