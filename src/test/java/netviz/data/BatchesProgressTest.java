package netviz.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import netviz.CancelledException;
import netviz.Progress;
import netviz.image.Preprocessing;
import org.junit.jupiter.api.Test;

/** {@link Batches#withProgress}: every batch read is reported under the stage's name; a cancelled progress stops the scan. */
class BatchesProgressTest {
    @Test
    void reportsEachBatchRead() {
        Dataset data = Datasets.open(null, Preprocessing.fashionMnist());
        List<String> seen = new ArrayList<>();
        for (Batch b : data.batches(64, 10, 210).withProgress((stage, done, total) -> seen.add(stage + " " + done + "/" + total),
                "scan")) {
            assertEquals(Math.min(64, 210 - b.index(0)), b.size());
        }
        assertEquals(List.of("scan 64/200", "scan 128/200", "scan 192/200", "scan 200/200"), seen);
    }

    @Test
    void stopsWhenCancelled() {
        Dataset data = Datasets.open(null, Preprocessing.fashionMnist());
        int[] read = new int[1];
        Progress stopAfterTwo = new Progress() {
            @Override
            public void update(String stage, long done, long total) {
                read[0] = (int) done;
            }

            @Override
            public boolean cancelled() {
                return read[0] >= 100;
            }
        };
        try (Batches batches = data.batches(50, 0, 1000).withProgress(stopAfterTwo, "scan")) {
            assertThrows(CancelledException.class, () -> {
                for (Batch b : batches) {
                    b.size();
                }
            });
        }
        assertEquals(100, read[0], "two batches of 50 were read before the cancellation was seen");
    }
}
