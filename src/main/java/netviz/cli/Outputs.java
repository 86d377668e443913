package netviz.cli;

import netviz.io.OutputFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import netviz.NetvizException;

/**
 * Writes output files so that a failing command never leaves a half-written one: each file is
 * written to a temporary file in the target's folder and moved into place only when complete.
 * Errors become {@link NetvizException}s naming the file.
 */
public final class Outputs {
    private Outputs() {
    }

    /** Writes the bytes that {@code body} produces to {@code target}, atomically. */
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Refuses a picture file name whose extension promises another format than PNG ({@code -o x.jpg}
     * would otherwise get PNG bytes); a name without an extension is accepted. Null passes.
     */
    public static Path requirePng(Path file, String option) {
        return requireExtension(file, option, ".png", "PNG pictures");
    }

    /** Refuses a file name with an extension other than {@code ext}; null and names without one pass. */
    public static Path requireExtension(Path file, String option, String ext, String what) {
        if (file == null || file.getFileName() == null) {
            return file;
        }
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        if (dot > 0 && !name.substring(dot).equalsIgnoreCase(ext)) {
            throw new NetvizException(option + " '" + file + "': netviz writes " + what + " only, not "
                    + name.substring(dot + 1).toUpperCase(java.util.Locale.ROOT) + "; name the file "
                    + name.substring(0, dot) + ext);
        }
        return file;
    }

    /**
     * A file written piece by piece (a result streamed chunk by chunk) and moved into place only by
     * {@link #commit()}; closing it without a commit deletes what was written.
     */
    public static final class Pending implements AutoCloseable {
        private final Path target;
        private final Path abs;
        private Path tmp;
        private OutputStream out;

        private Pending(Path target) {
            this.target = target;
            this.abs = target.toAbsolutePath().normalize();
            createDirectories(abs.getParent());
            if (Files.isDirectory(abs)) {
                throw new NetvizException("cannot write '" + target + "': it is a folder");
            }
            try {
                tmp = netviz.io.TempFiles.createFile(abs.getParent(), "." + abs.getFileName(), ".part");
                tmp.toFile().deleteOnExit();
                out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
            } catch (IOException e) {
                close();
                throw new NetvizException("cannot write '" + target + "': " + describe(e));
            }
        }

        /** The stream to write to. */
        public OutputStream stream() {
            return out;
        }

        /** Writes with {@code body}, naming the file in an error. */
        public void write(Body body) {
            try {
                body.writeTo(out);
            } catch (IOException | UncheckedIOException e) {
                throw new NetvizException("cannot write '" + target + "': " + describe(e));
            }
        }

        /** Finishes the file and moves it into place. */
        public Path commit() {
            try {
                out.close();
                out = null;
                try {
                    Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
                }
                tmp = null;
                return target;
            } catch (IOException e) {
                throw new NetvizException("cannot write '" + target + "': " + describe(e));
            }
        }

        @Override
        public void close() {
            try {
                if (out != null) {
                    out.close();
                }
            } catch (IOException ignored) {
                // the partial file is deleted below
            }
            out = null;
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // hidden *.part file; nothing more to do
                }
                tmp = null;
            }
        }
    }

    /** Starts writing {@code target} piece by piece (see {@link Pending}). */
    public static Pending pending(Path target) {
        return new Pending(target);
    }

    /** Writes {@code target} atomically: temporary file in the same folder, then a move. */
    public static Path write(Path target, Body body) {
        Path abs = target.toAbsolutePath().normalize();
        Path dir = abs.getParent();
        createDirectories(dir);
        if (Files.isDirectory(abs)) {
            throw new NetvizException("cannot write '" + target + "': it is a folder");
        }
        Path tmp = null;
        try {
            tmp = netviz.io.TempFiles.createFile(dir, "." + abs.getFileName(), ".part");
            tmp.toFile().deleteOnExit();   // removed even when the JVM is interrupted (Ctrl-C) mid-write
            try (OutputStream out = Files.newOutputStream(tmp)) {
                body.writeTo(out);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
            return target;
        } catch (IOException | UncheckedIOException e) {
            throw new NetvizException("cannot write '" + target + "': " + describe(e));
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the temporary file is hidden and named *.part; nothing more to do
                }
            }
        }
    }

    /** Writes bytes atomically. */
    public static Path write(Path target, byte[] bytes) {
        return write(target, out -> out.write(bytes));
    }

    /** Writes UTF-8 text atomically. */
    public static Path writeString(Path target, String text) {
        return write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes several files into {@code dir} as one unit: every file is first written (each
     * atomically, under a hidden temporary name), and only when all succeeded are they renamed to
     * their final names. On failure no new file is left behind.
     *
     * @param files file name (inside {@code dir}) → body
     * @return the final paths, in the order given
     */
    public static Map<String, Path> writeAll(Path dir, Map<String, Body> files) {
        createDirectories(dir.toAbsolutePath().normalize());
        Map<String, Path> staged = new LinkedHashMap<>();
        Map<String, Path> done = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Body> e : files.entrySet()) {
                Path tmp = dir.resolve("." + e.getKey() + ".staged");
                write(tmp, e.getValue());
                staged.put(e.getKey(), tmp);
            }
            for (Map.Entry<String, Path> e : staged.entrySet()) {
                Path target = dir.resolve(e.getKey());
                try {
                    Files.move(e.getValue(), target, StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException x) {
                    Files.move(e.getValue(), target, StandardCopyOption.REPLACE_EXISTING);
                }
                done.put(e.getKey(), target);
            }
            return done;
        } catch (IOException e) {
            throw new NetvizException("cannot write into '" + dir + "': " + describe(e));
        } finally {
            for (Path p : staged.values()) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: hidden *.staged file
                }
            }
        }
    }

    /** {@link OutputFiles#createDirectories}. */
    public static Path createDirectories(Path dir) {
        return OutputFiles.createDirectories(dir);
    }

    /** {@link OutputFiles#fileSafe}. */
    public static String fileSafe(String name) {
        return OutputFiles.fileSafe(name);
    }

    static String describe(Exception e) {
        return OutputFiles.describe(e);
    }
}
