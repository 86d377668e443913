package netviz.engine.ops;

/**
 * Registry rows of the neural-network operators: convolution, pooling, normalization, dropout,
 * fully-connected layers, softmax and padding (see {@link OpRegistry}).
 */
final class NnOps {
    private NnOps() {
    }

    static void register(OpRegistry r) {
        r.add("Conv", 1, 22, Conv::new, "1-D, 2-D and 3-D inputs");
        r.add("ConvTranspose", 1, 22, ConvTranspose::new, "1-D, 2-D and 3-D inputs; composed as a direct convolution of the stride-dilated input");
        r.add("MaxPool", 1, 22, MaxPool::new, "1-D, 2-D and 3-D inputs");
        r.add("AveragePool", 1, 22, AveragePool::new, "1-D, 2-D and 3-D inputs");
        r.add("GlobalAveragePool", 1, 22, GlobalAveragePool::new);
        r.add("GlobalMaxPool", 1, 22, GlobalMaxPool::new);
        r.add("BatchNormalization", 7, 22, BatchNormalization::new,
                "inference mode only (training_mode=1 and the training-only outputs are rejected)");
        r.add("InstanceNormalization", 1, 22, InstanceNormalization::new);
        r.add("LRN", 1, 22, LRN::new);
        r.add("Dropout", 7, 22, Dropout::new,
                "inference: identity, mask all true; training_mode=true with ratio > 0 is rejected at run time");
        r.add("Gemm", 7, 22, Gemm::new);
        r.add("MatMul", 1, 22, MatMul::new);
        r.add("Flatten", 1, 22, Flatten::new);
        r.add("Softmax", 1, 22, Softmax::new);
        r.add("LogSoftmax", 1, 22, LogSoftmax::new);
        r.add("Pad", 2, 22, Pad::new, "modes constant, reflect, edge, wrap (19+); axes input (18+)");
    }
}
