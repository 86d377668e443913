/** Training and ONNX export of the demo classifier that ships with netviz (Fashion-MNIST CNN). */
package netviz.train;
