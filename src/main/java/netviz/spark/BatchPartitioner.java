package netviz.spark;

import org.apache.spark.Partitioner;

/**
 * Sends the input with global index {@code i} to partition {@code (i / B) / b}: partitions hold whole
 * batches of the scan ({@code b} consecutive batches of {@code B} indices each), so an executor runs
 * exactly the forward passes a single machine runs and a recomputed partition gives the same rows.
 * Keys are the inputs' indices ({@code Long}).
 */
public final class BatchPartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;

    private final int partitions;
    private final int batchSize;
    private final long batchesPerPartition;

    /**
     * @param batchSize           the scan's batch size B
     * @param batchesPerPartition batches per partition b
     * @param partitions          the number of partitions (those past the last index stay empty)
     */
    public BatchPartitioner(int batchSize, long batchesPerPartition, int partitions) {
        if (batchSize < 1 || batchesPerPartition < 1 || partitions < 1) {
            throw new IllegalArgumentException("batch size, batches per partition and partitions must be >= 1, not "
                    + batchSize + ", " + batchesPerPartition + ", " + partitions);
        }
        this.batchSize = batchSize;
        this.batchesPerPartition = batchesPerPartition;
        this.partitions = partitions;
    }

    /**
     * The partitioning of {@code count} inputs in batches of {@code batchSize} into about
     * {@code wanted} partitions: at least one batch per partition, no partition left empty.
     */
    public static BatchPartitioner of(long count, int batchSize, int wanted) {
        long batches = Math.max(1, (count + batchSize - 1) / batchSize);
        long per = (batches + Math.max(1, wanted) - 1) / Math.max(1, wanted);
        int parts = Math.toIntExact((batches + per - 1) / per);
        return new BatchPartitioner(batchSize, per, parts);
    }

    /** The first index of partition {@code p}. */
    public long firstIndex(int p) {
        return p * batchesPerPartition * batchSize;
    }

    /** The batches each partition holds. */
    public long batchesPerPartition() {
        return batchesPerPartition;
    }

    @Override
    public int numPartitions() {
        return partitions;
    }

    @Override
    public int getPartition(Object key) {
        long index = (Long) key;
        return (int) Math.min(partitions - 1, index / batchSize / batchesPerPartition);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BatchPartitioner b && b.partitions == partitions && b.batchSize == batchSize
                && b.batchesPerPartition == batchesPerPartition;
    }

    @Override
    public int hashCode() {
        return (partitions * 31 + batchSize) * 31 + Long.hashCode(batchesPerPartition);
    }
}
