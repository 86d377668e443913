package netviz.methods.scan;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import javax.imageio.ImageIO;
import netviz.image.FloatImage;

/**
 * One input of a scan: its position in the source's deterministic order, its id, its label (null
 * when unlabelled) and either the file's bytes (decoded by the scan) or pixels already decoded
 * (8-bit values 0..255, as an IDX row holds them).
 *
 * @param index  the position in the source's order (decides the batch: index / batch size)
 * @param id     the path or URI, or "file#row" for a row of an array file
 * @param label  the true class, or null
 * @param bytes  the encoded image file, or null when {@code pixels} are given
 * @param pixels decoded pixels with white = 255, or null when {@code bytes} are given
 * @param error  why the input could not even be read (then neither bytes nor pixels), else null
 */
public record ScanInput(long index, String id, Integer label, byte[] bytes, FloatImage pixels, String error)
        implements Serializable {

    public ScanInput {
        if (error == null && (bytes == null) == (pixels == null)) {
            throw new IllegalArgumentException("a scan input has either bytes or pixels, not " + (bytes == null ? "neither" : "both"));
        }
        if (index < 0) {
            throw new IllegalArgumentException("a scan input's index is >= 0, not " + index);
        }
    }

    /** An input read from an encoded file. */
    public static ScanInput ofBytes(long index, String id, Integer label, byte[] bytes) {
        return new ScanInput(index, id, label, bytes, null, null);
    }

    /** An input of decoded 8-bit pixels. */
    public static ScanInput ofPixels(long index, String id, Integer label, FloatImage pixels) {
        return new ScanInput(index, id, label, null, pixels, null);
    }

    /** An input that could not be read: the scan lists it as a failure with {@code reason}. */
    public static ScanInput unreadable(long index, String id, Integer label, String reason) {
        return new ScanInput(index, id, label, null, null, reason);
    }

    /** The bytes the scan stores for a top image: the file's own, or the pixels encoded as PNG. */
    public byte[] originalBytes() {
        if (bytes != null) {
            return bytes;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(pixels.toBufferedImage(255f), "png", out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
