package netviz.zoo;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import netviz.NetvizException;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Tensor;
import netviz.engine.ValueInfo;
import netviz.onnx.OnnxLoader;
import netviz.onnx.OnnxWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutates and truncates valid model files more than a thousand ways — flipped bytes, cut lengths,
 * absurd initializer dimensions and raw_data lengths, dangling tensor names, cycles, duplicate
 * producers, unknown operators and domains, bad opsets and IR versions, bad attributes, missing or
 * lying external-data files — and loads each one (then builds an interpreter and runs a forward
 * pass when it loads). Every case must end in a {@link NetvizException} with a one-line message or
 * in a correct load: never another exception type, an {@link Error}, a hang (each case runs under
 * a preemptive timeout) or a large allocation (each case's Java heap allocation is measured with
 * {@code ThreadMXBean.getThreadAllocatedBytes}; resident memory is checked after the run).
 */
public class LoaderFuzzTest {
    static final Duration CASE_TIMEOUT = Duration.ofSeconds(30);
    static final long MAX_CASE_ALLOCATION = 256L << 20;
    static final long FORWARD_MAX_INPUT = 1 << 20;

    @TempDir
    static Path dir;

    private static final List<Base> BASES = new ArrayList<>();
    private static final Map<String, int[]> TALLY = new TreeMap<>();
    private static long rssBefore;

    /** A valid model to mutate; {@code external} when its initializers live in a file beside it. */
    record Base(String name, OnnxMl.ModelProto proto, boolean external) {
        byte[] bytes() {
            return proto.toByteArray();
        }
    }

    enum Outcome { LOADED, RAN, TYPED_ERROR }

    @BeforeAll
    static void bases() throws IOException {
        rssBefore = MemoryTest.rssKb();
        BASES.add(new Base("exporter13", OnnxWriter.toProto(ModelZoo.exporterPlumbing(13, 1).graph(), "fuzz"), false));
        BASES.add(new Base("shufflenet9", OnnxWriter.toProto(ModelZoo.shufflenet(9, 1).graph(), "fuzz"), false));
        BASES.add(new Base("squeezenet10", OnnxWriter.toProto(ModelZoo.squeezenet(10, 1).graph(), "fuzz"), false));
        OnnxMl.ModelProto ext = externalize(OnnxWriter.toProto(ModelZoo.mobilenetV3(14, 1).graph(), "fuzz"),
                dir.resolve("weights.bin"), "weights.bin");
        BASES.add(new Base("mobilenet14-external", ext, true));
        for (Base b : BASES) {
            Outcome o = runCase(b.name() + " (unmutated)", b.bytes());
            assertTrue(o == Outcome.RAN, b.name() + " does not run unmutated: " + o);
        }
    }

    // ------------------------------------------------------------ the cases

