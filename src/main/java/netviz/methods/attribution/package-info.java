/** Attribution: which input pixels a score rests on (saliency, guided backprop, occlusion, integrated gradients, Grad-CAM). */
package netviz.methods.attribution;
