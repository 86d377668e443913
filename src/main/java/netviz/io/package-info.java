/** Array files: the NumPy .npy format, read and written to and from heap tensors and float arrays. */
package netviz.io;
