package netviz.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import netviz.data.Datasets;
import netviz.render.Png;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code netviz facets} on the bundled model with small settings. */
class FacetsCommandTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void bundled() {
        Assumptions.assumeTrue(Files.isRegularFile(Path.of(ModelOptions.BUNDLED_MODEL)), "bundled model not present");
    }

    private static void assertPicture(Path p) {
        assertTrue(Files.isRegularFile(p), p + " written");
        BufferedImage img = Png.read(p);
        int first = img.getRGB(0, 0);
        boolean varied = false;
        for (int y = 0; y < img.getHeight() && !varied; y += 3) {
            for (int x = 0; x < img.getWidth(); x += 3) {
                if (img.getRGB(x, y) != first) {
                    varied = true;
                    break;
                }
            }
        }
        assertTrue(varied, p + " is not flat");
    }

    @Test
    void writesTheSheetTheScatterAndOnePicturePerFacetFromTheDefaultData() {
        Path out = dir.resolve("text");
        Cli.Result r = Cli.run("facets", "--target", "Bag", "--limit", "600", "--top-share", "0.5", "--facets", "2",
                "--tsne-iterations", "250", "--iterations", "10", "--out", out.toString(), "--no-progress");
        assertEquals(0, r.code(), r.toString());
        boolean train = Files.isDirectory(Datasets.SYSTEM_FASHION_MNIST)
                && r.out().contains("Fashion-MNIST train");
        assertTrue(train || r.out().contains("Fashion-MNIST t10k"), r.out());
        if (train) {
            assertTrue(r.out().contains("the training split, as in the paper"), r.out());
        }
        assertTrue(r.out().contains("Bag (class 8"), r.out());
        assertTrue(r.out().contains("facet 2"), r.out());
        for (String f : new String[] {"facets.png", "scatter.png", "facet-1.png", "facet-2.png"}) {
            assertPicture(out.resolve(f));
        }
        assertTrue(!Files.exists(out.resolve("facet-3.png")));
    }

    @Test
    void jsonSummary() throws Exception {
        Path out = dir.resolve("json");
        Cli.Result r = Cli.run("facets", "--data", "data/fashion-mnist", "--target", "8", "--limit", "1000",
                "--top-share", "0.2", "--facets", "3", "--tsne-iterations", "250", "--out", out.toString(), "--json",
                "--no-progress");
        assertEquals(0, r.code(), r.toString());
        JsonNode j = OutputOptions.mapper().readTree(r.out());
        assertEquals("Bag", j.path("className").asText());
        assertEquals(1000, j.path("scanned").asInt());
        assertEquals(3, j.path("facets").size());
        assertEquals(3, j.path("pairwiseDistances").size());
        int total = 0;
        for (JsonNode f : j.path("facets")) {
            total += f.path("size").asInt();
            assertTrue(f.path("probability").asDouble() >= 0.9, f.toString());
            assertTrue(f.path("activation").asDouble() > j.path("threshold").asDouble(), f.toString());
            assertTrue(Files.isRegularFile(Path.of(f.path("file").asText())));
        }
        assertEquals(j.path("topImages").asInt(), total);
        assertTrue(Files.isRegularFile(Path.of(j.path("files").path("facets").asText())));
    }

    @Test
    void examplesAreNotCappedByMeanOf() throws Exception {
        Path out = dir.resolve("examples");
        Cli.Result r = Cli.run("facets", "--data", "data/fashion-mnist", "--target", "8", "--limit", "600",
                "--top-share", "0.2", "--facets", "2", "--mean-of", "2", "--examples", "6", "--iterations", "5",
                "--tsne-iterations", "250", "--out", out.toString(), "--json", "--no-progress");
        assertEquals(0, r.code(), r.toString());
        JsonNode j = OutputOptions.mapper().readTree(r.out());
        boolean sawMoreThanMeanOf = false;
        for (JsonNode f : j.path("facets")) {
            int size = f.path("size").asInt();
            // k-means may leave a facet with a single member (an outlier of the t-SNE map)
            assertEquals(Math.min(2, size), f.path("closest").size(), f.toString());
            JsonNode shown = f.path("examples");
            assertEquals(Math.min(6, size), shown.size(), f.toString());
            sawMoreThanMeanOf |= shown.size() > 2;
            // the averaged images first, then the next closest members
            for (int i = 0; i < f.path("closest").size(); i++) {
                assertEquals(f.path("closest").get(i).asInt(), shown.get(i).asInt());
            }
        }
        assertTrue(sawMoreThanMeanOf, "no facet shows more examples than --mean-of: " + r.out());
    }

    @Test
    void aChannelOfAHiddenLayer() throws Exception {
        Path out = dir.resolve("channel");
        Cli.Result r = Cli.run("facets", "--data", "data/fashion-mnist", "--layer", "relu2", "--channel", "5", "--limit",
                "1500", "--facets", "2", "--tsne-iterations", "250", "--out", out.toString(), "--json", "--no-progress");
        assertEquals(0, r.code(), r.toString());
        JsonNode j = OutputOptions.mapper().readTree(r.out());
        assertTrue(j.path("unit").asText().startsWith("relu2") && j.path("unit").asText().endsWith(":5"), r.out());
        assertTrue(j.path("className").isNull(), r.out());
        for (JsonNode f : j.path("facets")) {
            assertTrue(f.path("probability").isNull(), f.toString());
            // the channel's mean on each synthesised image beats the weakest of the dataset's top images
            assertTrue(f.path("activation").asDouble() > j.path("threshold").asDouble(), f.toString());
            assertTrue(f.path("activation").asDouble() > f.path("startActivation").asDouble(), f.toString());
        }
    }

    @Test
    void badInputIsOneLineAndExitCode2() {
        Path out = dir.resolve("bad");
        Cli.Result few = Cli.run("facets", "--data", "data/fashion-mnist", "--target", "8", "--limit", "200", "--top", "6",
                "--facets", "2", "--out", out.toString(), "--no-progress");
        assertEquals(2, few.code(), few.toString());
        assertTrue(few.err().contains("2 facets of fc2:8 need at least 10 activating images"), few.err());
        assertTrue(few.err().contains("--top 6 keeps 6 of them: ask for --top 10 or more, or --facets 1 or fewer"),
                few.err());
        assertEquals(1, few.err().strip().lines().count(), few.err());
        assertTrue(!Files.exists(out.resolve("facets.png")));

        Cli.Result layer = Cli.run("facets", "--data", "data/fashion-mnist", "--layer", "relu9", "--channel", "0",
                "--limit", "100", "--out", out.toString());
        assertEquals(2, layer.code(), layer.toString());
        assertTrue(layer.err().contains("relu9"), layer.err());

        Cli.Result cls = Cli.run("facets", "--data", "data/fashion-mnist", "--target", "Bagg", "--out", out.toString());
        assertEquals(2, cls.code(), cls.toString());
        assertTrue(cls.err().contains("Bag"), cls.err());

        Cli.Result channel = Cli.run("facets", "--data", "data/fashion-mnist", "--layer", "relu2", "--channel", "99",
                "--limit", "100", "--out", out.toString());
        assertEquals(2, channel.code(), channel.toString());
        assertTrue(channel.err().contains("99"), channel.err());

        assertEquals(2, Cli.run("facets", "--target", "1", "--layer", "relu2", "--channel", "0").code());
        assertEquals(2, Cli.run("facets", "--layer", "relu2").code());
        assertEquals(2, Cli.run("facets", "--target", "1", "--facets", "0", "--limit", "100").code());
        assertEquals(2, Cli.run("facets", "--target", "1", "--top-share", "1.5").code());
    }
}
