package netviz.methods.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import netviz.engine.Graph;
import netviz.onnx.GraphBuilder;
import org.junit.jupiter.api.Test;

class ScoreTensorTest {

    @Test
    void theTensorFeedingSoftmaxIsTheScore() {
        Graph g = AttributionModels.cnn(1, 1, true);
        assertEquals("fc_out", ScoreTensor.find(g));
        assertTrue(ScoreTensor.isNormalised(g));
    }

    @Test
    void withoutSoftmaxTheOutputIsTheScore() {
        Graph g = AttributionModels.cnn(1, 1, false);
        assertEquals("fc_out", ScoreTensor.find(g));
        assertFalse(ScoreTensor.isNormalised(g));
    }

    @Test
    void logSoftmaxBehindIdentityIsSeenThrough() {
        GraphBuilder b = new GraphBuilder("t", 13);
        String x = b.input("x", 1, 4);
        String r = b.node("Relu", "logits", List.of(x));
        String l = b.node("LogSoftmax", "lsm", List.of(r));
        b.output(b.node("Identity", "out", List.of(l)));
        assertEquals("logits_out", ScoreTensor.find(b.build()));
    }
}
