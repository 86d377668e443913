/** One class per ONNX operator, registered by opset in {@link netviz.engine.ops.OpRegistry}. */
package netviz.engine.ops;
