/** What a network's parameters look like: convolution filters as plain arrays. */
package netviz.methods.params;
