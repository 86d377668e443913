package netviz.engine.ops;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/** What an op may need besides its inputs while it runs. */
public interface OpContext {
    /** Manager for arrays the op creates from nothing (constants, index tensors). */
    NDManager manager();

    /**
     * The floating-point type the interpreter computes in (FLOAT32, or FLOAT64 for exact checks).
     * Ops that create floating-point constants, and Cast to a floating type, use it.
     */
    DataType floatType();
}
