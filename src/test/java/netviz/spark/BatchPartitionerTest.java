package netviz.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The partitions hold whole batches, in index order, none empty, checked index by index against the
 * definition (batch b = indices [b·B, (b+1)·B)) for random sizes.
 */
class BatchPartitionerTest {

    @Test
    void partitionsHoldWholeBatchesInOrderAndNoneIsEmpty() {
        Random random = new Random(11);
        for (int trial = 0; trial < 300; trial++) {
            long count = 1 + random.nextInt(5000);
            int batch = 1 + random.nextInt(100);
            int wanted = 1 + random.nextInt(40);
            BatchPartitioner p = BatchPartitioner.of(count, batch, wanted);
            int parts = p.numPartitions();
            long batches = (count + batch - 1) / batch;
            assertTrue(parts >= 1 && parts <= Math.min(wanted, batches), parts + " partitions");
            long[] size = new long[parts];
            int previous = 0;
            for (long i = 0; i < count; i++) {
                int part = p.getPartition(i);
                assertTrue(part >= previous, "partitions follow the index order");
                assertEquals(p.getPartition(i / batch * batch), part, "index " + i + " shares its batch's partition");
                assertTrue(i >= p.firstIndex(part) && (part + 1 == parts || i < p.firstIndex(part + 1)));
                size[part]++;
                previous = part;
            }
            for (int k = 0; k < parts; k++) {
                assertTrue(size[k] > 0, "partition " + k + " of " + parts + " is empty (count " + count + ", batch "
                        + batch + ", wanted " + wanted + ")");
            }
        }
    }
}