    @Test
    void flippedBytes() {
        Random r = new Random(1);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            Base b = BASES.get(i % BASES.size());
            byte[] bytes = b.bytes();
            int flips = 1 + r.nextInt(4);
            StringBuilder what = new StringBuilder(b.name() + " flip");
            for (int k = 0; k < flips; k++) {
                // half of the flips land in the first kilobytes, where the graph structure is
                int pos = r.nextBoolean() ? r.nextInt(Math.min(bytes.length, 4096)) : r.nextInt(bytes.length);
                byte mask = (byte) (1 << r.nextInt(8));
                if (r.nextInt(4) == 0) {
                    mask = (byte) (1 + r.nextInt(255));
                }
                bytes[pos] ^= mask;
                what.append(' ').append(pos).append('^').append(mask & 0xff);
            }
            check("flipped bytes", what.toString(), bytes, null, failures);
        }
        report(failures);
    }

    @Test
    void truncatedFiles() {
        Random r = new Random(2);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Base b = BASES.get(i % BASES.size());
            byte[] bytes = b.bytes();
            int cut = i < 8 ? i : (r.nextBoolean() ? r.nextInt(Math.min(bytes.length, 4096)) : r.nextInt(bytes.length));
            byte[] t = java.util.Arrays.copyOf(bytes, cut);
            check("truncated", b.name() + " cut at " + cut + " of " + bytes.length, t, Outcome.TYPED_ERROR, failures);
        }
        // garbage and other formats
        check("not onnx", "empty", new byte[0], Outcome.TYPED_ERROR, failures);
        check("not onnx", "text", "this is not a model\n".getBytes(), Outcome.TYPED_ERROR, failures);
        check("not onnx", "png header", new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10}, Outcome.TYPED_ERROR,
                failures);
        Random g = new Random(3);
        for (int i = 0; i < 20; i++) {
            byte[] noise = new byte[1 + g.nextInt(5000)];
            g.nextBytes(noise);
            check("not onnx", "random bytes " + i, noise, null, failures);
        }
        report(failures);
    }

    @Test
    void structuralMutations() {
        Random r = new Random(4);
        List<String> failures = new ArrayList<>();
        List<Mutation> ms = mutations();
        for (int i = 0; i < 420; i++) {
            Mutation m = ms.get(i % ms.size());
            Base b = BASES.get((i / ms.size()) % BASES.size());
            if (m.needsExternal && !b.external()) {
                b = BASES.get(BASES.size() - 1);
            }
            OnnxMl.ModelProto.Builder mb = b.proto().toBuilder();
            String detail;
            try {
                detail = m.apply.apply(mb, r);
            } catch (SkipCase s) {
                continue;
            }
            check(m.name, b.name() + ": " + detail, mb.build().toByteArray(), m.expect, failures);
        }
        report(failures);
    }

    // ------------------------------------------------------------ structural mutations

    private static final class SkipCase extends RuntimeException {
        SkipCase() {
            super(null, null, false, false);
        }
    }

    interface Mutator {
        String apply(OnnxMl.ModelProto.Builder m, Random r);
    }

    record Mutation(String name, Outcome expect, boolean needsExternal, Mutator apply) {
    }

    private static OnnxMl.TensorProto.Builder someInitializer(OnnxMl.ModelProto.Builder m, Random r) {
        OnnxMl.GraphProto.Builder g = m.getGraphBuilder();
        if (g.getInitializerCount() == 0) {
            throw new SkipCase();
        }
        return g.getInitializerBuilder(r.nextInt(g.getInitializerCount()));
    }

    private static OnnxMl.NodeProto.Builder someNode(OnnxMl.ModelProto.Builder m, Random r) {
        OnnxMl.GraphProto.Builder g = m.getGraphBuilder();
        return g.getNodeBuilder(r.nextInt(g.getNodeCount()));
    }

    private static OnnxMl.NodeProto.Builder someNodeWithInput(OnnxMl.ModelProto.Builder m, Random r) {
        for (int t = 0; t < 50; t++) {
            OnnxMl.NodeProto.Builder n = someNode(m, r);
            if (n.getInputCount() > 0) {
                return n;
            }
        }
        throw new SkipCase();
    }

    private static OnnxMl.NodeProto.Builder someNodeOf(OnnxMl.ModelProto.Builder m, Random r, String... ops) {
        List<OnnxMl.NodeProto.Builder> c = new ArrayList<>();
        for (OnnxMl.NodeProto.Builder n : m.getGraphBuilder().getNodeBuilderList()) {
            if (List.of(ops).contains(n.getOpType())) {
                c.add(n);
            }
        }
        if (c.isEmpty()) {
            throw new SkipCase();
        }
        return c.get(r.nextInt(c.size()));
    }

    private static void setAttr(OnnxMl.NodeProto.Builder n, OnnxMl.AttributeProto a) {
        for (int i = 0; i < n.getAttributeCount(); i++) {
            if (n.getAttribute(i).getName().equals(a.getName())) {
                n.setAttribute(i, a);
                return;
            }
        }
        n.addAttribute(a);
    }

    private static OnnxMl.AttributeProto ints(String name, long... v) {
        OnnxMl.AttributeProto.Builder b = OnnxMl.AttributeProto.newBuilder().setName(name)
                .setType(OnnxMl.AttributeProto.AttributeType.INTS);
        for (long x : v) {
            b.addInts(x);
        }
        return b.build();
    }

    private static OnnxMl.AttributeProto intAttr(String name, long v) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INT)
                .setI(v).build();
    }

    private static final long[] ABSURD = {1L << 40, Long.MAX_VALUE, 1L << 31, -1, -(1L << 40), 0, 3_000_000_000L};

    static List<Mutation> mutations() {
        Outcome typed = Outcome.TYPED_ERROR;
        List<Mutation> ms = new ArrayList<>();
        ms.add(new Mutation("absurd initializer dims", typed, false, (m, r) -> {
            OnnxMl.TensorProto.Builder t = someInitializer(m, r);
            if (t.getDimsCount() == 0) {
                throw new SkipCase();
            }
            long d = ABSURD[r.nextInt(ABSURD.length)];
            int k = r.nextInt(t.getDimsCount());
            if (d == 0 && t.getRawData().isEmpty()) {
                throw new SkipCase();
            }
            t.setDims(k, d);
            return t.getName() + " dim " + k + " = " + d;
        }));
        ms.add(new Mutation("many initializer dims", typed, false, (m, r) -> {
            OnnxMl.TensorProto.Builder t = someInitializer(m, r);
            int extra = 20 + r.nextInt(200);
            for (int i = 0; i < extra; i++) {
                t.addDims(2 + r.nextInt(1000));
            }
            return t.getName() + " +" + extra + " dims";
        }));
        ms.add(new Mutation("raw_data length", typed, false, (m, r) -> {
            OnnxMl.TensorProto.Builder t = someInitializer(m, r);
            ByteString raw = t.getRawData();
            if (raw.isEmpty() && t.getExternalDataCount() == 0) {
                throw new SkipCase();
            }
            if (t.getExternalDataCount() > 0) {
                t.clearExternalData().setDataLocation(OnnxMl.TensorProto.DataLocation.DEFAULT);
                t.setRawData(ByteString.copyFrom(new byte[1 + r.nextInt(7)]));
                return t.getName() + " external replaced by a few raw bytes";
            }
            int cut = 1 + r.nextInt(Math.max(1, raw.size()));
            if (r.nextBoolean()) {
                t.setRawData(raw.substring(0, raw.size() - Math.min(cut, raw.size())));
                if (t.getRawData().isEmpty()) {
                    t.setRawData(ByteString.copyFrom(new byte[3]));
                }
                return t.getName() + " raw_data cut by " + cut;
            }
            t.setRawData(raw.concat(ByteString.copyFrom(new byte[1 + r.nextInt(64)])));
            return t.getName() + " raw_data grown";
        }));
        ms.add(new Mutation("typed field count", typed, false, (m, r) -> {
            OnnxMl.TensorProto.Builder t = someInitializer(m, r);
            if (t.getDataType() != OnnxMl.TensorProto.DataType.FLOAT_VALUE || t.getRawData().size() < 8) {
                throw new SkipCase();
            }
            int n = t.getRawData().size() / 4;
            t.clearRawData();
            int have = r.nextBoolean() ? n - 1 : n + 1 + r.nextInt(5);
            for (int i = 0; i < have; i++) {
                t.addFloatData(0.5f);
            }
            return t.getName() + " float_data " + have + " of " + n;
        }));
        ms.add(new Mutation("bad element type", typed, false, (m, r) -> {
            OnnxMl.TensorProto.Builder t = someInitializer(m, r);
            int[] types = {0, 8, 14, 15, 17, 18, 19, 20, 21, 22, 23, 99, -3};
            int ty = types[r.nextInt(types.length)];
            t.setDataType(ty);
            return t.getName() + " data_type " + ty;
        }));
        ms.add(new Mutation("dangling input", typed, false, (m, r) -> {
            OnnxMl.NodeProto.Builder n = someNodeWithInput(m, r);
            int k = r.nextInt(n.getInputCount());
            if (n.getInput(k).isEmpty()) {
                throw new SkipCase();
            }
            n.setInput(k, n.getInput(k) + "_typo");
            return n.getName() + " input " + k + " renamed";
        }));
        ms.add(new Mutation("cycle", typed, false, (m, r) -> {
            OnnxMl.GraphProto.Builder g = m.getGraphBuilder();
            int a = r.nextInt(g.getNodeCount());
            int b = a + r.nextInt(g.getNodeCount() - a);
            OnnxMl.NodeProto.Builder first = g.getNodeBuilder(a);
            if (first.getInputCount() == 0 || g.getNode(b).getOutputCount() == 0) {
                throw new SkipCase();
            }
            // feeding a node from itself or from a node downstream of it closes a loop (when b depends on a)
            first.setInput(0, g.getNode(b).getOutput(0));
            return first.getName() + " input 0 := output of " + g.getNode(b).getName();
        }));
        ms.add(new Mutation("self loop", typed, false, (m, r) -> {
            OnnxMl.NodeProto.Builder n = someNodeWithInput(m, r);
            n.setInput(0, n.getOutput(0));
            return n.getName() + " reads its own output";
        }));
        ms.add(new Mutation("duplicate producer", typed, false, (m, r) -> {
            OnnxMl.GraphProto.Builder g = m.getGraphBuilder();
            int a = r.nextInt(g.getNodeCount());
            int b = r.nextInt(g.getNodeCount());
            if (a == b) {
                throw new SkipCase();
            }
            g.getNodeBuilder(a).setOutput(0, g.getNode(b).getOutput(0));
            return g.getNode(a).getName() + " also writes " + g.getNode(b).getOutput(0);
        }));
        ms.add(new Mutation("unknown operator", typed, false, (m, r) -> {
            OnnxMl.NodeProto.Builder n = someNode(m, r);
            String[] names = {"Conv2D", "conv", "FusedConv", "NonMaxSuppression", "", "Relu ", "Loop", "\u00e9"};
            String op = names[r.nextInt(names.length)];
            n.setOpType(op);
            return n.getName() + " op_type '" + op + "'";
        }));
        ms.add(new Mutation("unknown domain", typed, false, (m, r) -> {
            OnnxMl.NodeProto.Builder n = someNode(m, r);
            String d = r.nextBoolean() ? "com.microsoft" : "ai.onnx.ml";
            n.setDomain(d);
            return n.getName() + " domain " + d;
        }));
        ms.add(new Mutation("bad opset", typed, false, (m, r) -> {
            long[] v = {0, -1, 10_001, 1L << 40, 23, 99};
            long ver = v[r.nextInt(v.length)];
            m.setOpsetImport(0, m.getOpsetImport(0).toBuilder().setVersion(ver));
            return "opset " + ver;
        }));
        ms.add(new Mutation("old opset", null, false, (m, r) -> {
            long ver = 1 + r.nextInt(6);
            m.setOpsetImport(0, m.getOpsetImport(0).toBuilder().setVersion(ver));
            return "opset " + ver;
        }));
        ms.add(new Mutation("no opset import", null, false, (m, r) -> {
            m.clearOpsetImport();
            return "no opset_import";
        }));
        ms.add(new Mutation("ir version", typed, false, (m, r) -> {
            long[] v = {0, -7, 1000, Long.MAX_VALUE};
            long ver = v[r.nextInt(v.length)];
            m.setIrVersion(ver);
            return "ir_version " + ver;
        }));
        ms.add(new Mutation("no graph", typed, false, (m, r) -> {
            if (r.nextBoolean()) {
                m.clearGraph();
                return "no graph";
            }
            m.getGraphBuilder().clearNode();
            return "no nodes";
        }));
        ms.add(new Mutation("outputs", typed, false, (m, r) -> {
            OnnxMl.GraphProto.Builder g = m.getGraphBuilder();
            if (r.nextBoolean()) {
                g.clearOutput();
                return "no outputs";
            }
            g.setOutput(0, g.getOutput(0).toBuilder().setName("nowhere"));
            return "output renamed";
        }));
        ms.add(new Mutation("input shape", null, false, (m, r) -> {
            OnnxMl.GraphProto.Builder g = m.getGraphBuilder();
            OnnxMl.TypeProto.Tensor.Builder t = g.getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder();
            OnnxMl.TensorShapeProto.Builder s = t.getShapeBuilder();
            int k = r.nextInt(s.getDimCount());
            long d = ABSURD[r.nextInt(ABSURD.length)];
            s.setDim(k, OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
            if (r.nextInt(3) == 0) {
                t.setElemType(r.nextBoolean() ? 8 : 77);
                return "input dim " + k + " = " + d + ", element type changed";
            }
            return "input dim " + k + " = " + d;
        }));
        ms.add(new Mutation("missing input name", typed, false, (m, r) -> {
            OnnxMl.GraphProto.Builder g = m.getGraphBuilder();
            g.setInput(0, g.getInput(0).toBuilder().setName(""));
            return "input without name";
        }));
        ms.add(new Mutation("attribute of wrong type", typed, false, (m, r) -> {
            OnnxMl.NodeProto.Builder n = someNodeOf(m, r, "Conv", "MaxPool", "AveragePool", "Gemm", "Concat", "Flatten",
                    "Transpose", "Split", "Softmax", "Gather", "LRN", "Cast", "Slice");
            if (n.getAttributeCount() == 0) {
                throw new SkipCase();
            }
            int k = r.nextInt(n.getAttributeCount());
            OnnxMl.AttributeProto a = n.getAttribute(k);
            OnnxMl.AttributeProto.Builder b = a.toBuilder().clearInts().clearFloats().clearI().clearF();
            if (a.getType() == OnnxMl.AttributeProto.AttributeType.INTS || a.getType() == OnnxMl.AttributeProto.AttributeType.INT) {
                b.setType(OnnxMl.AttributeProto.AttributeType.FLOAT).setF(1.5f);
            } else {
                b.setType(OnnxMl.AttributeProto.AttributeType.INTS).addInts(3);
            }
            n.setAttribute(k, b);
            return n.getName() + " attribute " + a.getName() + " retyped";
        }));
        ms.add(new Mutation("absurd attribute", null, false, (m, r) -> {
            OnnxMl.NodeProto.Builder n = someNodeOf(m, r, "Conv", "MaxPool", "AveragePool", "Concat", "Flatten",
                    "Transpose", "Softmax", "Gather", "LRN", "Cast", "Split", "Gemm", "Squeeze", "Unsqueeze", "Slice");
            long v = ABSURD[r.nextInt(ABSURD.length)];
            OnnxMl.AttributeProto a;
            switch (n.getOpType()) {
                case "Conv": {
                    String[] which = {"kernel_shape", "strides", "pads", "dilations", "group"};
                    String w = which[r.nextInt(which.length)];
                    a = w.equals("group") ? intAttr(w, v) : w.equals("pads") ? ints(w, v, v, v, v) : ints(w, v, v);
                    break;
                }
                case "MaxPool": case "AveragePool": {
                    String[] which = {"kernel_shape", "strides", "pads"};
                    String w = which[r.nextInt(which.length)];
                    a = w.equals("pads") ? ints(w, 0, v, 0, v) : ints(w, v, 1);
                    break;
                }
                case "Transpose": a = ints("perm", 0, v, 1, 2); break;
                case "Split": a = ints("split", v, 1); break;
                case "Slice": a = ints(r.nextBoolean() ? "axes" : "starts", v); break;
                case "Squeeze": case "Unsqueeze": a = ints("axes", v); break;
                case "Cast": a = intAttr("to", v); break;
                case "LRN": a = intAttr("size", v); break;
                case "Gemm": a = intAttr(r.nextBoolean() ? "transA" : "transB", v); break;
                default: a = intAttr("axis", v); break;
            }
            setAttr(n, a);
            return n.getName() + " " + a.getName() + " = " + a.getIntsList() + "/" + a.getI();
        }));
        ms.add(new Mutation("absurd constant", null, false, (m, r) -> {
            OnnxMl.NodeProto.Builder n = someNodeOf(m, r, "Constant");
            OnnxMl.AttributeProto a = n.getAttribute(0);
            OnnxMl.TensorProto t = a.getT();
            if (t.getDataType() != OnnxMl.TensorProto.DataType.INT64_VALUE) {
                throw new SkipCase();
            }
            long[] vals = new long[t.getRawData().size() / 8];
            long v = ABSURD[r.nextInt(ABSURD.length)];
            for (int i = 0; i < vals.length; i++) {
                vals[i] = r.nextBoolean() ? v : r.nextInt(5) - 2;
            }
            OnnxMl.TensorProto nt = netviz.onnx.TensorProtos.toProto("", Tensor.ofLongs(
                    t.getDimsList().stream().mapToLong(Long::longValue).toArray(), vals));
            n.setAttribute(0, a.toBuilder().setT(nt));
            return n.getName() + " values " + java.util.Arrays.toString(vals);
        }));
        ms.add(new Mutation("node inputs", null, false, (m, r) -> {
            OnnxMl.NodeProto.Builder n = someNodeWithInput(m, r);
            if (r.nextBoolean()) {
                List<String> in = new ArrayList<>(n.getInputList());
                in.remove(in.size() - 1);
                n.clearInput().addAllInput(in);
                return n.getName() + " lost its last input";
            }
            n.addInput(n.getInput(0));
            return n.getName() + " got an extra input";
        }));
        ms.add(new Mutation("node outputs", null, false, (m, r) -> {
            OnnxMl.NodeProto.Builder n = someNode(m, r);
            n.addOutput(n.getName() + "_extra_output");
            return n.getName() + " got an extra output";
        }));
        ms.add(new Mutation("graph attribute", typed, false, (m, r) -> {
            OnnxMl.NodeProto.Builder n = someNode(m, r);
            n.setOpType("If");
            n.addAttribute(OnnxMl.AttributeProto.newBuilder().setName("then_branch")
                    .setType(OnnxMl.AttributeProto.AttributeType.GRAPH).setG(m.getGraph()));
            return n.getName() + " became an If with a subgraph";
        }));
        ms.add(new Mutation("missing external file", typed, true, (m, r) -> {
            OnnxMl.TensorProto.Builder t = externalInitializer(m, r);
            String loc = r.nextBoolean() ? "missing.bin" : "sub/dir/weights.bin";
            setExternal(t, "location", loc);
            return t.getName() + " location " + loc;
        }));
        ms.add(new Mutation("external data lies", typed, true, (m, r) -> {
            OnnxMl.TensorProto.Builder t = externalInitializer(m, r);
            switch (r.nextInt(6)) {
                case 0: setExternal(t, "offset", Long.toString(1L << 40)); return t.getName() + " offset 2^40";
                case 1: setExternal(t, "offset", "-8"); return t.getName() + " offset -8";
                case 2: setExternal(t, "length", "12"); return t.getName() + " length 12";
                case 3: setExternal(t, "offset", "lots"); return t.getName() + " offset 'lots'";
                case 4: setExternal(t, "location", "../../../../etc/passwd"); return t.getName() + " location outside";
                default: setExternal(t, "location", ""); return t.getName() + " empty location";
            }
        }));
        ms.add(new Mutation("external dims", typed, true, (m, r) -> {
            OnnxMl.TensorProto.Builder t = externalInitializer(m, r);
            long d = 1L << (20 + r.nextInt(20));
            t.setDims(0, d);
            return t.getName() + " dim 0 = " + d + " (external)";
        }));
        return ms;
    }

    private static OnnxMl.TensorProto.Builder externalInitializer(OnnxMl.ModelProto.Builder m, Random r) {
        List<OnnxMl.TensorProto.Builder> c = new ArrayList<>();
        for (OnnxMl.TensorProto.Builder t : m.getGraphBuilder().getInitializerBuilderList()) {
            if (t.getExternalDataCount() > 0) {
                c.add(t);
            }
        }
        if (c.isEmpty()) {
            throw new SkipCase();
        }
        return c.get(r.nextInt(c.size()));
    }

    private static void setExternal(OnnxMl.TensorProto.Builder t, String key, String value) {
        for (int i = 0; i < t.getExternalDataCount(); i++) {
            if (t.getExternalData(i).getKey().equals(key)) {
                t.setExternalData(i, t.getExternalData(i).toBuilder().setValue(value));
                return;
            }
        }
        t.addExternalData(OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value));
    }

    /**
     * Moves every initializer's raw_data to {@code file} (one after another, 64-byte aligned), as
     * ONNX's external-data format stores large models, and points each tensor at it.
     */
    static OnnxMl.ModelProto externalize(OnnxMl.ModelProto model, Path file, String location) throws IOException {
        OnnxMl.ModelProto.Builder m = model.toBuilder();
        java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
        for (OnnxMl.TensorProto.Builder t : m.getGraphBuilder().getInitializerBuilderList()) {
            ByteString raw = t.getRawData();
            if (raw.isEmpty()) {
                continue;
            }
            while (data.size() % 64 != 0) {
                data.write(0);
            }
            long offset = data.size();
            raw.writeTo(data);
            t.clearRawData().setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL)
                    .addExternalData(entry("location", location))
                    .addExternalData(entry("offset", Long.toString(offset)))
                    .addExternalData(entry("length", Long.toString(raw.size())));
        }
        Files.write(file, data.toByteArray());
        return m.build();
    }

    private static OnnxMl.StringStringEntryProto entry(String k, String v) {
        return OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
    }

    // ------------------------------------------------------------ the harness

    private static void check(String category, String what, byte[] bytes, Outcome expect, List<String> failures) {
        int[] t = TALLY.computeIfAbsent(category, k -> new int[3]);
        try {
            Outcome o = runCase(what, bytes);
            t[o.ordinal()]++;
            if (expect != null && o != expect && !(expect == Outcome.RAN && o == Outcome.LOADED)) {
                failures.add(category + " [" + what + "]: expected " + expect + " but got " + o);
            }
        } catch (Throwable e) {
            StringBuilder s = new StringBuilder(category + " [" + what + "]: " + e);
            for (StackTraceElement el : e.getStackTrace()) {
                if (el.getClassName().startsWith("netviz")) {
                    s.append("\n      at ").append(el);
                    break;
                }
            }
            failures.add(s.toString());
        }
    }

    /** Loads, builds an interpreter and runs a forward pass; returns how far it got. Throws on anything but a typed error. */
    static Outcome runCase(String what, byte[] bytes) {
        return assertTimeoutPreemptively(CASE_TIMEOUT, () -> {
            com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long id = Thread.currentThread().getId();
            long before = mx.getThreadAllocatedBytes(id);
            Outcome o;
            try {
                o = loadAndRun(what, bytes);
            } catch (NetvizException e) {
                String msg = e.getMessage();
                if (msg == null || msg.isBlank() || msg.contains("\n")) {
                    throw new AssertionError("typed error without a one-line message: " + e.getClass().getSimpleName()
                            + " '" + msg + "'");
                }
                o = Outcome.TYPED_ERROR;
            }
            long allocated = mx.getThreadAllocatedBytes(id) - before;
            if (allocated > MAX_CASE_ALLOCATION + 20L * bytes.length) {
                throw new AssertionError("allocated " + (allocated >> 20) + " MiB on the Java heap for a "
                        + bytes.length + "-byte file");
            }
            return o;
        }, () -> "case '" + what + "' did not finish within " + CASE_TIMEOUT);
    }

    private static Outcome loadAndRun(String what, byte[] bytes) {
        Graph g = OnnxLoader.load(bytes, dir, what);
        try (Interpreter it = Interpreter.of(g)) {
            Map<String, ai.djl.ndarray.NDArray> feeds = new LinkedHashMap<>();
            try (NDManager m = it.newScope()) {
                for (ValueInfo in : g.inputs()) {
                    if (!in.hasShape() || in.type() == null || !in.type().isFloatingPoint()) {
                        return Outcome.LOADED;
                    }
                    long n = 1;
                    long[] dims = in.dims().clone();
                    for (int i = 0; i < dims.length; i++) {
                        dims[i] = dims[i] < 0 ? 1 : dims[i];
                        n *= Math.max(1, dims[i]);
                        if (dims[i] > FORWARD_MAX_INPUT || n > FORWARD_MAX_INPUT) {
                            return Outcome.LOADED; // the harness does not feed huge inputs
                        }
                    }
                    feeds.put(in.name(), m.randomNormal(new Shape(dims)).toType(DataType.FLOAT32, false));
                }
                if (!saneIntegerConstants(g)) {
                    return Outcome.LOADED;
                }
                it.forward(m, feeds, List.of());
                return Outcome.RAN;
            }
        }
    }

    /**
     * The forward pass is only attempted when every integer constant (shapes, pads, indices) is
     * small: an op told to pad by 2^20 would legitimately need gigabytes, which is the model's
     * request, not the loader's; {@link #structuralMutations} has those cases at load time.
     */
    private static boolean saneIntegerConstants(Graph g) {
        List<Tensor> ts = new ArrayList<>(g.initializers().values());
        g.nodes().forEach(n -> n.attributes().values().forEach(a -> {
            if (a.t() != null) {
                ts.add(a.t());
            }
        }));
        for (Tensor t : ts) {
            if (t.type().isFloatingPoint() || t.size() > 64) {
                continue;
            }
            for (double v : t.toDoubleArray()) {
                if (Math.abs(v) > 4096 && Math.abs(v) < 1e15) {
                    return false;
                }
            }
        }
        return true;
    }

    private static void report(List<String> failures) {
        if (!failures.isEmpty()) {
            fail(failures.size() + " fuzz cases ended in something other than a typed error or a correct load:\n  "
                    + String.join("\n  ", failures.subList(0, Math.min(40, failures.size()))));
        }
    }

    @AfterAll
    static void summary() throws IOException {
        int total = 0;
        StringBuilder s = new StringBuilder();
        for (Map.Entry<String, int[]> e : TALLY.entrySet()) {
            int[] t = e.getValue();
            total += t[0] + t[1] + t[2];
            s.append(String.format("  %-28s loaded %4d, ran %4d, typed error %4d%n", e.getKey(), t[0], t[1], t[2]));
        }
        long rss = MemoryTest.rssKb();
        System.out.printf("LoaderFuzz: %d cases; VmRSS %d kB -> %d kB%n%s", total, rssBefore, rss, s);
        assertTrue(rss - rssBefore < 2L << 20, "resident memory grew by " + (rss - rssBefore) / 1024 + " MiB");
    }
}
