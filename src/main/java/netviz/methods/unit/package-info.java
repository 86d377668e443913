/** Which unit of a network a technique reads: {@link netviz.methods.unit.Unit} (one channel or neuron, or a class score) and {@link netviz.methods.unit.Units} (one unit per example of a batch, with its objective). */
package netviz.methods.unit;
