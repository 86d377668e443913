package netviz.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import netviz.NetvizException;

/** Folders and file names for what netviz writes, with one-line errors that say why a folder cannot be made. */
public final class OutputFiles {
    private OutputFiles() {
    }

    /** Creates {@code dir} and its parents; a {@link NetvizException} naming the folder and the reason when it cannot. */
    public static Path createDirectories(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (FileAlreadyExistsException e) {
            throw new NetvizException("cannot create folder '" + dir + "': a file of that name exists");
        } catch (IOException e) {
            throw new NetvizException("cannot create folder '" + dir + "': " + describe(e));
        }
    }

    /**
     * A file name made from a tensor or layer name: characters other than letters, digits, '.',
     * '-' and '_' become '_'; never empty, never starting with '.'.
     */
    public static String fileSafe(String name) {
        String s = name.replaceAll("[^A-Za-z0-9._-]", "_");
        if (s.isEmpty() || s.startsWith(".")) {
            s = "_" + s;
        }
        return s.length() > 200 ? s.substring(0, 200) : s;
    }

    /** An I/O error in a few words ("permission denied", "no such file or folder", else its class and message). */
    public static String describe(Exception e) {
        Throwable t = e instanceof UncheckedIOException u ? u.getCause() : e;
        String m = t.getMessage();
        String kind = t.getClass().getSimpleName();
        if (t instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (t instanceof java.nio.file.NoSuchFileException) {
            return "no such file or folder";
        }
        return m == null ? kind : kind + ": " + m;
    }
}
