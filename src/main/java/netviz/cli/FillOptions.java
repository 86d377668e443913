package netviz.cli;

import netviz.engine.Graph;
import netviz.image.ModelConfig;
import netviz.image.Preprocessing;
import netviz.methods.attribution.Baseline;

/**
 * Turns a fill / baseline spec of the command line ("mean", "zero", "blur", "R,G,B") into a
 * {@link Baseline} in the model's input space.
 * <ul>
 *   <li>{@code mean}: the dataset's mean pixel. When the preprocessing subtracts the dataset mean
 *       (the model records its normalisation, or {@code --mean} is given) that pixel is 0 in input
 *       space; otherwise the image's own mean per channel stands in for it.</li>
 *   <li>{@code R,G,B}: with {@code --image}, pixel values in [0, 1] normalised like the image
 *       ((v − mean) / std); with {@code --input x.npy}, values written into the tensor as they are.</li>
 *   <li>{@code zero}, {@code blur}, {@code blur:SIGMA}: as in {@link Baseline#parse}.</li>
 * </ul>
 */
final class FillOptions {
    private FillOptions() {
    }

    static Baseline resolve(String option, String spec, Graph graph, InputOptions input, int channels) {
        String s = spec.trim().toLowerCase(java.util.Locale.ROOT);
        float[][] norm = normalisation(graph, input);
        if (s.equals("mean")) {
            return norm != null ? Baseline.zero() : Baseline.mean();
        }
        Baseline b;
        try {
            b = Baseline.parse(spec);
        } catch (netviz.NetvizException e) {
            throw new netviz.OutOfRangeException(option + " " + spec + ": " + e.getMessage());
        }
        if (b instanceof Baseline.Constant c && c.values().length != 1 && c.values().length != channels) {
            throw new netviz.OutOfRangeException(option + " " + spec + " gives " + c.values().length
                    + " values but the input has " + channels + (channels == 1 ? " channel; give one value"
                    : " channels; give one value or " + channels));
        }
        if (b instanceof Baseline.Constant c && input.isImage() && norm != null && !s.matches("zeros?|0")) {
            double[] v = c.values();
            double[] out = new double[Math.max(v.length, norm[0].length)];
            for (int i = 0; i < out.length; i++) {
                double m = norm[0][Math.min(i, norm[0].length - 1)];
                double sd = norm[1][Math.min(i, norm[1].length - 1)];
                out[i] = (v[Math.min(i, v.length - 1)] - m) / sd;
            }
            return Baseline.constant(out);
        }
        return b;
    }

    /**
     * {mean[], std[]} of the input normalisation: for {@code --image}, the preprocessing in use
     * (model metadata, preset and flags); for {@code --input}, the one the model records; null when
     * none subtracts a mean.
     */
    static float[][] normalisation(Graph graph, InputOptions input) {
        Preprocessing p = input.isImage() ? input.preprocessing(graph)
                : ModelConfig.of(graph).preprocessing().orElse(null);
        if (p == null || p.mean().length == 0) {
            return null;
        }
        return new float[][] {p.mean(), p.std()};
    }
}
