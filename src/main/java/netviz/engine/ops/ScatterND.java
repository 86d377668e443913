package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import netviz.engine.Node;
import netviz.engine.OwnedArrays;

/**
 * ScatterND: a copy of {@code data} in which the slices {@code data[indices[i]]} (each index a
 * tuple of the first k coordinates, k = indices.shape[-1]) are replaced by, or combined with
 * ({@code reduction} add, mul from opset 16; max, min from opset 18), {@code updates[i]}.
 * Negative coordinates count from the end. Computed without in-place writes, so autograd sees it:
 * the data is flattened to (P, S) rows, the updates to (Q, S); updates that hit distinct rows form
 * one layer, gathered into place and merged with {@code where}. Differentiable in data and updates.
 * With reduction none and repeated indices the last update wins (ONNX leaves it undefined).
 * Opsets 11-22.
 */
final class ScatterND implements Op {
    private final String reduction;

    ScatterND(Node node, int opset) {
        reduction = node.getString("reduction", "none");
        List<String> allowed = opset >= 18 ? List.of("none", "add", "mul", "max", "min")
                : opset >= 16 ? List.of("none", "add", "mul") : List.of("none");
        if (!allowed.contains(reduction)) {
            throw node.error("attribute 'reduction' is '" + reduction + "'; at opset " + opset + " it must be one of "
                    + allowed);
        }
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray data = in[0];
        long[] ds = OpSupport.dims(data);
        long[] is = OpSupport.dims(in[1]);
        if (is.length < 1 || is[is.length - 1] > ds.length) {
            throw new IllegalArgumentException("indices of shape " + Arrays.toString(is) + " do not fit data of shape "
                    + Arrays.toString(ds));
        }
        int k = (int) is[is.length - 1];
        long rows = 1;
        for (int i = 0; i < k; i++) {
            rows *= ds[i];
        }
        long width = 1;
        for (int i = k; i < ds.length; i++) {
            width *= ds[i];
        }
        long[] idx = OpSupport.longs(in[1]);
        int q = (int) sizeOf(is, is.length - 1);
        long[] target = new long[q];
        for (int j = 0; j < q; j++) {
            long lin = 0;
            for (int c = 0; c < k; c++) {
                long v = idx[j * k + c];
                long v2 = v < 0 ? v + ds[c] : v;
                if (v2 < 0 || v2 >= ds[c]) {
                    throw new IllegalArgumentException("index " + v + " is out of range for axis " + c + " of size " + ds[c]);
                }
                lin = lin * ds[c] + v2;
            }
            target[j] = lin;
        }
        long[] us = OpSupport.dims(in[2]);
        if (sizeOf(us, us.length) != (long) q * width) {
            throw new IllegalArgumentException("updates of shape " + Arrays.toString(us) + " do not match indices "
                    + Arrays.toString(is) + " and data " + Arrays.toString(ds));
        }
        NDArray flat = data.reshape(rows, width);
        NDArray upd = in[2].reshape(q, width);
        // layers: each update goes to the first layer in which its row is still free (for "none"
        // the last update of a row must win, so it goes to the latest layer)
        List<long[]> layers = new ArrayList<>();
        List<boolean[]> hits = new ArrayList<>();
        int[] depth = new int[(int) rows];
        for (int j = 0; j < q; j++) {
            int row = (int) target[j];
            int layer = depth[row]++;
            if (layer == layers.size()) {
                layers.add(new long[(int) rows]);
                hits.add(new boolean[(int) rows]);
            }
            layers.get(layer)[row] = j;
            hits.get(layer)[row] = true;
        }
        NDArray out = flat;
        for (int l = 0; l < layers.size(); l++) {
            NDArray src = OwnedArrays.copyOf(ctx.manager().create(layers.get(l)));
            NDArray placed = upd.get(new NDIndex("{}", src));
            NDArray hit = OwnedArrays.copyOf(ctx.manager().create(hits.get(l))).reshape(rows, 1)
                    .broadcast(rows, width);
            NDArray merged;
            switch (reduction) {
                case "add": merged = out.add(placed); break;
                case "mul": merged = out.mul(placed); break;
                case "max": merged = NDArrays.maximum(out, placed); break;
                case "min": merged = NDArrays.minimum(out, placed); break;
                default: merged = placed;
            }
            out = NDArrays.where(hit, merged, out);
        }
        return new NDArray[] {out.reshape(data.getShape())};
    }

    /** Product of the first n dimensions. */
    private static long sizeOf(long[] dims, int n) {
        long s = 1;
        for (int i = 0; i < n; i++) {
            s *= dims[i];
        }
        return s;
    }
}
