package netviz.report;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hidden folders of a report killed midway are removed by the next report into the same folder. */
class StaleReportFoldersTest {
    @TempDir
    Path dir;

    /** A process id that names no running process. */
    private static long deadPid() {
        for (long pid = 4_000_000; ; pid--) {
            if (ProcessHandle.of(pid).isEmpty()) {
                return pid;
            }
        }
    }

    @Test
    void foldersOfDeadReportsGoThoseOfLiveOnesStay() throws Exception {
        long dead = deadPid();
        long live = ProcessHandle.current().pid();
        Path deadTmp = Files.createDirectories(dir.resolve(".rep.tmp-" + dead + "-abc/figures"));
        Files.writeString(deadTmp.resolve("f.png"), "x");
        Path deadOld = Files.createDirectories(dir.resolve(".rep.old-" + dead + "-123"));
        Path liveTmp = Files.createDirectories(dir.resolve(".rep.tmp-" + live + "-def"));
        Path legacyOld = Files.createDirectories(dir.resolve(".rep.tmp-q1w2e3"));
        Files.setLastModifiedTime(legacyOld, FileTime.fromMillis(System.currentTimeMillis() - 7_200_000L));
        Path legacyNew = Files.createDirectories(dir.resolve(".rep.tmp-r4t5y6"));
        Path other = Files.createDirectories(dir.resolve(".other.tmp-" + dead + "-abc"));

        Report.removeStale(dir, "rep");

        assertFalse(Files.exists(deadTmp.getParent()), "a dead report's working folder is removed");
        assertFalse(Files.exists(deadOld), "a dead report's moved-aside folder is removed");
        assertFalse(Files.exists(legacyOld), "an old-style folder untouched for an hour is removed");
        assertTrue(Files.isDirectory(liveTmp), "a running report's folder stays");
        assertTrue(Files.isDirectory(legacyNew), "a recent old-style folder stays");
        assertTrue(Files.isDirectory(other), "another report's folders are not touched");
    }
}
