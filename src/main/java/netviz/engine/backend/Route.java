package netviz.engine.backend;

/**
 * How libtorch computes convolutions on this machine. oneDNN (libtorch's CPU convolution library)
 * picks kernels by instruction set; on some CPUs its AVX2/AVX-512 convolution kernels compute wrong
 * gradients or crash. A route either caps oneDNN's instruction set ({@code ONEDNN_MAX_CPU_ISA}, read
 * by oneDNN once, so it must be in the environment before the first convolution) or switches oneDNN
 * off for convolutions ({@code at::Context::setUserEnabledMkldnn(false)}, which can be done at any
 * time): libtorch then uses its own im2col + BLAS kernels.
 */
public enum Route {
    /** oneDNN with the best instruction set it detects. */
    DEFAULT(null, true),
    /** oneDNN capped at AVX-512 (no AMX/VNNI/BF16 kernels). */
    AVX512_CORE("AVX512_CORE", true),
    /** oneDNN capped at AVX2. */
    AVX2("AVX2", true),
    /** oneDNN capped at AVX. */
    AVX("AVX", true),
    /** oneDNN off: libtorch's own convolution kernels (im2col + BLAS). */
    NO_ONEDNN(null, false);

    private final String isaCap;
    private final boolean onednn;

    Route(String isaCap, boolean onednn) {
        this.isaCap = isaCap;
        this.onednn = onednn;
    }

    /** The value for {@code ONEDNN_MAX_CPU_ISA}, or null for no cap. */
    public String isaCap() {
        return isaCap;
    }

    /** Whether convolutions run on oneDNN. */
    public boolean onednn() {
        return onednn;
    }

    /** A short description for the doctor. */
    public String describe() {
        return switch (this) {
            case DEFAULT -> "oneDNN, best instruction set";
            case NO_ONEDNN -> "oneDNN off for convolutions (libtorch's im2col + BLAS kernels)";
            default -> "oneDNN capped at " + isaCap + " (ONEDNN_MAX_CPU_ISA=" + isaCap + ")";
        };
    }

    /** Parses a route name (case-insensitive, '-' or '_'). */
    public static Route parse(String s) {
        String n = s.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
        for (Route r : values()) {
            if (r.name().equals(n)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown backend route '" + s + "'; known: "
                + java.util.Arrays.toString(values()).toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
    }

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
