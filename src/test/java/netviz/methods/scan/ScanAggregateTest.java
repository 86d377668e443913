package netviz.methods.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ScanAggregateTest {
    static final List<String> LAYERS = List.of("a", "b");
    static final int[] CHANNELS = {3, 2};
    static final int[] POSITIONS = {6, 1};
    static final int[] WIDTHS = {3, 1};

    /** One synthetic batch: activations with many ties and negatives, labels, one failure in five. */
    record Batch(long[] indices, String[] ids, float[][] acts, int[] labels, int[] predictions, List<Long> failed) {
    }

    static List<Batch> batches(int count, int size, long seed) {
        Random r = new Random(seed);
        List<Batch> out = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            List<Long> ok = new ArrayList<>();
            List<Long> failed = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                long index = (long) b * size + i;
                (r.nextInt(5) == 0 ? failed : ok).add(index);
            }
            int n = ok.size();
            float[][] acts = new float[LAYERS.size()][];
            for (int l = 0; l < LAYERS.size(); l++) {
                acts[l] = new float[n * CHANNELS[l] * POSITIONS[l]];
                for (int k = 0; k < acts[l].length; k++) {
                    // a coarse grid of values: ties between images and positions are common
                    acts[l][k] = r.nextInt(4) == 0 ? 0f : (float) (Math.round(r.nextGaussian() * 8) / 4.0);
                }
            }
            long[] indices = ok.stream().mapToLong(Long::longValue).toArray();
            String[] ids = ok.stream().map(i -> "img" + i).toArray(String[]::new);
            int[] labels = r.ints(n, 0, 4).toArray();
            int[] predictions = r.ints(n, 0, 4).toArray();
            out.add(new Batch(indices, ids, acts, labels, predictions, failed));
        }
        return out;
    }

    static ScanAggregate empty() {
        return new ScanAggregate(LAYERS, CHANNELS, 3, 0.25, new LogHistogram(2, -3, 3));
    }

    static void add(ScanAggregate a, Batch b) {
        for (int l = 0; l < LAYERS.size(); l++) {
            a.addActivations(l, b.acts[l], b.indices.length, POSITIONS[l], WIDTHS[l], b.indices, b.ids,
                    i -> ("bytes of " + b.ids[i]).getBytes());
        }
        for (int i = 0; i < b.indices.length; i++) {
            a.addImage(b.labels[i], b.predictions[i]);
        }
        for (long f : b.failed) {
            a.addFailure("img" + f, "not an image");
        }
    }

    @Test
    void randomSplitsMergedInRandomOrdersEqualTheSequentialAggregate() throws Exception {
        List<Batch> data = batches(40, 8, 11);
        ScanAggregate sequential = empty();
        data.forEach(b -> add(sequential, b));
        Random r = new Random(2);
        for (int trial = 0; trial < 20; trial++) {
            List<Batch> shuffled = new ArrayList<>(data);
            Collections.shuffle(shuffled, r);
            int parts = 1 + r.nextInt(7);
            List<ScanAggregate> aggs = new ArrayList<>();
            for (int p = 0; p < parts; p++) {
                aggs.add(empty());
            }
            for (Batch b : shuffled) {
                add(aggs.get(r.nextInt(parts)), b);
            }
            // serialised and back, as a cluster ships partial aggregates
            for (int p = 0; p < parts; p++) {
                aggs.set(p, roundTrip(aggs.get(p)));
            }
            while (aggs.size() > 1) {
                ScanAggregate x = aggs.remove(r.nextInt(aggs.size()));
                ScanAggregate y = aggs.remove(r.nextInt(aggs.size()));
                aggs.add(r.nextBoolean() ? x.merge(y) : y.merge(x));
            }
            assertEquals(sequential, aggs.get(0), "trial " + trial);
        }
    }

    @Test
    void topListsAreTheBestKWithTiesToTheSmallerIndex() {
        List<Batch> data = batches(10, 6, 4);
        ScanAggregate a = empty();
        data.forEach(b -> add(a, b));
        // brute force over every image: per channel, (max over positions, first argmax), sorted
        for (int l = 0; l < LAYERS.size(); l++) {
            for (int ch = 0; ch < CHANNELS[l]; ch++) {
                List<ScanHit> all = new ArrayList<>();
                double sum = 0;
                for (Batch b : data) {
                    for (int i = 0; i < b.indices.length; i++) {
                        int base = (i * CHANNELS[l] + ch) * POSITIONS[l];
                        int arg = 0;
                        for (int q = 0; q < POSITIONS[l]; q++) {
                            if (b.acts[l][base + q] > b.acts[l][base + arg]) {
                                arg = q;
                            }
                            sum += b.acts[l][base + q];
                        }
                        all.add(new ScanHit(b.acts[l][base + arg], b.indices[i], b.ids[i], arg / WIDTHS[l], arg % WIDTHS[l], null));
                    }
                }
                all.sort(ScanHit.BEST_FIRST);
                List<ScanHit> top = a.top(l, ch);
                assertEquals(3, top.size());
                for (int k = 0; k < 3; k++) {
                    assertEquals(all.get(k).index(), top.get(k).index());
                    assertEquals(all.get(k).value(), top.get(k).value());
                    assertEquals(all.get(k).y(), top.get(k).y());
                    assertEquals(all.get(k).x(), top.get(k).x());
                    assertEquals("bytes of " + all.get(k).id(), new String(top.get(k).image()));
                }
                assertEquals(sum, a.sum(l, ch), 0.0, "quarter-integers sum exactly in double");
            }
        }
    }

    @Test
    void aggregatesOfDifferentDataDiffer() {
        ScanAggregate x = empty();
        ScanAggregate y = empty();
        batches(3, 5, 1).forEach(b -> add(x, b));
        batches(3, 5, 2).forEach(b -> add(y, b));
        assertNotEquals(x, y);
        ScanAggregate other = new ScanAggregate(LAYERS, CHANNELS, 4, 0.25, new LogHistogram(2, -3, 3));
        assertThrows(IllegalArgumentException.class, () -> x.merge(other));
    }

    static ScanAggregate roundTrip(ScanAggregate a) throws Exception {
        return (ScanAggregate) copy(a);
    }

    /** {@code o} written with Java serialisation and read back. */
    static Object copy(Object a) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(a);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return in.readObject();
        }
    }
}
