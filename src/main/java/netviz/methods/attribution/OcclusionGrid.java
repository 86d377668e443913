package netviz.methods.attribution;

import netviz.OutOfRangeException;

/**
 * The mask positions of occlusion: a square window of side {@code window} slid with
 * {@code stride} from the top-left corner, kept where it fits inside the H×W image; row-major.
 */
record OcclusionGrid(int window, int stride, int height, int width) {

    OcclusionGrid {
        if (window < 1) {
            throw new OutOfRangeException("occlusion window " + window + " must be at least 1 pixel");
        }
        if (stride < 1) {
            throw new OutOfRangeException("occlusion stride " + stride + " must be at least 1 pixel");
        }
        if (window > height || window > width) {
            throw new OutOfRangeException("occlusion window " + window + " is larger than the image (" + height + "x"
                    + width + "); use a window of at most " + Math.min(height, width));
        }
    }

    int rows() {
        return (height - window) / stride + 1;
    }

    int cols() {
        return (width - window) / stride + 1;
    }

    int positions() {
        return rows() * cols();
    }

    /**
     * Writes the (C,H,W) example starting at {@code x[xOff]} into {@code dst} at {@code off}, with
     * the window at position p filled from {@code fill} (C,H,W).
     */
    void occlude(float[] x, int xOff, float[] fill, int channels, int p, float[] dst, int off) {
        int per = channels * height * width;
        System.arraycopy(x, xOff, dst, off, per);
        int y0 = (p / cols()) * stride;
        int x0 = (p % cols()) * stride;
        for (int c = 0; c < channels; c++) {
            for (int y = y0; y < y0 + window; y++) {
                int row = c * height * width + y * width;
                System.arraycopy(fill, row + x0, dst, off + row + x0, window);
            }
        }
    }
}
