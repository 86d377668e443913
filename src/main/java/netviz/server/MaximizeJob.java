package netviz.server;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import netviz.figures.FigureResult;
import netviz.figures.MaximizeFigure;
import netviz.methods.unit.Unit;
import netviz.server.JobKinds.Output;

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

    /**
     * The recipe's options for canonical {@code params}: 200 steps from the mean image, one large tile;
     * a unit of a ReLU layer is optimised through the ReLU's input, since a ReLU that is off on the mean
     * image passes no gradient (the "pre-ReLU" objective of Olah et al. 2017, same maximiser).
     */
    static MaximizeFigure.Options options(Map<String, Object> params) {
        return MaximizeFigure.Options.of(Unit.channel((String) params.get("layer"),
                        ((Number) params.get("channel")).intValue()))
                .withIterations(ITERATIONS).withPreset((String) params.get("preset")).withTile(224).withPreRelu(true);
    }

    @Override
    public JobCost.Estimate estimate(Map<String, Object> params, JobCost cost) {
        return cost.steps(ITERATIONS, 1, "activation maximization");
    }

    @Override
    public Output run(Map<String, Object> params, Job job) {
        String tensor = (String) params.get("layer");
        FigureResult r = MaximizeFigure.make(s.session(), options(params), job.reporter());
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("layer", layerName(tensor));
        fields.put("channel", ((Number) params.get("channel")).intValue());
        fields.put("preset", params.get("preset"));
        fields.put("iterations", ITERATIONS);
        fields.put("objective", r.summary().get("objective"));
        fields.put("activation", ((double[]) r.summary().get("end"))[0]);
        fields.put("startActivation", ((double[]) r.summary().get("start"))[0]);
        return new Output(fields, Map.of("image.png", r.figure().image()));
    }
}
