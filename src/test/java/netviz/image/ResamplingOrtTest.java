package netviz.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Random;
import netviz.engine.Attribute;
import netviz.engine.Tensor;
import netviz.engine.ValueInfo;
import netviz.onnx.GraphBuilder;
import netviz.onnx.OnnxWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link Resampling} against an independent implementation: ONNX Runtime's Resize (opset 18, mode
 * linear, half_pixel coordinates, antialias=1, exclude_outside=1), which defines antialiased bilinear
 * resizing the way PIL and torchvision do. Values are on a 0..255 scale; the tolerance (0.01, i.e.
 * 4e-5 of the range) covers ONNX Runtime computing the scale factor in float32 where netviz uses double.
 */
class ResamplingOrtTest {

    @ParameterizedTest
    @CsvSource({"4,6,2,3", "28,28,256,256", "28,28,224,224", "480,640,256,341", "7,5,3,11", "64,48,17,13", "3,3,3,9",
        "100,1,33,1"})
    void matchesOnnxRuntimeResize(int h, int w, int outH, int outW) throws Exception {
        int c = 2;
        Random r = new Random(h * 1000L + w);
        float[] x = new float[c * h * w];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat() * 255;
        }
        GraphBuilder b = new GraphBuilder("resize", 18);
        b.input("x", 1, c, h, w);
        b.initializer("sizes", Tensor.ofLongs(new long[] {4}, 1, c, outH, outW));
        String y = b.node("Resize", "resize", List.of("x", "", "", "sizes"),
                Attribute.ofString("mode", "linear"), Attribute.ofInt("antialias", 1),
                Attribute.ofString("coordinate_transformation_mode", "half_pixel"), Attribute.ofInt("exclude_outside", 1));
        b.output(new ValueInfo(y, null, null, List.of()));
        float[] want;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(OnnxWriter.toBytes(b.build()), new OrtSession.SessionOptions());
             OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {1, c, h, w});
             OrtSession.Result res = s.run(Map.of("x", in))) {
            FloatBuffer fb = ((OnnxTensor) res.get(0)).getFloatBuffer();
            want = new float[fb.remaining()];
            fb.get(want);
        }
        FloatImage got = Resampling.resize(new FloatImage(c, h, w, x), outH, outW, true);
        assertEquals(want.length, got.data().length);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got.data()[i], 1e-2, "element " + i + " of " + h + "x" + w + " -> " + outH + "x" + outW);
        }
    }
}
