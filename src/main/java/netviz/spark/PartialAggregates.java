package netviz.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.util.Arrays;
import netviz.NetvizException;
import netviz.methods.scan.ScanAggregate;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The partitions' aggregates, handed from executors to the driver as data: the task that scans
 * partition {@code p} saves its {@link ScanAggregate} as {@code DIR/part-p} (Java serialization,
 * written under an attempt's own name and then renamed, so a killed attempt leaves no half file),
 * and the driver merges every part after the job. A retried or speculative attempt recomputes the
 * same aggregate and finds the part already there, so nothing is counted twice, unlike an
 * accumulator updated by a failed attempt.
 */
public final class PartialAggregates {
    private static final String PREFIX = "part-";

    private PartialAggregates() {
    }

    /** Saves partition {@code partition}'s aggregate under {@code dir}, unless an earlier attempt did. */
    public static void save(Configuration conf, String dir, int partition, long attempt, ScanAggregate aggregate) {
        Path target = new Path(dir, String.format("%s%05d", PREFIX, partition));
        Path tmp = new Path(dir, String.format("_attempt-%05d-%d", partition, attempt));
        try {
            FileSystem fs = target.getFileSystem(conf);
            try (OutputStream raw = fs.create(tmp, true); ObjectOutputStream out = new ObjectOutputStream(raw)) {
                out.writeObject(aggregate);
            }
            if (fs.exists(target) || !fs.rename(tmp, target)) {
                // an earlier attempt saved the same aggregate (the scan is deterministic)
                fs.delete(tmp, false);
            }
        } catch (IOException e) {
            throw new NetvizException("cannot save partition " + partition + "'s aggregate to '" + target + "': "
                    + e.getMessage(), e);
        }
    }

    /** The merged aggregate and how many bytes of partition aggregates the driver read for it. */
    public record Merged(ScanAggregate total, long bytesRead) {
    }

    /**
     * The merge of the aggregates of partitions 0 to {@code partitions - 1} saved under {@code dir},
     * into {@code into}; one part is in memory at a time besides the total.
     */
    public static Merged mergeAll(Configuration conf, String dir, int partitions, ScanAggregate into) {
        Path base = new Path(dir);
        try {
            FileSystem fs = base.getFileSystem(conf);
            FileStatus[] parts = fs.listStatus(base, p -> p.getName().startsWith(PREFIX));
            if (parts.length != partitions) {
                throw new NetvizException("the scan's job finished but " + parts.length + " of " + partitions
                        + " partition aggregates are in '" + dir + "'");
            }
            Arrays.sort(parts);
            long bytes = 0;
            for (FileStatus s : parts) {
                bytes += s.getLen();
                try (InputStream raw = fs.open(s.getPath()); ObjectInputStream in = new ObjectInputStream(raw)) {
                    into.merge((ScanAggregate) in.readObject());
                }
            }
            return new Merged(into, bytes);
        } catch (IOException | ClassNotFoundException e) {
            throw new NetvizException("cannot read the partition aggregates in '" + dir + "': " + e.getMessage(), e);
        }
    }
}
