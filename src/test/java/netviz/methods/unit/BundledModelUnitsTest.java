package netviz.methods.unit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.file.Path;
import java.util.List;
import netviz.methods.attribution.ScoreTensor;
import netviz.methods.neurons.ActivationMaximization;
import netviz.session.Session;
import org.junit.jupiter.api.Test;

/** Units on the bundled classifier: a class score read through the unit vocabulary is the score tensor's channel. */
class BundledModelUnitsTest {

    @Test
    void classScoreUnitsAreTheScoreTensorsChannels() {
        try (Session s = Session.open(Path.of("models/fashion-mnist-cnn.onnx"))) {
            ActivationMaximization am = new ActivationMaximization(s.interpreter(), s.preprocessing().mean(),
                    s.preprocessing().std());
            ActivationMaximization.Options o = ActivationMaximization.Options.defaults().withIterations(3);
            Units byUnit = Units.of(List.of(Unit.classScore(3), Unit.classScore(7)));
            Units byTensor = new Units(ScoreTensor.find(s.graph()), new int[] {3, 7}, null, null);
            ActivationMaximization.Result a = am.run(byUnit, o, null);
            ActivationMaximization.Result b = am.run(byTensor, o, null);
            assertArrayEquals(b.input(), a.input());
            assertArrayEquals(b.end(), a.end());
            assertArrayEquals(b.end(), am.values(byUnit, a.input(), a.shape()));
        }
    }
}
