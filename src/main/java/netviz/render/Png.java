package netviz.render;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import javax.imageio.ImageIO;
import netviz.NetvizException;

/**
 * PNG output, atomic: the image is written to a temporary file in the target's directory and
 * moved over the target, so a reader never sees half a file and a failed write leaves the old one.
 */
public final class Png {
    private Png() {
    }

    /** Writes {@code image} to {@code path} (parent directories created); NetvizException on failure. */
    public static Path write(BufferedImage image, Path path) {
        Path abs = path.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = null;
        try {
            if (dir != null) {
                Files.createDirectories(dir);
            }
            tmp = netviz.io.TempFiles.createFile(dir, "." + abs.getFileName() + ".", ".tmp");
            if (!ImageIO.write(image, "png", tmp.toFile())) {
                throw new NetvizException("cannot encode a " + image.getWidth() + "x" + image.getHeight() + " image as PNG");
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
            return abs;
        } catch (IOException e) {
            throw new NetvizException("cannot write PNG '" + path + "': " + e.getMessage(), e);
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

    public static Path write(Figure figure, Path path) {
        return write(figure.image(), path);
    }

    /** Reads a PNG (or any format ImageIO knows); NetvizException naming the file on failure. */
    public static BufferedImage read(Path path) {
        try {
            BufferedImage img = ImageIO.read(path.toFile());
            if (img == null) {
                throw new NetvizException("'" + path + "' is not an image ImageIO can read");
            }
            return img;
        } catch (IOException e) {
            throw new NetvizException("cannot read image '" + path + "': " + e.getMessage(), e);
        }
    }
}
