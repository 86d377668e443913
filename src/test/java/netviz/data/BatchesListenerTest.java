package netviz.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import netviz.image.Preprocessing;
import org.junit.jupiter.api.Test;

/** {@link Batches#listen}: every batch read on the listening thread is reported, nothing after closing. */
class BatchesListenerTest {
    @Test
    void reportsEachBatchOnTheListeningThreadOnly() throws Exception {
        Dataset data = Datasets.open(null, Preprocessing.fashionMnist());
        List<long[]> seen = new ArrayList<>();
        try (Batches.Listener.Registration r = Batches.listen((done, total) -> seen.add(new long[] {done, total}))) {
            for (Batch b : data.batches(64, 10, 210)) {
                assertEquals(Math.min(64, 210 - b.index(0)), b.size());
            }
            Thread other = new Thread(() -> {
                for (Batch b : data.batches(50, 0, 100)) {
                    b.size();
                }
            });
            other.start();
            other.join();
        }
        for (Batch b : data.batches(100, 0, 100)) {
            b.size();
        }
        assertEquals(4, seen.size(), "four batches of the listening thread's iteration, no other");
        long[][] want = {{64, 200}, {128, 200}, {192, 200}, {200, 200}};
        for (int i = 0; i < 4; i++) {
            assertEquals(want[i][0], seen.get(i)[0]);
            assertEquals(want[i][1], seen.get(i)[1]);
        }
    }
}
