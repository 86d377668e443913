package netviz.engine;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.IntSupplier;
import netviz.ShapeMismatchException;

/**
 * How a forward pass splits a batch of {@code n} examples into passes of the {@code batch} a model
 * fixes (as {@code torch.onnx.export} writes it without {@code dynamic_axes}, or as a Reshape to
 * [1, -1] writes it into the graph): ceil(n / batch) passes over rows of {@code inputs}, the last one
 * padded. Both runtimes split the same way, so they accept the same batches.
 */
public record BatchSplit(int batch, long n, Set<String> inputs) {

    /** How many passes. */
    public int passes() {
        return (int) ((n + batch - 1) / batch);
    }

    /** The first row of pass {@code p}. */
    public long from(int p) {
        return (long) p * batch;
    }

    /** The real rows of pass {@code p} (fewer than {@link #batch} in a padded last pass). */
    public int rows(int p) {
        return (int) Math.min(batch, n - from(p));
    }

    /**
     * The passes feeds of these shapes need: null when every input's batch matches the model's (or
     * is free). {@code shapes} holds the shape of each fed input and {@code floating} those that are
     * floating point; a free input counts as fixed at {@code hardCodedBatch} (asked only when needed;
     * 0: none) when it is a floating image-like input, whose first axis is surely the batch.
     */
    public static BatchSplit of(Graph graph, Map<String, long[]> shapes, Set<String> floating,
                                IntSupplier hardCodedBatch) {
        Set<String> names = new LinkedHashSet<>();
        long b = -1;
        long n = -1;
        for (ValueInfo in : graph.inputs()) {
            long[] s = shapes.get(in.name());
            if (s == null || !in.hasShape() || in.dims().length == 0) {
                continue;
            }
            long fixed = in.dims()[0];
            if (fixed <= 0) {
                if (in.dims().length < 2 || !floating.contains(in.name()) || hardCodedBatch.getAsInt() == 0) {
                    continue;
                }
                fixed = hardCodedBatch.getAsInt();
            }
            if (s.length != in.dims().length || s[0] == fixed || s[0] == 0) {
                continue;
            }
            if (fixed > Interpreter.MAX_FIXED_BATCH) {
                throw new ShapeMismatchException("input '" + in.name() + "' fixes its batch at " + fixed
                        + " but is given " + s[0] + "; netviz runs a fixed-batch model in passes of its batch, "
                        + "which may be at most " + Interpreter.MAX_FIXED_BATCH);
            }
            if (b >= 0 && (b != fixed || n != s[0])) {
                return null; // inputs disagree: the shape check names the problem
            }
            b = fixed;
            n = s[0];
            names.add(in.name());
        }
        return names.isEmpty() ? null : new BatchSplit((int) b, n, Set.copyOf(names));
    }

    /** The error for a tensor computed from a split input whose first axis is not the batch. */
    public ShapeMismatchException notBatchFirst(String tensor, String shape) {
        return new ShapeMismatchException("tensor '" + tensor + "' has shape " + shape + " in a pass of " + batch
                + " (the model's fixed batch): its first axis is not the batch, so a batch of " + n
                + " cannot be split into passes; feed " + batch + " at a time");
    }
}
