package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import netviz.engine.Node;

/**
 * CastLike: casts the first input to the element type of the second, with the rules of
 * {@link Cast} (floating targets give the interpreter's precision). Opsets 15-22.
 */
final class CastLike implements Op {
    CastLike(Node node, int opset) {
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        DataType t = in[1].getDataType().isFloating() ? ctx.floatType() : in[1].getDataType();
        return new NDArray[] {Cast.cast(in[0], t)};
    }
}
