/** Scoring a classifier on a labelled dataset: accuracy, confusion matrix, per-class precision and recall. */
package netviz.methods.evaluation;
