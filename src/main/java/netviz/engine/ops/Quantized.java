package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import netviz.engine.Graph;
import netviz.engine.Node;
import netviz.engine.OwnedArrays;

/**
 * How netviz runs quantized models (QuantizeLinear, DequantizeLinear, QLinearConv, QLinearMatMul,
 * DynamicQuantizeLinear, MatMulInteger, ConvInteger): by dequantizing. A quantized tensor is held
 * in the interpreter's floating type with integer values (so every operator, and autograd, can
 * use it); the integer arithmetic is done in floating point on the zero-point-shifted integers
 * (exact while the accumulated sums stay below 2^24 in float32); requantization rounds half to
 * even and saturates to the output type's range, as ONNX Runtime does. Rounding passes gradients
 * straight through (a straight-through estimator; zero where saturated), so input gradients are
 * those of the dequantized float network.
 */
public final class Quantized {
    /** The operators this family covers. */
    public static final Set<String> OPERATORS = Set.of("QuantizeLinear", "DequantizeLinear", "QLinearConv",
            "QLinearMatMul", "DynamicQuantizeLinear", "MatMulInteger", "ConvInteger");

    private Quantized() {
    }

    static void register(OpRegistry r) {
        String held = "quantized values are held as floats with integer values (see README: quantized models)";
        r.add("QuantizeLinear", 10, 22, QuantizeLinear::new, "uint8/int8 (int32 from 21 via output_dtype); axis (13+); "
                + "no block_size; " + held + "; gradient straight through the rounding");
        r.add("DequantizeLinear", 10, 22, DequantizeLinear::new, "axis (13+); no block_size");
        r.add("QLinearConv", 10, 22, QLinearConv::new, "computed in float on the shifted integers; per-channel weights; "
                + held);
        r.add("QLinearMatMul", 10, 22, QLinearMatMul::new, "computed in float on the shifted integers; " + held);
        r.add("DynamicQuantizeLinear", 11, 22, DynamicQuantizeLinear::new, "uint8; " + held);
        r.add("MatMulInteger", 10, 22, MatMulInteger::new, "int32 result held as float (exact below 2^24 in float32)");
        r.add("ConvInteger", 10, 22, ConvInteger::new, "int32 result held as float (exact below 2^24 in float32)");
    }

    /**
     * One line for users when the graph has quantized operators, or null: netviz computes them in
     * floating point on the dequantized values, and gradients pass through the rounding.
     */
    public static String warning(Graph g) {
        Set<String> found = new TreeSet<>();
        for (Node n : g.nodes()) {
            if (OPERATORS.contains(n.opType()) && (n.domain().isEmpty() || n.domain().equals("ai.onnx"))) {
                found.add(n.opType());
            }
        }
        if (found.isEmpty()) {
            return null;
        }
        return "warning: quantized model (" + String.join(", ", found) + "): netviz dequantizes it and computes in "
                + "float; gradients are those of the dequantized network (rounding passed straight through)";
    }

    /** Integer range of the quantized type named by a zero point's (or output_dtype's) type. */
    static double[] range(DataType t) {
        if (t == DataType.INT8) {
            return new double[] {-128, 127};
        }
        if (t == DataType.INT32) {
            return new double[] {Integer.MIN_VALUE, Integer.MAX_VALUE};
        }
        return new double[] {0, 255};
    }

    /** a in floating type ft (a no-op when it already is). */
    static NDArray toFloat(NDArray a, DataType ft) {
        return a.getDataType() == ft ? a : a.toType(ft, false);
    }

    /**
     * A per-tensor (scalar) or per-axis (1-D) parameter shaped to broadcast along {@code axis} of a
     * tensor of rank {@code rank}.
     */
    static NDArray along(NDArray p, int axis, int rank) {
        if (p.getShape().dimension() == 0 || p.getShape().size() == 1 && rank == 0) {
            return p;
        }
        if (p.getShape().dimension() != 1) {
            throw new IllegalArgumentException("a quantization scale or zero point must be a scalar or 1-D, got shape "
                    + p.getShape());
        }
        if (p.getShape().size() == 1) {
            return p.reshape();
        }
        long[] s = new long[rank];
        Arrays.fill(s, 1);
        s[axis] = p.getShape().get(0);
        return p.reshape(s);
    }

    /** round(v), half to even, with the gradient of the identity: {@code v + (round(v) - v).stopGradient()}. */
    static NDArray roundSte(NDArray v) {
        return v.add(v.round().sub(v).stopGradient());
    }

    /**
     * {@code saturate(round(v) + zeroPoint)} for the quantized type {@code t}, with straight-through
     * rounding (the gradient is zero where the value saturates).
     */
    static NDArray quantize(NDArray v, NDArray zeroPoint, DataType t) {
        NDArray q = roundSte(v);
        if (zeroPoint != null) {
            q = q.add(toFloat(zeroPoint, v.getDataType()));
        }
        double[] lohi = range(t);
        return q.clip(lohi[0], lohi[1]);
    }

    /** The type a quantized result stands for: the zero point's type if it is an integer type, else UINT8. */
    static DataType quantType(NDArray zeroPoint) {
        if (zeroPoint == null || zeroPoint.getDataType().isFloating()) {
            return DataType.UINT8;
        }
        return zeroPoint.getDataType();
    }

    static List<String> names() {
        return List.copyOf(new TreeSet<>(OPERATORS));
    }

    static NDArray scalar(NDArray like, double v) {
        return OwnedArrays.scalar(like, v);
    }
}
