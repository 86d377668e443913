package netviz.methods.scan;

import java.io.Serializable;
import java.util.Comparator;

/**
 * One entry of a channel's top images: the channel's maximum over positions on the image, the
 * image's index and id, the first argmax position (row-major) and the image's original bytes.
 */
public record ScanHit(float value, long index, String id, int y, int x, byte[] image) implements Serializable {

    /** Best first: the larger value, then the smaller index. */
    public static final Comparator<ScanHit> BEST_FIRST = (a, b) -> {
        int c = Float.compare(b.value, a.value);
        return c != 0 ? c : Long.compare(a.index, b.index);
    };
}
