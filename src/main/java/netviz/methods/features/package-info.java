/** The shape of the representation: features of a dataset at a layer, nearest neighbours, PCA and t-SNE maps. */
package netviz.methods.features;
