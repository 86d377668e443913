package netviz.session;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import netviz.Progress;
import netviz.data.Dataset;
import netviz.io.FloatArray;
import netviz.io.Npy;
import netviz.methods.features.FeatureExtractor;
import netviz.methods.features.Features;

/**
 * The features of a session's dataset at a layer ({@link FeatureExtractor}), each computed once:
 * kept in memory (the {@value #MEMORY_ENTRIES} most recently used layers and limits), and on disk
 * when the cache has a folder, so that a later run on the same inputs reads a file instead of
 * running the network. Requests for features that are being computed wait for that computation.
 *
 * <p>On disk an entry is two files, {@code features-KEY.npy} (float32, count × dim) and
 * {@code features-KEY.json} (layer, source, count, dim, labels, ids), written to temporary files and
 * moved into place. {@code KEY} is the SHA-256 of the model file's SHA-256, the graph's presentation
 * ({@code --output}, {@code --score}, {@code --layout}), the layer's tensor, and the dataset's
 * description, size, preprocessing and the number of examples used. A damaged entry is recomputed;
 * an entry that cannot be written is reported on standard error and the features are used anyway.
 * The preprocessed pixels are kept in memory only (reading them is as quick as reading a file).
 * Thread-safe.
 */
public final class FeatureCache {
    /** Feature matrices kept in memory at once (the least recently used is dropped first). */
    public static final int MEMORY_ENTRIES = 3;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Session session;
    private final Path dir;
    private final Map<String, CompletableFuture<Features>> memory = new LinkedHashMap<>(8, 0.75f, true);

    /** The features of {@code session}'s dataset, kept on disk in {@code dir} (null: in memory only). */
    FeatureCache(Session session, Path dir) {
        this.session = session;
        this.dir = dir;
    }

    /** {@code $NETVIZ_CACHE} (or system property {@code netviz.cache}), else {@code ~/.cache/netviz}. */
    public static Path defaultDir() {
        String p = System.getProperty("netviz.cache", System.getenv("NETVIZ_CACHE"));
        if (p != null && !p.isBlank()) {
            return Path.of(p);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "netviz");
    }

    /** The folder of the on-disk entries, or null when features are kept in memory only. */
    public Path dir() {
        return dir;
    }

    /**
     * The features of the first {@code o.limit()} dataset images (0: all) at {@code layer} (a layer
     * or tensor name; null: {@link FeatureExtractor#defaultLayer}), from memory, from disk, or computed
     * with the session's interpreter; {@code progress} hears of the computation. A session with a
     * {@link Session#scan() scan} reads them from the scan instead.
     */
    public Features features(String layer, FeatureExtractor.Options o, Progress progress) {
        String tensor = FeatureExtractor.tensor(session.graph(), layer);
        DatasetScan scan = session.scan().orElse(null);
        if (scan != null) {
            return remembered("scan|layer=" + tensor + "|limit=" + o.limit(), () -> scan.features(layer, o.limit()));
        }
        Dataset data = session.dataset();
        int n = FeatureExtractor.count(data, o.limit());
        return remembered("layer=" + tensor + "|n=" + n, () -> {
            String key = dir == null ? null : key(tensor, data, n);
            Features hit = key == null ? null : read(key, data);
            if (hit != null) {
                return hit;
            }
            Features f = FeatureExtractor.extract(session.forward(), data, tensor, o.withLimit(n), progress);
            if (key != null) {
                write(key, f);
            }
            return f;
        });
    }

    /** The preprocessed pixels of the first {@code o.limit()} dataset images (0: all), kept in memory. */
    public Features pixels(FeatureExtractor.Options o, Progress progress) {
        Dataset data = session.dataset();
        int n = FeatureExtractor.count(data, o.limit());
        return remembered("pixels|n=" + n, () -> FeatureExtractor.pixels(data, o.withLimit(n), progress));
    }

    /** The value under {@code key}, computed once by {@code compute}; a failure is not remembered. */
    private Features remembered(String key, Supplier<Features> compute) {
        CompletableFuture<Features> mine = new CompletableFuture<>();
        CompletableFuture<Features> f;
        synchronized (memory) {
            f = memory.get(key);
            if (f == null) {
                memory.put(key, mine);
                while (memory.size() > MEMORY_ENTRIES) {
                    String eldest = memory.keySet().iterator().next();
                    memory.remove(eldest);
                }
            }
        }
        if (f == null) {
            try {
                mine.complete(compute.get());
            } catch (RuntimeException | Error e) {
                synchronized (memory) {
                    memory.remove(key, mine);
                }
                mine.completeExceptionally(e);
                throw e;
            }
            f = mine;
        }
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    private String key(String tensor, Dataset data, int n) {
        return digest(session.modelHash(), "view=" + session.view(), "layer=" + tensor, "data=" + data.description()
                + "|size=" + data.size() + "|n=" + n + "|pre=" + data.preprocessing().describe());
    }

    static String digest(String... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String p : parts) {
                md.update(p.getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Features read(String key, Dataset data) {
        Path npy = dir.resolve("features-" + key + ".npy");
        Path meta = dir.resolve("features-" + key + ".json");
        if (!Files.isRegularFile(npy) || !Files.isRegularFile(meta)) {
            return null;
        }
        try {
            JsonNode m = JSON.readTree(meta.toFile());
            FloatArray a = Npy.readFloats(npy);
            int n = m.get("count").asInt();
            int dim = m.get("dim").asInt();
            if (a.rank() != 2 || a.dim(0) != n || a.dim(1) != dim) {
                return null;
            }
            int[] labels = new int[n];
            int[] indices = new int[n];
            List<String> ids = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                labels[i] = m.get("labels").get(i).asInt();
                indices[i] = i;
                ids.add(m.get("ids").get(i).asText());
            }
            return new Features(a.data(), n, dim, indices, labels, ids, data.classNames(), m.get("layer").asText(),
                    m.get("source").asText(), true);
        } catch (IOException | RuntimeException e) {
            return null;   // a damaged entry is recomputed
        }
    }

    private void write(String key, Features f) {
        try {
            Files.createDirectories(dir);
            Path tmpNpy = netviz.io.TempFiles.createFile(dir, "features-", ".npy.tmp");
            Path tmpMeta = netviz.io.TempFiles.createFile(dir, "features-", ".json.tmp");
            Npy.write(tmpNpy, f.values(), f.count(), f.dim());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("layer", f.layer());
            m.put("source", f.source());
            m.put("count", f.count());
            m.put("dim", f.dim());
            m.put("labels", f.labels());
            m.put("ids", f.ids());
            JSON.writeValue(tmpMeta.toFile(), m);
            move(tmpNpy, dir.resolve("features-" + key + ".npy"));
            move(tmpMeta, dir.resolve("features-" + key + ".json"));
        } catch (IOException | RuntimeException e) {
            System.err.println("netviz: could not cache features in " + dir + ": " + e.getMessage());
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
