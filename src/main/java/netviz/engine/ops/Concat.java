package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import netviz.engine.Node;

/**
 * Concat: joins the inputs along {@code axis} (required from opset 4, default 1 before; negative
 * from opset 11). Inputs with a zero-size concatenation axis are skipped. Opsets 1-22.
 */
final class Concat implements Op {
    private final long axis;

    Concat(Node node, int opset) {
        if (opset >= 4 && !node.has("axis")) {
            throw node.error("needs the 'axis' attribute");
        }
        axis = node.getInt("axis", 1);
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDList list = new NDList();
        int rank = in[0].getShape().dimension();
        int a = OpSupport.axis(axis, rank);
        for (NDArray x : in) {
            if (x != null && (x.getShape().get(a) > 0 || list.isEmpty())) {
                list.add(x);
            }
        }
        if (list.size() == 1) {
            return new NDArray[] {list.get(0)};
        }
        return new NDArray[] {NDArrays.concat(list, a)};
    }
}
