package netviz.cli;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import netviz.io.Npy;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded fuzzer over the bundled model, run through the command line in this
 * process ({@link Main#run}). Each case mutates the model — flipped bytes, truncation, changed
 * operator types, attributes, dimensions and element types, removed initializers, dangling tensor
 * names, huge declared shapes, bad opsets — and runs {@code info}, {@code classify} or
 * {@code forward} on it. Every case must exit 0, or exit 2 with one line {@code netviz: error: …},
 * within {@link #CASE_LIMIT}: never exit 1 (a bug), an abort, a hang or a stack trace.
 *
 * <p>{@value #DEFAULT_CASES} cases by default; {@code -Dnetviz.fuzz.cases=5000} runs more and
 * {@code -Dnetviz.fuzz.seed=S} another sequence. A failure names the seed and case to replay.
 */
class CliFuzzTest {
    static final int DEFAULT_CASES = 240;
    static final Duration CASE_LIMIT = Duration.ofSeconds(30);
    static final String[] OPS = {"Conv", "Relu", "MaxPool", "Gemm", "Softmax", "Flatten", "Reshape", "Transpose",
        "Concat", "Add", "Mul", "AveragePool", "GlobalAveragePool", "BatchNormalization", "LRN", "Identity",
        "Dropout", "Squeeze", "Unsqueeze", "MatMul", "Sigmoid", "Cast", "NoSuchOp", "", "Loop", "If"};

    @TempDir
    Path dir;

    @Test
    void mutatedBundledModelsEndInExitZeroOrOneLine() throws Exception {
        Path bundled = Path.of(ModelOptions.BUNDLED_MODEL);
        Assumptions.assumeTrue(Files.isRegularFile(bundled), "bundled model not present");
        int cases = Integer.getInteger("netviz.fuzz.cases", DEFAULT_CASES);
        long seed = Long.getLong("netviz.fuzz.seed", 15L);
        OnnxMl.ModelProto base = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(bundled));
        Path x = dir.resolve("x.npy");
        float[] v = new float[28 * 28];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i % 28) / 28f - 0.3f;
        }
        Npy.write(x, v, 1, 1, 28, 28);
        Map<String, int[]> tally = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        for (int c = 0; c < cases; c++) {
            Random rnd = new Random(seed * 1_000_003L + c);
            StringBuilder what = new StringBuilder();
            byte[] bytes = mutate(base, rnd, what);
            Path m = dir.resolve("case.onnx");
            Files.write(m, bytes);
            String[] args = switch (c % 3) {
                case 0 -> new String[] {"info", "-m", m.toString()};
                case 1 -> new String[] {"classify", "-m", m.toString(), "--input", x.toString(), "--json"};
                default -> new String[] {"forward", "-m", m.toString(), "--input", x.toString(), "--all",
                    "--out-dir", dir.resolve("fwd").toString()};
            };
            String label = "seed " + seed + " case " + c + " (" + what + ") " + args[0];
            Cli.Result r;
            try {
                r = assertTimeoutPreemptively(CASE_LIMIT, () -> Cli.run(args));
            } catch (Throwable t) {
                failures.add(label + ": " + t);
                continue;
            }
            tally.computeIfAbsent(what.toString().replaceAll("[ :(].*", ""), k -> new int[2])[r.code() == 0 ? 0 : 1]++;
            boolean ok = r.code() == 0 ? !r.err().contains("error") && !r.err().contains("Exception")
                    : r.code() == 2 && r.err().startsWith("netviz: error: ") && r.err().lines().count() == 1;
            if (!ok) {
                failures.add(label + ": " + r);
            }
        }
        StringBuilder sum = new StringBuilder("fuzz " + cases + " cases (exit 0 / exit 2):");
        tally.forEach((k, n) -> sum.append(' ').append(k).append(' ').append(n[0]).append('/').append(n[1]));
        System.out.println(sum);
        assertTrue(failures.isEmpty(), failures.size() + " of " + cases + " cases failed:\n"
                + String.join("\n", failures.subList(0, Math.min(10, failures.size()))));
    }

    /** One mutation of the model, described in {@code what}; returns the bytes to write. */
    static byte[] mutate(OnnxMl.ModelProto base, Random rnd, StringBuilder what) {
        OnnxMl.ModelProto.Builder m = base.toBuilder();
        OnnxMl.GraphProto.Builder g = m.getGraphBuilder();
        int kind = rnd.nextInt(14);
        switch (kind) {
            case 0: {
                byte[] b = base.toByteArray();
                int flips = 1 + rnd.nextInt(8);
                // most of the file is weights: aim half of the flips at the structure around them
                int structure = Math.max(64, b.length - weightBytes(base));
                for (int i = 0; i < flips; i++) {
                    int p = rnd.nextBoolean() ? rnd.nextInt(b.length) : b.length - 1 - rnd.nextInt(structure);
                    b[p] ^= (byte) (1 << rnd.nextInt(8));
                }
                what.append("flip ").append(flips);
                return b;
            }
            case 1: {
                byte[] b = base.toByteArray();
                int n = rnd.nextInt(b.length);
                what.append("truncate ").append(n);
                return java.util.Arrays.copyOf(b, n);
            }
            case 2: {
                int i = rnd.nextInt(g.getNodeCount());
                String op = OPS[rnd.nextInt(OPS.length)];
                g.getNodeBuilder(i).setOpType(op);
                what.append("optype ").append(i).append('=').append(op);
                break;
            }
            case 3: {
                int i = rnd.nextInt(g.getNodeCount());
                OnnxMl.NodeProto.Builder n = g.getNodeBuilder(i);
                if (n.getAttributeCount() == 0 || rnd.nextInt(4) == 0) {
                    n.addAttribute(OnnxMl.AttributeProto.newBuilder().setName(rnd.nextBoolean() ? "axis" : "kernel_shape")
                            .setType(OnnxMl.AttributeProto.AttributeType.INTS).addInts(huge(rnd)).addInts(huge(rnd)));
                    what.append("attr-add ").append(i);
                } else {
                    int a = rnd.nextInt(n.getAttributeCount());
                    OnnxMl.AttributeProto.Builder ab = n.getAttributeBuilder(a);
                    switch (rnd.nextInt(5)) {
                        case 0 -> n.removeAttribute(a);
                        case 1 -> ab.setType(OnnxMl.AttributeProto.AttributeType.forNumber(rnd.nextInt(15)) == null
                                ? OnnxMl.AttributeProto.AttributeType.STRING
                                : OnnxMl.AttributeProto.AttributeType.forNumber(rnd.nextInt(15)));
                        case 2 -> {
                            ab.clearInts();
                            int k = rnd.nextInt(6);
                            for (int j = 0; j < k; j++) {
                                ab.addInts(huge(rnd));
                            }
                        }
                        case 3 -> ab.setI(huge(rnd)).setF(Float.intBitsToFloat(rnd.nextInt()));
                        default -> ab.setName("x" + rnd.nextInt(3));
                    }
                    what.append("attr ").append(i).append('/').append(a);
                }
                break;
            }
            case 4: {
                OnnxMl.TensorShapeProto.Builder s = g.getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder()
                        .getShapeBuilder();
                int d = rnd.nextInt(s.getDimCount());
                long val = huge(rnd);
                if (rnd.nextInt(4) == 0) {
                    s.getDimBuilder(d).setDimParam("n" + rnd.nextInt(3));
                } else {
                    s.getDimBuilder(d).setDimValue(val);
                }
                if (rnd.nextInt(5) == 0) {
                    s.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(1 + rnd.nextInt(3)));
                }
                what.append("dim ").append(d).append('=').append(val);
                break;
            }
            case 5: {
                int t = rnd.nextInt(20);
                if (rnd.nextBoolean()) {
                    g.getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().setElemType(t);
                    what.append("input-type ").append(t);
                } else {
                    int i = rnd.nextInt(g.getInitializerCount());
                    g.getInitializerBuilder(i).setDataType(t);
                    what.append("init-type ").append(i).append('=').append(t);
                }
                break;
            }
            case 6: {
                int i = rnd.nextInt(g.getInitializerCount());
                what.append("remove-init ").append(g.getInitializer(i).getName());
                g.removeInitializer(i);
                break;
            }
            case 7: {
                int i = rnd.nextInt(g.getNodeCount());
                OnnxMl.NodeProto.Builder n = g.getNodeBuilder(i);
                if (rnd.nextBoolean() && n.getInputCount() > 0) {
                    n.setInput(rnd.nextInt(n.getInputCount()), rnd.nextBoolean() ? "dangling" : "");
                } else if (n.getOutputCount() > 0) {
                    n.setOutput(0, rnd.nextBoolean() ? "dangling" : g.getNode(rnd.nextInt(g.getNodeCount())).getOutput(0));
                }
                what.append("dangling ").append(i);
                break;
            }
            case 8: {
                int i = rnd.nextInt(g.getInitializerCount());
                OnnxMl.TensorProto.Builder t = g.getInitializerBuilder(i);
                if (t.getDimsCount() > 0) {
                    t.setDims(rnd.nextInt(t.getDimsCount()), huge(rnd));
                } else {
                    t.addDims(huge(rnd));
                }
                what.append("init-dims ").append(i);
                break;
            }
            case 9: {
                long v = new long[] {0, 1, 6, 7, 12, 23, 99_999, -1}[rnd.nextInt(8)];
                m.setOpsetImport(0, m.getOpsetImport(0).toBuilder().setVersion(v));
                what.append("opset ").append(v);
                break;
            }
            case 10: {
                int i = rnd.nextInt(g.getNodeCount());
                int j = rnd.nextInt(g.getNodeCount());
                OnnxMl.NodeProto a = g.getNode(i);
                g.setNode(i, g.getNode(j));
                g.setNode(j, a);
                what.append("swap ").append(i).append(',').append(j);
                break;
            }
            case 11: {
                int i = rnd.nextInt(g.getNodeCount());
                what.append("remove-node ").append(i);
                g.removeNode(i);
                break;
            }
            case 12: {
                int i = rnd.nextInt(g.getInitializerCount());
                OnnxMl.TensorProto.Builder t = g.getInitializerBuilder(i);
                ByteString raw = t.getRawData();
                t.setRawData(raw.substring(0, rnd.nextInt(Math.max(1, raw.size()))));
                what.append("raw-cut ").append(i);
                break;
            }
            default: {
                // several at once
                OnnxMl.ModelProto once = OnnxMl.ModelProto.newBuilder().build();
                try {
                    once = OnnxMl.ModelProto.parseFrom(mutate(base, rnd, new StringBuilder()));
                } catch (Exception e) {
                    // a byte-level mutation that no longer parses: start again from the base
                    once = base;
                }
                what.append("double+");
                return mutate(once, rnd, what);
            }
        }
        return m.build().toByteArray();
    }

    private static int weightBytes(OnnxMl.ModelProto m) {
        int n = 0;
        for (OnnxMl.TensorProto t : m.getGraph().getInitializerList()) {
            n += t.getRawData().size() + t.getFloatDataCount() * 4;
        }
        return n;
    }

    private static long huge(Random rnd) {
        long[] v = {0, 1, 2, 3, -1, -7, 28, 1000, 1_000_000, 1L << 31, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE};
        return v[rnd.nextInt(v.length)];
    }
}
