/** Trust in the PyTorch backend: a start-up self-check of the kernels netviz relies on, and safe paths around broken ones. */
package netviz.engine.backend;
