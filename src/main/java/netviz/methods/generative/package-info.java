/** Neuron pictures through a learned image prior: activation maximization in a generator's code space (DGN-AM). */
package netviz.methods.generative;
