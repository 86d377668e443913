package netviz.image;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import netviz.InputFormatException;

/**
 * Decodes PNG, JPEG, BMP and GIF (first frame) files with {@code javax.imageio}, strictly: a file that
 * is not an image, is truncated (including the JPEG case that ImageIO only reports as a warning), or
 * announces more than {@link #MAX_PIXELS} pixels is an {@link InputFormatException} naming the file.
 */
public final class ImageFiles {
    /** Largest image decoded (width x height): 64 megapixels. */
    public static final long MAX_PIXELS = 64L << 20;
    /** File name extensions treated as images when scanning folders. */
    public static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");

    private ImageFiles() {
    }

    /** Whether a file name ends with one of {@link #EXTENSIONS} (any case). */
    public static boolean hasImageExtension(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** Reads the first image in a file. */
    public static BufferedImage read(Path file) {
        if (!Files.exists(file)) {
            throw new InputFormatException("image file '" + file + "' does not exist");
        }
        if (Files.isDirectory(file)) {
            throw new InputFormatException("'" + file + "' is a directory, not an image file");
        }
        netviz.io.InputFiles.requireRegular(file, "image file", netviz.io.InputFiles.MAX_IMAGE_BYTES);
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            return decode(in, file.toString(), Files.size(file) == 0);
        } catch (IOException e) {
            throw new InputFormatException("cannot read image file '" + file + "': " + e.getMessage(), e);
        }
    }

    /** Decodes the first image of an encoded file's bytes; {@code name} names it in errors. */
    public static BufferedImage read(byte[] bytes, String name) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new java.io.ByteArrayInputStream(bytes))) {
            return decode(in, name, bytes.length == 0);
        } catch (IOException e) {
            throw new InputFormatException("cannot read image '" + name + "': " + e.getMessage(), e);
        }
    }

    private static BufferedImage decode(ImageInputStream in, String file, boolean empty) {
        try {
            if (in == null) {
                throw new InputFormatException("cannot open image file '" + file + "'");
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new InputFormatException("'" + file + "' is not an image netviz can read (PNG, JPEG, BMP or GIF)"
                        + (empty ? ": the file is empty" : ""));
            }
            ImageReader reader = readers.next();
            List<String> warnings = new ArrayList<>();
            try {
                reader.setInput(in, true, true);
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                long w = reader.getWidth(0);
                long h = reader.getHeight(0);
                if (w <= 0 || h <= 0 || w * h > MAX_PIXELS) {
                    throw new InputFormatException("image '" + file + "' declares " + w + "x" + h + " pixels; netviz reads"
                            + " images of 1 to " + MAX_PIXELS + " pixels");
                }
                BufferedImage img = reader.read(0);
                if (!warnings.isEmpty()) {
                    throw new InputFormatException("image '" + file + "' is corrupt or truncated: " + warnings.get(0));
                }
                return img;
            } finally {
                reader.dispose();
            }
        } catch (InputFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            String msg = e.getMessage();
            Throwable cause = e.getCause();
            if (cause != null && cause.getMessage() != null) {
                msg = msg + " (" + cause.getMessage() + ")";
            }
            if (e instanceof java.io.EOFException || cause instanceof java.io.EOFException) {
                msg = "unexpected end of file";
            }
            if (msg != null && msg.contains("Unsupported Image Type")) {
                throw new InputFormatException("image '" + file + "' uses a colour space netviz cannot decode (a CMYK or"
                        + " YCCK JPEG?); convert it to RGB first", e);
            }
            throw new InputFormatException("image '" + file + "' is corrupt or truncated: "
                    + (msg == null ? e.getClass().getSimpleName() : msg), e);
        } catch (OutOfMemoryError e) {
            throw new InputFormatException("image '" + file + "' is too large to decode in this JVM's memory", e);
        }
    }

    /** Writes a PNG, replacing the file atomically (nothing half-written on failure). */
    public static void writePng(BufferedImage image, Path file) {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = netviz.io.TempFiles.createFile(dir, "." + file.getFileName(), ".tmp");
            if (!ImageIO.write(image, "png", tmp.toFile())) {
                throw new netviz.NetvizException("no PNG writer for this image type");
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
        } catch (IOException e) {
            throw new netviz.NetvizException("cannot write '" + file + "': " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }
}
