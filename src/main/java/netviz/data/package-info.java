/** Datasets (Fashion-MNIST IDX files, image folders, .npy batches) iterated in preprocessed batches, and class labels. */
package netviz.data;
