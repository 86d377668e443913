/** Datasets: Fashion-MNIST IDX files, image folders, .npy batches; batched iteration. */
package netviz.data;
