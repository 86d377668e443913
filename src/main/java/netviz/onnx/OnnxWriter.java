package netviz.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import netviz.NetvizException;
import netviz.engine.Attribute;
import netviz.engine.Graph;
import netviz.engine.Node;
import netviz.engine.Tensor;
import netviz.engine.ValueInfo;

/**
 * Writes a {@link Graph} as an ONNX model (the same {@code ai.onnx.proto} classes the loader
 * reads), with initializers as raw_data and metadata_props. Used to export the models netviz
 * trains and to build test models that ONNX Runtime checks.
 */
public final class OnnxWriter {
    /** IR version written: 8 (ONNX 1.10+, opsets up to 17/18), which every current runtime reads. */
    public static final int IR_VERSION = 8;

    private OnnxWriter() {
    }

    public static OnnxMl.ModelProto toProto(Graph g, String producer) {
        OnnxMl.ModelProto.Builder m = OnnxMl.ModelProto.newBuilder()
                .setIrVersion(g.opset("") > 18 ? 10 : IR_VERSION)
                .setProducerName(producer)
                .setProducerVersion("0.1");
        g.opsets().forEach((d, v) -> m.addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain(d).setVersion(v)));
        g.metadata().forEach((k, v) -> m.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        OnnxMl.GraphProto.Builder gb = OnnxMl.GraphProto.newBuilder().setName(g.name() == null ? "" : g.name());
        for (Map.Entry<String, Tensor> e : g.initializers().entrySet()) {
            gb.addInitializer(TensorProtos.toProto(e.getKey(), e.getValue()));
        }
        for (Node n : g.nodes()) {
            OnnxMl.NodeProto.Builder nb = OnnxMl.NodeProto.newBuilder().setName(n.name()).setOpType(n.opType())
                    .addAllInput(n.inputs()).addAllOutput(n.outputs());
            if (!n.domain().isEmpty()) {
                nb.setDomain(n.domain());
            }
            for (Attribute a : n.attributes().values()) {
                nb.addAttribute(toProto(a));
            }
            gb.addNode(nb);
        }
        for (ValueInfo v : g.inputs()) {
            gb.addInput(toProto(v));
        }
        for (ValueInfo v : g.outputs()) {
            gb.addOutput(toProto(v));
        }
        return m.setGraph(gb).build();
    }

    public static byte[] toBytes(Graph g) {
        return toProto(g, "netviz").toByteArray();
    }

    /** Writes atomically: a temporary file beside the target, renamed when complete. */
    public static void write(Graph g, Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = netviz.io.TempFiles.createFile(dir, ".netviz-", ".onnx.tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                toProto(g, "netviz").writeTo(out);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new NetvizException("cannot write model '" + file + "': " + e.getMessage(), e);
        }
    }

    static OnnxMl.AttributeProto toProto(Attribute a) {
        OnnxMl.AttributeProto.Builder b = OnnxMl.AttributeProto.newBuilder().setName(a.name());
        switch (a.kind()) {
            case FLOAT: return b.setType(OnnxMl.AttributeProto.AttributeType.FLOAT).setF(a.f()).build();
            case INT: return b.setType(OnnxMl.AttributeProto.AttributeType.INT).setI(a.i()).build();
            case STRING: return b.setType(OnnxMl.AttributeProto.AttributeType.STRING)
                    .setS(ByteString.copyFromUtf8(a.s())).build();
            case TENSOR: return b.setType(OnnxMl.AttributeProto.AttributeType.TENSOR)
                    .setT(TensorProtos.toProto("", a.t())).build();
            case FLOATS:
                b.setType(OnnxMl.AttributeProto.AttributeType.FLOATS);
                for (float f : a.floats()) {
                    b.addFloats(f);
                }
                return b.build();
            case INTS:
                b.setType(OnnxMl.AttributeProto.AttributeType.INTS);
                for (long i : a.ints()) {
                    b.addInts(i);
                }
                return b.build();
            case STRINGS:
                b.setType(OnnxMl.AttributeProto.AttributeType.STRINGS);
                for (String s : a.strings()) {
                    b.addStrings(ByteString.copyFromUtf8(s));
                }
                return b.build();
            default:
                throw new IllegalArgumentException("cannot write attribute " + a);
        }
    }

    static OnnxMl.ValueInfoProto toProto(ValueInfo v) {
        OnnxMl.ValueInfoProto.Builder b = OnnxMl.ValueInfoProto.newBuilder().setName(v.name());
        if (v.type() == null) {
            return b.build();
        }
        OnnxMl.TypeProto.Tensor.Builder t = OnnxMl.TypeProto.Tensor.newBuilder().setElemType(v.type().onnxCode());
        if (v.hasShape()) {
            OnnxMl.TensorShapeProto.Builder s = OnnxMl.TensorShapeProto.newBuilder();
            for (int i = 0; i < v.dims().length; i++) {
                if (v.dims()[i] >= 0) {
                    s.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(v.dims()[i]));
                } else {
                    String sym = v.symbols().size() > i ? v.symbols().get(i) : "";
                    s.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam(sym.isEmpty() ? "N" : sym));
                }
            }
            t.setShape(s);
        }
        return b.setType(OnnxMl.TypeProto.newBuilder().setTensorType(t)).build();
    }
}
