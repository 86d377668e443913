package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import netviz.engine.Node;

/** Tile: repeats the input {@code repeats[i]} times along each axis i (NumPy tile; one repeat per axis). Opsets 6-22. */
final class Tile implements Op {
    Tile(Node node, int opset) {
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        NDArray x = in[0];
        long[] reps = OpSupport.longs(in[1]);
        if (reps.length != x.getShape().dimension()) {
            throw new IllegalArgumentException("repeats has " + reps.length + " entries for an input of rank "
                    + x.getShape().dimension());
        }
        long[] made = OpSupport.dims(x).clone();
        for (int i = 0; i < made.length; i++) {
            made[i] = made[i] * Math.max(0, reps[i]);
            if (reps[i] != 0 && made[i] / reps[i] != OpSupport.dims(x)[i]) {
                made[i] = Long.MAX_VALUE; // overflow
            }
        }
        OpSupport.checkMadeSize("Tile", made);
        return new NDArray[] {x.tile(reps)};
    }
}
