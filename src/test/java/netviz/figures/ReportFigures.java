package netviz.figures;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import netviz.render.Png;
import netviz.report.SectionReport;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/** The figures of a one-section report with their captions' commands, and those commands run again. */
final class ReportFigures {
    /** One figure of the report: its PNG and the words of its caption's "reproduce" command. */
    record Shown(Path png, List<String> command) {
    }

    private ReportFigures() {
    }

    /** The figures of the report of section {@code id} on the bundled model's first {@code limit} images. */
    static List<Shown> of(Path out, int limit, String id) throws Exception {
        Document doc = SectionReport.generate(Surfaces.MODEL, out, limit, 3, id);
        List<Shown> figures = new ArrayList<>();
        for (Element f : doc.getElementById(id).select("figure:has(img)")) {
            figures.add(new Shown(out.resolve(f.selectFirst("img").attr("src")),
                    List.of(f.selectFirst("figcaption code").text().split(" "))));
        }
        if (figures.isEmpty()) {
            throw new AssertionError("section " + id + " drew no figure");
        }
        return figures;
    }

    /** Runs a caption's command ("netviz …") with its {@code --out} replaced by {@code png}; returns the PNG. */
    static BufferedImage rerun(List<String> command, Path png) {
        List<String> args = new ArrayList<>(command);
        assertEquals("netviz", args.remove(0));
        args.set(args.indexOf("--out") + 1, png.toString());
        Surfaces.cli(args.toArray(String[]::new));
        return Png.read(png);
    }
}
