/** Dataset scans: one pass over a dataset that keeps everything the dataset figures draw, written as Parquet tables. */
package netviz.methods.scan;
