package netviz.spark;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import netviz.NetvizException;
import netviz.methods.scan.ImageRow;
import netviz.methods.scan.ScanInput;
import netviz.methods.scan.ScanPlan;
import netviz.methods.scan.Scanner;
import netviz.session.Session;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.SerializableConfiguration;

/**
 * The task that scans one partition: pulls the partition's inputs (in index order) one batch of
 * the plan at a time, runs the {@link Scanner} on the model this executor has open
 * ({@link ExecutorModels}), and yields each image's row of the {@code images} table as the writer
 * asks for it, so a task holds one batch in memory, never its partition. When the inputs are done
 * it saves the partition's aggregate ({@link PartialAggregates}).
 */
public final class PartitionScan implements FlatMapFunction<Iterator<ScanInput>, Row> {
    private static final long serialVersionUID = 1L;

    private final ScanPlan plan;
    private final Broadcast<byte[]> model;
    private final Broadcast<SerializableConfiguration> hadoop;
    private final String partialsDir;
    private final int failFirstAttemptOf;

    /**
     * @param plan               the plan resolved on the driver
     * @param model              the model file's bytes
     * @param hadoop             the Hadoop configuration to write the aggregates with
     * @param partialsDir        where partition aggregates go
     * @param failFirstAttemptOf a partition whose first attempt fails after it has done all its work
     *                           (to test that a retry counts nothing twice), or -1
     */
    public PartitionScan(ScanPlan plan, Broadcast<byte[]> model, Broadcast<SerializableConfiguration> hadoop,
                         String partialsDir, int failFirstAttemptOf) {
        this.plan = plan;
        this.model = model;
        this.hadoop = hadoop;
        this.partialsDir = partialsDir;
        this.failFirstAttemptOf = failFirstAttemptOf;
    }

    @Override
    public Iterator<Row> call(Iterator<ScanInput> inputs) {
        Session session = ExecutorModels.session(plan.modelSha256(), plan.runtime(), plan.modelName(), model::value);
        if (!session.forward().runtime().equals(plan.runtime())) {
            throw new NetvizException("this executor runs the model on " + session.forward().runtime()
                    + " but the scan's plan says " + plan.runtime());
        }
        Scanner scanner = new Scanner(session.forward(), session.preprocessing(), plan);
        TaskContext task = TaskContext.get();
        return new Iterator<>() {
            private final ArrayDeque<Row> ready = new ArrayDeque<>();
            private ScanInput pending;
            private boolean finished;

            @Override
            public boolean hasNext() {
                while (ready.isEmpty() && !finished) {
                    List<ScanInput> batch = nextBatch();
                    if (batch.isEmpty()) {
                        finish();
                    } else {
                        for (ImageRow r : scanner.scanBatch(batch)) {
                            ready.add(row(r));
                        }
                    }
                }
                return !ready.isEmpty();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.poll();
            }

            /** The inputs of the next batch (consecutive indices of one batch), or none at the end. */
            private List<ScanInput> nextBatch() {
                List<ScanInput> batch = new ArrayList<>(plan.batchSize());
                if (pending == null && inputs.hasNext()) {
                    pending = inputs.next();
                }
                if (pending == null) {
                    return batch;
                }
                long b = pending.index() / plan.batchSize();
                while (pending != null && pending.index() / plan.batchSize() == b) {
                    batch.add(pending);
                    pending = inputs.hasNext() ? inputs.next() : null;
                }
                return batch;
            }

            private void finish() {
                finished = true;
                int partition = task.partitionId();
                PartialAggregates.save(hadoop.value().value(), partialsDir, partition, task.taskAttemptId(),
                        scanner.aggregate());
                if (partition == failFirstAttemptOf && task.attemptNumber() == 0) {
                    throw new IllegalStateException("test hook: the first attempt of partition " + partition
                            + " fails after saving its aggregate");
                }
            }
        };
    }

    /** An {@code images} row in the format's columns (see {@link ScanJob#IMAGES_SCHEMA}). */
    static Row row(ImageRow r) {
        return RowFactory.create(r.index(), r.id(), r.label(), r.prediction(), r.probability(), boxed(r.features()),
                boxed(r.scores()));
    }

    private static Float[] boxed(float[] values) {
        if (values == null) {
            return null;
        }
        Float[] out = new Float[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
