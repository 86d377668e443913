package netviz.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import netviz.server.NetvizServer;
import netviz.server.ServerOptions;
import netviz.session.FeatureCache;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code netviz serve}: the local web app (pages and JSON API, see docs/web-api.md) on one model
 * and dataset, until interrupted.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the local web app: explore the model, its layers and neurons, explain images (upload one or "
                + "pick one from the dataset) and map the dataset, in the browser. Also a JSON API under /api.",
                "Listens on 127.0.0.1 (this machine only) unless --host says otherwise. Stop it with Ctrl-C."})
public final class ServeCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(names = "--data", paramLabel = "DATA",
            description = "Dataset to explore (default: the bundled Fashion-MNIST test split).")
    Path data;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
            description = "TCP port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--host", paramLabel = "ADDR", defaultValue = ServerOptions.LOCAL_HOST,
            description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only). Anything else, e.g. "
                    + "0.0.0.0, lets other machines use the app: there is no login.")
    String host;

    @Option(names = "--cache", paramLabel = "DIR",
            description = "The app's folder for uploads and cached job results (default: $NETVIZ_CACHE/serve or "
                    + "~/.cache/netviz/serve).")
    Path cache;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "Use only the first N dataset images (default: all).")
    int limit;

    @Option(names = "--queue", paramLabel = "N", defaultValue = "32",
            description = "Jobs that may wait for one of the 2 workers; more are refused with 503 (default: ${DEFAULT-VALUE}).")
    int queue;

    /** The warning printed when the app listens beyond this machine, or null for a loopback address. */
    public static String hostWarning(ServerOptions o) {
        if (o.isLocal()) {
            return null;
        }
        return "netviz: warning: listening on " + o.host() + ": anyone who can reach this machine can use the app, "
                + "upload images and run jobs (there is no login); use --host 127.0.0.1 to keep it local";
    }

    @Override
    public void run() {
        String runtime = model.runtime();
        if (!model.view().equals(netviz.engine.ModelView.Options.defaults())) {
            throw new netviz.NetvizException("serve explains the model's default classifier output, its logits and its"
                    + " detected layout; --output, --score and --layout apply to the other commands");
        }
        Path dir = cache != null ? cache : FeatureCache.defaultDir().resolve("serve");
        netviz.server.ModelSession.checkCacheFolder(dir);
        // A failed start (port in use) is reported as one netviz line; Javalin's own ERROR log line would repeat it.
        if (System.getProperty("org.slf4j.simpleLogger.log.io.javalin.Javalin") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.io.javalin.Javalin", "off");
        }
        ServerOptions o = ServerOptions.of(model.path(), data, dir).withHost(host).withPort(port).withLimit(limit)
                .withQueue(queue).withRuntime(runtime);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String warning = hostWarning(o);
        if (warning != null) {
            err.println(warning);
            err.flush();
        }
        NetvizServer server = NetvizServer.start(o);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "netviz-serve-stop"));
        out.println("netviz: serving " + server.session().name() + " on " + server.session().size() + " images of "
                + server.session().dataset().description());
        out.println("netviz: open " + server.uri() + "  (cache " + dir.toAbsolutePath() + "; Ctrl-C stops)");
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.close();
        }
    }
}
