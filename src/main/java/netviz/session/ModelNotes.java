package netviz.session;

import java.util.ArrayList;
import java.util.List;
import netviz.engine.ModelView;
import netviz.methods.attribution.ScoreTensor;

/**
 * What netviz decided about a model that the user should hear once: that a channels-last input is
 * fed through a Transpose, and (for techniques that explain a class) which class score is explained.
 */
public final class ModelNotes {
    private ModelNotes() {
    }

    /** The notes for the session's model; {@code scores}: the technique explains class scores. */
    public static List<String> of(Session s, boolean scores) {
        List<String> notes = new ArrayList<>();
        if (ModelView.isTransposed(s.graph()) && !ModelView.isTransposed(s.rawGraph())) {
            notes.add("the model's input '" + s.graph().inputs().get(0).name() + "' is channels-last "
                    + s.rawGraph().inputs().get(0).shapeString() + "; netviz feeds it as NCHW "
                    + s.graph().inputs().get(0).shapeString() + " (--layout nchw turns this off)");
        }
        if (scores) {
            String n = ScoreTensor.note(s.graph());
            if (n != null) {
                notes.add(n);
            }
        }
        return notes;
    }
}
