/** Reading and writing ONNX models with the ai.onnx.proto classes. */
package netviz.onnx;
