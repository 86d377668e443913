/**
 * The dataset scan as a Spark job ({@code netviz-spark scan}): the single-machine scan's core
 * ({@link netviz.methods.scan.Scanner}) on executors, over partitions aligned to the scan's batches,
 * writing the same output. Spark is a provided dependency: nothing outside this package uses it.
 */
package netviz.spark;
