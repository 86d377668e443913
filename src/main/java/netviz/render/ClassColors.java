package netviz.render;

import java.awt.Color;

/**
 * A categorical palette for class labels: Tableau's ten colours (matplotlib's {@code tab10}), then
 * evenly spaced hues for more classes; grey for unlabelled points (label &lt; 0).
 */
public final class ClassColors {
    private static final int[] TAB10 = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0x7f7f7f,
        0xbcbd22, 0x17becf};

    private ClassColors() {
    }

    /** The colour of class {@code label} among {@code classes}. */
    public static Color of(int label, int classes) {
        if (label < 0) {
            return new Color(0x999999);
        }
        if (classes <= TAB10.length) {
            return new Color(TAB10[label % TAB10.length]);
        }
        float hue = (label * 0.618034f) % 1f;
        return Color.getHSBColor(hue, 0.65f, 0.85f);
    }
}
