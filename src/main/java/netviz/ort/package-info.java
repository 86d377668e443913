/** Forward passes on ONNX Runtime behind {@link netviz.engine.Forward} (forward-only work; gradients stay on the interpreter). */
package netviz.ort;
