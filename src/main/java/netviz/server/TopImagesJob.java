package netviz.server;

import netviz.server.JobKinds.Output;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import netviz.engine.Interpreter;

/** top-images: {layer, channel, k?} — the dataset images that excite a unit most, with receptive fields. */
final class TopImagesJob extends AbstractJobKind {
    TopImagesJob(JobKinds kinds) {
        super(kinds);
    }

    @Override
    public Set<String> accepted() {
        return Set.of("layer", "channel", "k");
    }

    @Override
    public Map<String, Object> canonical(Params p) {
        String tensor = layerTensor(p.required("layer", "a node name, tensor name or node index"));
        int c = channel(p, tensor);
        int k = p.integer("k", 9, 1, Math.min(100, s.size()));
        return params("layer", tensor, "channel", c, "k", k);
    }

    @Override
    public Output run(Map<String, Object> params, Job job) {
        String tensor = (String) params.get("layer");
        int c = ((Number) params.get("channel")).intValue();
        int k = ((Number) params.get("k")).intValue();
        Interpreter ip = s.interpreter();
        netviz.methods.neurons.TopImages top = new netviz.methods.neurons.TopImages(ip, tensor, new int[] {c}, k);
        int n = s.size();
        job.message("scanning " + n + " images");
        try (netviz.data.Batches batches = s.dataset().batches(64, 0, n)) {
            for (netviz.data.Batch b : batches) {
                top.add(b.images(), b.shape(), b.indices());
                job.progress(0.9 * (b.index(b.size() - 1) + 1) / n);
            }
        }
        List<netviz.methods.neurons.TopImages.Hit> hits = top.top(0);
        netviz.methods.neurons.ReceptiveField rf = netviz.methods.neurons.ReceptiveField.analyze(ip);
        boolean spatial = rf.field(tensor).spatial();
        int[] idx = hits.stream().mapToInt(netviz.methods.neurons.TopImages.Hit::image).toArray();
        netviz.data.Batch batch = s.dataset().get(idx);
        List<netviz.render.TopImagesSheet.Entry> entries = new ArrayList<>();
        List<Map<String, Object>> images = new ArrayList<>();
        for (int h = 0; h < hits.size(); h++) {
            netviz.methods.neurons.TopImages.Hit hit = hits.get(h);
            BufferedImage picture = s.preprocessing().toImage(batch.image(h));
            netviz.methods.neurons.ReceptiveField.Box box = rf.boxOrEffective(ip, tensor, c, hit.y(), hit.x());
            java.awt.Rectangle r = new java.awt.Rectangle(box.x0(), box.y0(), box.width(), box.height());
            int label = batch.hasLabels() ? batch.label(h) : -1;
            List<String> labels = new ArrayList<>();
            labels.add("#" + hit.image() + (label >= 0 ? " " + s.className(label) : ""));
            labels.add(netviz.render.Ticks.format(hit.activation(), 3) + (spatial ? " @" + hit.y() + "," + hit.x() : ""));
            entries.add(new netviz.render.TopImagesSheet.Entry(picture, r, null, labels));
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("index", hit.image());
            e.put("label", label);
            e.put("className", s.className(label));
            e.put("activation", (double) hit.activation());
            e.put("position", spatial ? new int[] {hit.y(), hit.x()} : null);
            e.put("box", new int[] {box.x0(), box.y0(), box.x1(), box.y1()});
            images.add(e);
        }
        String title = s.name() + "  " + layerName(tensor) + " channel " + c + ": top " + hits.size() + " images";
        BufferedImage fig = netviz.render.TopImagesSheet.render(title, entries, 112, null).image();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("layer", layerName(tensor));
        fields.put("channel", c);
        fields.put("scanned", top.images());
        fields.put("images", images);
        return new Output(fields, Map.of("top.png", fig));
    }
}
