/** What a network computes inside: activation maps of chosen layers and dead-filter statistics over a dataset. */
package netviz.methods.activations;
