package netviz.engine.ops;

/**
 * Registry rows of the neural-network operators: convolution, pooling, normalization, dropout,
 * fully-connected layers, softmax and padding (see {@link OpRegistry}). The notes state what a
 * user may meet: restrictions, and the places where netviz follows the ONNX reference rather than
 * ONNX Runtime.
 */
final class NnOps {
    private NnOps() {
    }

    static void register(OpRegistry r) {
        r.add("Conv", 1, 22, Conv::new, "1-D, 2-D and 3-D inputs");
        r.add("ConvTranspose", 1, 22, ConvTranspose::new,
                "1-D, 2-D and 3-D inputs; computed as a direct convolution of the stride-dilated input");
        r.add("MaxPool", 1, 22, MaxPool::new,
                "1-D, 2-D and 3-D inputs; Indices output with storage_order 0 or 1; with ceil_mode a window "
                        + "that would start in the right padding is dropped (PyTorch, ONNX reference)");
        r.add("AveragePool", 1, 22, AveragePool::new,
                "1-D, 2-D and 3-D inputs; cells that ceil_mode adds past the padding never count, even with "
                        + "count_include_pad=1 (ONNX reference and PyTorch; ONNX Runtime counts them)");
        r.add("GlobalAveragePool", 1, 22, GlobalAveragePool::new);
        r.add("GlobalMaxPool", 1, 22, GlobalMaxPool::new);
        r.add("BatchNormalization", 7, 22, BatchNormalization::new,
                "inference only: training_mode=1 and the training-only outputs are rejected at load time");
        r.add("InstanceNormalization", 1, 22, InstanceNormalization::new);
        r.add("LayerNormalization", 17, 22, LayerNormalization::new, "computes in the interpreter's precision");
        r.add("LRN", 1, 22, LRN::new, "any size (ONNX Runtime: odd sizes only) and rank");
        r.add("Dropout", 7, 22, Dropout::new,
                "inference: identity with an all-true mask; training_mode=true with ratio > 0 fails at run time");
        r.add("Gemm", 7, 22, Gemm::new);
        r.add("MatMul", 1, 22, MatMul::new);
        r.add("Flatten", 1, 22, Flatten::new);
        r.add("Einsum", 12, 22, Einsum::new, "products, transposes and sums (two or more operands, left to right); "
                + "no diagonals (a letter twice in one operand); '...' must have the same dimensions in every operand");
        r.add("Upsample", 7, 10, Upsample::new, "nearest or linear; asymmetric coordinates (deprecated at 10: use Resize)");
        r.add("Resize", 10, 10, Resize::new, "scales input; nearest (rounding down) or linear; asymmetric coordinates");
        r.add("Resize", 11, 22, Resize::new, "nearest (4 rounding modes), linear, cubic; every coordinate transformation "
                + "mode incl. tf_crop_and_resize; scales or sizes; axes and keep_aspect_ratio_policy (18+); no antialias");
        r.add("Softmax", 1, 22, Softmax::new);
        r.add("LogSoftmax", 1, 22, LogSoftmax::new);
        r.add("Pad", 2, 22, Pad::new,
                "modes constant, reflect, edge, wrap (19+); negative pads crop; axes input (18+); reflect needs "
                        + "pads shorter than the axis");
    }
}
