package netviz.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import netviz.Progress;

/**
 * {@link Progress} as bars on standard error, one per stage: the stage's name is the bar's title,
 * its detail (after {@link Progress#DETAIL}) is shown beside it. Draws nothing when standard error
 * is not a terminal or the user gave {@code --no-progress}. Close it when the work is done.
 */
public final class TerminalProgress implements Progress, AutoCloseable {
    private final boolean enabled;
    private ProgressBar bar;
    private String title;

    /** Bars when {@code wanted} and standard error is a terminal. */
    public TerminalProgress(boolean wanted) {
        this.enabled = wanted && stderrIsTerminal();
    }

    /** Whether bars are drawn. */
    public boolean enabled() {
        return enabled;
    }

    @Override
    public synchronized void update(String stage, long done, long total) {
        if (!enabled) {
            return;
        }
        int cut = stage.indexOf(DETAIL);
        String name = cut < 0 ? stage : stage.substring(0, cut);
        if (bar == null || !name.equals(title)) {
            close();
            title = name;
            bar = new ProgressBarBuilder().setTaskName(name).setInitialMax(Math.max(total, 0))
                    .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(System.err))
                    .setUpdateIntervalMillis(250).continuousUpdate().build();
        }
        bar.maxHint(total);
        bar.stepTo(done);
        if (cut >= 0) {
            bar.setExtraMessage(stage.substring(cut + DETAIL.length()));
        }
    }

    @Override
    public synchronized void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    /**
     * Whether standard error is a terminal: on Linux, file descriptor 2 links to a tty or pty device;
     * elsewhere, the JVM has a console.
     */
    public static boolean stderrIsTerminal() {
        try {
            Path fd2 = Path.of("/proc/self/fd/2");
            if (Files.isSymbolicLink(fd2)) {
                String target = Files.readSymbolicLink(fd2).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            }
        } catch (Exception ignored) {
            // not Linux, or /proc not readable: fall back to the console check
        }
        return System.console() != null;
    }
}
