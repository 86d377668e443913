/** Images in, tensors out: decoding, preprocessing presets, model metadata, and the inverse mapping back to the user's image. */
package netviz.image;
