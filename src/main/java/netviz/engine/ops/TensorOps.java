package netviz.engine.ops;

/**
 * Registry rows of the shape-plumbing operators that exporters emit around the layers (see
 * {@link OpRegistry}): shapes, indexing, reshaping, casting and constants. Where an attribute
 * became an input there is one row per form, served by one class that reads the opset.
 */
final class TensorOps {
    private TensorOps() {
    }

    static void register(OpRegistry r) {
        r.add("Shape", 1, 14, ShapeOp::new);
        r.add("Shape", 15, 22, ShapeOp::new, "start/end attributes");
        r.add("Size", 1, 22, Size::new);
        r.add("Gather", 1, 22, Gather::new, "negative indices; out-of-range indices are an error");
        r.add("Unsqueeze", 1, 12, Unsqueeze::new, "axes attribute");
        r.add("Unsqueeze", 13, 22, Unsqueeze::new, "axes input");
        r.add("Squeeze", 1, 12, Squeeze::new, "axes attribute");
        r.add("Squeeze", 13, 22, Squeeze::new, "axes input");
        r.add("Concat", 1, 22, Concat::new);
        r.add("Reshape", 1, 4, Reshape::new, "shape attribute");
        r.add("Reshape", 5, 22, Reshape::new, "shape input; 0 copies a dimension unless allowzero=1 (14+); one -1 inferred");
        r.add("Cast", 1, 22, Cast::new, "no STRING; floating targets use the interpreter's precision "
                + "(FLOAT16/BFLOAT16 rounding not reproduced); uint16/uint32/uint64/int16 held widened, no wrap-around");
        r.add("CastLike", 15, 22, CastLike::new, "as Cast");
        r.add("Constant", 1, 22, Constant::new, "value, value_float(s), value_int(s); no string or sparse values");
        r.add("ConstantOfShape", 9, 22, ConstantOfShape::new);
        r.add("Identity", 1, 22, Identity::new, "tensors only (no optional or sequence values)");
        r.add("Transpose", 1, 22, Transpose::new);
        r.add("Split", 1, 12, Split::new, "split attribute (or input at opset 1)");
        r.add("Split", 13, 22, Split::new, "split input; num_outputs (18+), uneven last piece");
        r.add("Slice", 1, 9, Slice::new, "starts/ends/axes attributes");
        r.add("Slice", 10, 22, Slice::new, "inputs; negative steps; NumPy clamping");
        r.add("Expand", 8, 22, Expand::new);
        r.add("Tile", 6, 22, Tile::new);
        r.add("ScatterND", 11, 22, ScatterND::new, "reduction none; add, mul (16+); max, min (18+); "
                + "differentiable in data and updates");
        r.add("Range", 11, 22, Range::new, "not differentiable in start/limit/delta");
    }
}
