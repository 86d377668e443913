package netviz.server;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * The uploaded images: each is decoded (PNG, JPEG, BMP or GIF only; at most {@code maxPixels}
 * pixels), re-encoded as PNG and kept as {@code <dir>/<sha256 of the uploaded bytes>.png}. Uploads
 * are addressed only by that id, checked against {@code [0-9a-f]{64}}, so no request can name a file
 * elsewhere. The same bytes uploaded twice give the same id.
 */
public final class Uploads {
    /** What an id looks like: a lower-case hexadecimal SHA-256. */
    public static final Pattern ID = Pattern.compile("[0-9a-f]{64}");
    private static final Set<String> FORMATS = Set.of("png", "jpeg", "bmp", "gif");
    /** Uploads decoded at once: each may take up to 4 bytes per pixel of the pixel cap (64 MB at 16 megapixels). */
    private static final java.util.concurrent.Semaphore DECODING = new java.util.concurrent.Semaphore(4);

    /** A stored upload. */
    public record Upload(String id, int width, int height) {
    }

    private final Path dir;
    private final long maxBytes;
    private final long maxPixels;

    Uploads(Path dir, long maxBytes, long maxPixels) {
        this.dir = dir.toAbsolutePath().normalize();
        this.maxBytes = maxBytes;
        this.maxPixels = maxPixels;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** Checks an id (400 unless 64 lower-case hex digits); returns it. */
    public static String checkId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw ApiException.badRequest("upload id '" + Util.clip(id) + "' is not valid: an id is the 64 hexadecimal "
                    + "digits that POST /api/images returned");
        }
        return id;
    }

    /** The file of upload {@code id} (which must be valid); inside {@link #dir} by construction. */
    Path file(String id) {
        Path p = dir.resolve(checkId(id) + ".png").normalize();
        if (!p.getParent().equals(dir)) {
            throw new IllegalStateException("upload path escapes its folder: " + p);
        }
        return p;
    }

    /**
     * Decodes and stores an upload.
     *
     * @throws ApiException 413 over {@code maxBytes}; 400 when the bytes are not a PNG, JPEG, BMP or GIF
     *     image, are corrupt, or decode to more than {@code maxPixels} pixels
     */
    public Upload store(byte[] bytes) {
        if (bytes.length > maxBytes) {
            throw new ApiException(413, "the upload is " + bytes.length + " bytes; the limit is " + maxBytes
                    + " bytes (" + (maxBytes >> 20) + " MB)");
        }
        if (bytes.length == 0) {
            throw ApiException.badRequest("the upload is empty: send the image file's bytes as the request body");
        }
        BufferedImage img;
        try {
            DECODING.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "the server is shutting down");
        }
        try {
            img = decode(bytes);
        } finally {
            DECODING.release();
        }
        String id = ModelSession.sha256(bytes);
        Path target = file(id);
        if (!Files.isRegularFile(target)) {
            try {
                Files.createDirectories(dir);
                ByteArrayOutputStream png = new ByteArrayOutputStream();
                if (!ImageIO.write(img, "png", png)) {
                    throw new IllegalStateException("no PNG encoder");
                }
                Path tmp = netviz.io.TempFiles.createFile(dir, ".upload-", ".tmp");
                Files.write(tmp, png.toByteArray());
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot store the upload in " + dir + ": " + e.getMessage(), e);
            }
        }
        return new Upload(id, img.getWidth(), img.getHeight());
    }

    /** The stored PNG bytes of upload {@code id} (404 when there is none). */
    public byte[] png(String id) {
        Path p = file(id);
        try {
            return Files.readAllBytes(p);
        } catch (java.nio.file.NoSuchFileException e) {
            throw ApiException.notFound("no uploaded image with id " + id);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read upload " + id + ": " + e.getMessage(), e);
        }
    }

    /** Upload {@code id} decoded (404 when there is none). */
    public BufferedImage read(String id) {
        try {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(png(id)));
            if (img == null) {
                throw new IllegalStateException("stored upload " + id + " is not a PNG");
            }
            return img;
        } catch (IOException e) {
            throw new IllegalStateException("cannot decode stored upload " + id + ": " + e.getMessage(), e);
        }
    }

    /** Decodes an image strictly: known format, size checked before decoding, no truncation warnings. */
    BufferedImage decode(byte[] bytes) {
        String accepted = "send a PNG, JPEG, BMP or GIF image";
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            ImageReader reader = null;
            while (readers.hasNext()) {
                ImageReader r = readers.next();
                if (FORMATS.contains(r.getFormatName().toLowerCase(Locale.ROOT))) {
                    reader = r;
                    break;
                }
            }
            if (reader == null) {
                throw ApiException.badRequest("the upload is not an image netviz reads: " + accepted);
            }
            List<String> warnings = new ArrayList<>();
            try {
                reader.setInput(in, true, true);
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                long w = reader.getWidth(0);
                long h = reader.getHeight(0);
                if (w <= 0 || h <= 0 || w * h > maxPixels) {
                    throw ApiException.badRequest("the uploaded image is " + w + "x" + h + " pixels; the limit is "
                            + maxPixels + " pixels (" + (maxPixels >> 20) + " megapixels)");
                }
                BufferedImage img = reader.read(0);
                if (!warnings.isEmpty()) {
                    throw ApiException.badRequest("the uploaded image is corrupt or truncated: " + warnings.get(0));
                }
                return img;
            } finally {
                reader.dispose();
            }
        } catch (ApiException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw ApiException.badRequest("the upload could not be decoded as an image (" + Util.oneLine(e) + "): "
                    + accepted);
        } catch (OutOfMemoryError e) {
            throw ApiException.badRequest("the uploaded image is too large to decode");
        }
    }
}
