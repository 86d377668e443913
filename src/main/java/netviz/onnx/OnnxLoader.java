package netviz.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import netviz.ModelFormatException;
import netviz.NetvizException;
import netviz.engine.Attribute;
import netviz.engine.Graph;
import netviz.engine.Node;
import netviz.engine.Tensor;
import netviz.engine.ValueInfo;
import netviz.io.InputFiles;

/**
 * Reads an ONNX model file into a {@link Graph}: nodes, initializers (raw and typed fields,
 * external data beside the file), Constant nodes, opset imports, metadata_props, and graph inputs
 * that are also initializers. Anything that is not a well-formed ONNX model ends in a
 * {@link ModelFormatException} with one readable line, never in a crash or a huge allocation.
 */
public final class OnnxLoader {
    private OnnxLoader() {
    }

    private static final java.util.concurrent.ConcurrentHashMap<Path, java.util.concurrent.atomic.AtomicLong> LOADS =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * How many times this process has loaded the model file {@code file} so far (tests check that a
     * report or a server loads its model once).
     */
    public static long timesLoaded(Path file) {
        java.util.concurrent.atomic.AtomicLong n = LOADS.get(file.toAbsolutePath().normalize());
        return n == null ? 0 : n.get();
    }

    /** Loads a model file. */
    public static Graph load(Path file) {
        LOADS.computeIfAbsent(file.toAbsolutePath().normalize(), k -> new java.util.concurrent.atomic.AtomicLong())
                .incrementAndGet();
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) {
                throw new ModelFormatException("'" + file + "' is a folder, not an ONNX model file");
            }
            if (!Files.exists(file)) {
                throw new NoSuchFileException(file.toString());
            }
            InputFiles.requireRegular(file, "model file", InputFiles.MAX_MODEL_BYTES, ModelFormatException::new);
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException("model file '" + file + "' does not exist");
        } catch (IOException e) {
            throw new ModelFormatException("cannot read model file '" + file + "': " + e.getMessage());
        } catch (OutOfMemoryError e) {
            throw new ModelFormatException("model file '" + file + "' is too large to load");
        }
        Path dir = file.toAbsolutePath().getParent();
        return load(bytes, dir, file.getFileName().toString());
    }

    /**
     * Loads a model from bytes.
     *
     * @param baseDir folder that external data locations are relative to (null: none allowed)
     * @param what how to name the model in messages
     */
    public static Graph load(byte[] bytes, Path baseDir, String what) {
        OnnxMl.ModelProto model = parse(bytes, what);
        try {
            return toGraph(model, baseDir, what);
        } catch (NetvizException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            throw new ModelFormatException("'" + what + "' is not a valid ONNX model: " + e);
        }
    }

    /** Parses the protobuf, with the size and nesting checks of protobuf's own reader. */
    public static OnnxMl.ModelProto parse(byte[] bytes, String what) {
        if (bytes.length == 0) {
            throw new ModelFormatException("'" + what + "' is empty, not an ONNX model");
        }
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.setRecursionLimit(64);
            in.setSizeLimit(Integer.MAX_VALUE);
            OnnxMl.ModelProto m = OnnxMl.ModelProto.parseFrom(in);
            in.checkLastTagWas(0);
            return m;
        } catch (InvalidProtocolBufferException e) {
            throw new ModelFormatException("'" + what + "' is not a valid ONNX model (truncated or corrupt protobuf: "
                    + e.getMessage() + ")");
        } catch (IOException | RuntimeException e) {
            throw new ModelFormatException("'" + what + "' is not a valid ONNX model: " + e.getMessage());
        }
    }

    static Graph toGraph(OnnxMl.ModelProto model, Path baseDir, String what) {
        if (!model.hasGraph() || model.getGraph().getNodeCount() == 0) {
            throw new ModelFormatException("'" + what + "' is not an ONNX model: it has no graph nodes");
        }
        if (model.getIrVersion() <= 0 || model.getIrVersion() > 100) {
            throw new ModelFormatException("'" + what + "' is not an ONNX model: ir_version " + model.getIrVersion());
        }
        Map<String, Integer> opsets = new LinkedHashMap<>();
        for (OnnxMl.OperatorSetIdProto o : model.getOpsetImportList()) {
            if (o.getVersion() <= 0 || o.getVersion() > 10_000) {
                throw new ModelFormatException("'" + what + "' imports opset " + o.getVersion() + " of domain '"
                        + o.getDomain() + "'");
            }
            opsets.put(o.getDomain(), (int) o.getVersion());
        }
        if (opsets.isEmpty()) {
            opsets.put("", 1); // IR version 2 and earlier: opset 1 implied
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (OnnxMl.StringStringEntryProto e : model.getMetadataPropsList()) {
            metadata.put(e.getKey(), e.getValue());
        }
        OnnxMl.GraphProto g = model.getGraph();
        if (g.getSparseInitializerCount() > 0) {
            throw new ModelFormatException("'" + what + "' has sparse initializers, which netviz does not read");
        }
        Map<String, Tensor> init = new LinkedHashMap<>();
        for (OnnxMl.TensorProto t : g.getInitializerList()) {
            if (t.getName().isEmpty()) {
                throw new ModelFormatException("'" + what + "' has an initializer without a name");
            }
            init.put(t.getName(), TensorProtos.toTensor(t, baseDir));
        }
        List<Node> nodes = new ArrayList<>();
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            nodes.add(toNode(n, baseDir));
        }
        List<ValueInfo> inputs = new ArrayList<>();
        for (OnnxMl.ValueInfoProto v : g.getInputList()) {
            inputs.add(toValueInfo(v));
        }
        List<ValueInfo> outputs = new ArrayList<>();
        for (OnnxMl.ValueInfoProto v : g.getOutputList()) {
            outputs.add(toValueInfo(v));
        }
        if (outputs.isEmpty()) {
            throw new ModelFormatException("'" + what + "' declares no graph output");
        }
        return new Graph(g.getName(), nodes, init, inputs, outputs, opsets, metadata);
    }

    static Node toNode(OnnxMl.NodeProto n, Path baseDir) {
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        for (OnnxMl.AttributeProto a : n.getAttributeList()) {
            attrs.put(a.getName(), toAttribute(a, baseDir));
        }
        return new Node(n.getName(), n.getOpType(), n.getDomain(), n.getInputList(), n.getOutputList(), attrs);
    }

    static Attribute toAttribute(OnnxMl.AttributeProto a, Path baseDir) {
        String name = a.getName();
        OnnxMl.AttributeProto.AttributeType type = a.getType();
        if (type == OnnxMl.AttributeProto.AttributeType.UNDEFINED) {
            // Very old exporters leave the type out: infer it from the field that is set.
            if (a.hasF()) {
                type = OnnxMl.AttributeProto.AttributeType.FLOAT;
            } else if (a.hasI()) {
                type = OnnxMl.AttributeProto.AttributeType.INT;
            } else if (a.hasS()) {
                type = OnnxMl.AttributeProto.AttributeType.STRING;
            } else if (a.hasT()) {
                type = OnnxMl.AttributeProto.AttributeType.TENSOR;
            } else if (a.getFloatsCount() > 0) {
                type = OnnxMl.AttributeProto.AttributeType.FLOATS;
            } else if (a.getIntsCount() > 0) {
                type = OnnxMl.AttributeProto.AttributeType.INTS;
            } else if (a.getStringsCount() > 0) {
                type = OnnxMl.AttributeProto.AttributeType.STRINGS;
            }
        }
        switch (type) {
            case FLOAT: return Attribute.ofFloat(name, a.getF());
            case INT: return Attribute.ofInt(name, a.getI());
            case STRING: return Attribute.ofString(name, a.getS().toStringUtf8());
            case TENSOR: return Attribute.ofTensor(name, TensorProtos.toTensor(a.getT(), baseDir));
            case FLOATS: {
                float[] f = new float[a.getFloatsCount()];
                for (int i = 0; i < f.length; i++) {
                    f[i] = a.getFloats(i);
                }
                return Attribute.ofFloats(name, f);
            }
            case INTS: {
                long[] v = new long[a.getIntsCount()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = a.getInts(i);
                }
                return Attribute.ofInts(name, v);
            }
            case STRINGS: {
                String[] s = new String[a.getStringsCount()];
                for (int i = 0; i < s.length; i++) {
                    s[i] = a.getStrings(i).toStringUtf8();
                }
                return Attribute.ofStrings(name, s);
            }
            case GRAPH: case GRAPHS: return Attribute.other(name, Attribute.Kind.GRAPH);
            default: return Attribute.other(name, Attribute.Kind.OTHER);
        }
    }

    static ValueInfo toValueInfo(OnnxMl.ValueInfoProto v) {
        if (v.getName().isEmpty()) {
            throw new ModelFormatException("a graph input or output has no name");
        }
        if (!v.hasType() || !v.getType().hasTensorType()) {
            return new ValueInfo(v.getName(), null, null, List.of());
        }
        OnnxMl.TypeProto.Tensor tt = v.getType().getTensorType();
        Tensor.ElementType et = Tensor.ElementType.ofOnnx(tt.getElemType());
        if (!tt.hasShape()) {
            return new ValueInfo(v.getName(), et, null, List.of());
        }
        int rank = tt.getShape().getDimCount();
        long[] dims = new long[rank];
        List<String> symbols = new ArrayList<>();
        for (int i = 0; i < rank; i++) {
            OnnxMl.TensorShapeProto.Dimension d = tt.getShape().getDim(i);
            if (d.hasDimValue() && d.getDimValue() >= 0) {
                dims[i] = d.getDimValue();
                symbols.add("");
            } else {
                dims[i] = -1;
                symbols.add(d.hasDimParam() ? d.getDimParam() : "");
            }
        }
        return new ValueInfo(v.getName(), et, dims, symbols);
    }
}
