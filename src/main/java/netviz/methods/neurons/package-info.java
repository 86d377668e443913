/** What a single unit looks for: receptive fields, top dataset images, activation maximization. */
package netviz.methods.neurons;
