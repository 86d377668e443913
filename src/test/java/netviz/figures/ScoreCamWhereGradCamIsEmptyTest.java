package netviz.figures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import netviz.Progress;
import netviz.figures.AttributionFigure.Method;
import netviz.figures.AttributionFigure.Options;
import netviz.session.Picture;
import netviz.session.Session;
import org.junit.jupiter.api.Test;

/**
 * On the bundled model, Grad-CAM's map of the class Pullover is zero everywhere for some pullovers
 * (the gradient-weighted sum of the last block's maps is ≤ 0 at every position), while Score-CAM,
 * whose weights come from forward passes, still finds where the pullover is: its map is not empty
 * for any of them.
 */
class ScoreCamWhereGradCamIsEmptyTest {
    static final int PULLOVER = 2;

    @Test
    void scoreCamIsNotEmptyWhereGradCamIs() {
        try (Session s = Session.open(FigureTesting.MODEL)) {
            List<Picture> pullovers = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                Picture p = s.datasetPicture(i);
                if (p.label() == PULLOVER) {
                    pullovers.add(p);
                }
            }
            assertEquals(27, pullovers.size(), "pullovers among test images 0 to 199");
            String target = Integer.toString(PULLOVER);
            RawArray gradCam = AttributionFigure.make(s, pullovers, Options.of(Method.GRAD_CAM).withTarget(target),
                    Progress.NONE).arrays().get(AttributionFigure.RAW);
            RawArray scoreCam = AttributionFigure.make(s, pullovers, Options.of(Method.SCORE_CAM).withTarget(target),
                    Progress.NONE).arrays().get(AttributionFigure.RAW);
            int plane = (int) (gradCam.shape()[1] * gradCam.shape()[2]);
            List<String> empty = new ArrayList<>();
            for (int n = 0; n < pullovers.size(); n++) {
                if (max(gradCam.values(), n, plane) == 0) {
                    empty.add(pullovers.get(n).id());
                    assertTrue(max(scoreCam.values(), n, plane) > 0, pullovers.get(n).id()
                            + ": Score-CAM's map is empty too");
                }
            }
            assertEquals(List.of("dataset:72", "dataset:87", "dataset:148", "dataset:149", "dataset:169"), empty,
                    "the pullovers whose Grad-CAM map is all 0");
        }
    }

    /** The largest value of example {@code n}'s map (maps are rectified: 0 means empty). */
    static double max(float[] v, int n, int plane) {
        double m = 0;
        for (int i = n * plane; i < (n + 1) * plane; i++) {
            m = Math.max(m, v[i]);
        }
        return m;
    }
}
