package netviz.server;

import netviz.server.JobKinds.Output;
import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import netviz.render.ValueRange;

/** maximize: {layer, channel, preset?} — activation maximization of a unit (Erhan et al. 2009; Yosinski et al. 2015). */
final class MaximizeJob extends AbstractJobKind {
    MaximizeJob(JobKinds kinds) {
        super(kinds);
    }

    private static final List<String> PRESETS = List.of("yosinski", "none", "simonyan", "yosinski1", "yosinski2",
            "yosinski3", "yosinski4");
    private static final int ITERATIONS = 200;

    @Override
    public Set<String> accepted() {
        return Set.of("layer", "channel", "preset");
    }

    @Override
    public Map<String, Object> canonical(Params p) {
        String tensor = layerTensor(p.required("layer", "a node name, tensor name or node index"));
        int c = channel(p, tensor);
        String preset = p.choice("preset", "yosinski", PRESETS);
        return params("layer", tensor, "channel", c, "preset", preset);
    }

    @Override
    public Output run(Map<String, Object> params, Job job) {
        String tensor = (String) params.get("layer");
        int c = ((Number) params.get("channel")).intValue();
        String preset = (String) params.get("preset");
        netviz.methods.neurons.Regularizers reg = netviz.methods.neurons.Regularizers.preset(preset);
        netviz.methods.neurons.ActivationMaximization am = new netviz.methods.neurons.ActivationMaximization(
                s.interpreter(), s.preprocessing().mean(), s.preprocessing().std());
        netviz.methods.neurons.ActivationMaximization.Options o = new netviz.methods.neurons.ActivationMaximization
                .Options(ITERATIONS, 0.05, reg, netviz.methods.neurons.ActivationMaximization.Param.PIXEL, List.of(),
                netviz.methods.neurons.ActivationMaximization.Init.ZEROS, null, 0.1, 0, null, 0);
        // A ReLU passes no gradient where it is off, so from the mean image a silent unit would never
        // move: optimise its input instead (the "pre-ReLU" objective of Olah et al. 2017), which has
        // the same maximiser, and report the unit itself.
        netviz.engine.Node producer = s.graph().producer(tensor);
        String objective = producer != null && producer.opType().equals("Relu") ? producer.input(0) : tensor;
        netviz.methods.unit.Units unit = new netviz.methods.unit.Units(tensor, new int[] {c}, null, null);
        netviz.methods.neurons.ActivationMaximization.Result r = am.run(
                new netviz.methods.unit.Units(objective, new int[] {c}, null, null), o,
                job.reporter());
        double[] start = objective.equals(tensor) ? r.start() : null;
        double[] end = objective.equals(tensor) ? r.end() : am.values(unit, r.input(), r.shape());
        long[] sh = r.shape();
        BufferedImage img = netviz.render.Images.fromPlanes(r.pixels(), (int) sh[1], (int) sh[2], (int) sh[3],
                new ValueRange(0, 1));
        netviz.render.TileGrid.Tile tile = netviz.render.TileGrid.Tile.of(img, 0, layerName(tensor) + " : " + c,
                "value " + netviz.render.Ticks.format(end[0], 3));
        BufferedImage fig = netviz.render.TileGrid.render(List.of(tile),
                netviz.render.TileGrid.Options.defaults().withTileSize(224).withColumns(1)).image();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("layer", layerName(tensor));
        fields.put("channel", c);
        fields.put("preset", preset);
        fields.put("iterations", ITERATIONS);
        fields.put("objective", objective);
        fields.put("activation", end[0]);
        fields.put("startActivation", start != null ? start[0] : startValue(am, unit, r.shape()));
        return new Output(fields, Map.of("image.png", fig));
    }
}
