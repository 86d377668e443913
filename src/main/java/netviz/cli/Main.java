package netviz.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import netviz.NetvizException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code netviz} command: parses the command line, runs one subcommand, and turns every
 * failure into one line on stderr and an exit code.
 *
 * <ul>
 *   <li>{@link NetvizException} (a user error: bad file, unknown name, wrong shape) →
 *       {@code netviz: error: <message>}, exit code {@value #EXIT_USER_ERROR};</li>
 *   <li>{@link netviz.NonFiniteResultException} (a result became NaN or infinite: not the user's
 *       mistake) → {@code netviz: error: <message>} naming the method and the step, exit code
 *       {@value #EXIT_INTERNAL_ERROR};</li>
 *   <li>a usage error (unknown option, missing value) → picocli's message, close matches and where
 *       to look, on one line, exit code
 *       {@value #EXIT_USER_ERROR};</li>
 *   <li>anything else (a bug) → {@code netviz: internal error: <exception>}, exit code
 *       {@value #EXIT_INTERNAL_ERROR}.</li>
 * </ul>
 * Stack traces are printed only with {@code --verbose}. Commands write their files through
 * {@link Outputs} so that a failed command leaves nothing half-written.
 *
 * <p>Every subcommand is listed once, in the {@code subcommands} attribute below.
 */
@Command(name = "netviz",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Open up trained ONNX image classifiers and show what they have learned.",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {
                CommandLine.HelpCommand.class,

                // foundation
                InfoCommand.class,
                DoctorCommand.class,
                ForwardCommand.class,
                ClassifyCommand.class,
                EvaluateCommand.class,

                // training
                TrainCommand.class,

                // filters & activations
                FiltersCommand.class,
                ActivationsCommand.class,
                DeadFiltersCommand.class,
                ScanCommand.class,

                // attribution
                OcclusionCommand.class,
                SanityCommand.class,
                SaliencyCommand.class,
                GuidedBackpropCommand.class,
                IntegratedGradientsCommand.class,
                GradCamCommand.class,
                GradCamPlusPlusCommand.class, ScoreCamCommand.class,

                // feature space
                NeighborsCommand.class,
                EmbedCommand.class,

                // neurons
                ReceptiveFieldCommand.class,
                TopImagesCommand.class,
                MaximizeCommand.class,

                // facets & generator
                FacetsCommand.class,
                TrainGeneratorCommand.class,
                DgnCommand.class,

                // report & web app
                ReportCommand.class,
                ServeCommand.class,
        })
public final class Main implements Runnable {
    /** Exit code of a user error: a {@link NetvizException} or a usage error. */
    public static final int EXIT_USER_ERROR = 2;
    /** Exit code of an unexpected failure. */
    public static final int EXIT_INTERNAL_ERROR = 1;
    /** System property (set by the launcher) naming the netviz installation: the repository root. */
    public static final String HOME_PROPERTY = "netviz.home";

    @Spec
    CommandSpec spec;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Print stack traces of errors and more detail while running.")
    boolean verbose;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command");
    }

    public static void main(String[] args) {
        CommandLine cl = newCommandLine();
        int code = execute(cl, args);
        cl.getOut().flush();
        cl.getErr().flush();
        System.exit(code);
    }

    /**
     * {@code cl.execute(args)}, also turning errors that picocli lets through (out of memory, stack
     * overflow) into one line and exit code {@value #EXIT_INTERNAL_ERROR}.
     */
    static int execute(CommandLine cl, String... args) {
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            cl.getErr().println("netviz: error: out of memory (" + oneLine(e.getMessage())
                    + "); give the JVM more with JAVA_OPTS=-Xmx8g, or use smaller inputs or batches");
            return EXIT_INTERNAL_ERROR;
        } catch (Throwable e) {
            cl.getErr().println("netviz: internal error: " + e.getClass().getName()
                    + (e.getMessage() == null ? "" : ": " + oneLine(e.getMessage())));
            if (java.util.Arrays.asList(args).contains("--verbose")) {
                e.printStackTrace(cl.getErr());
            }
            return EXIT_INTERNAL_ERROR;
        } finally {
            cl.getErr().flush();
        }
    }

    /** The configured command line: subcommands, error handlers, exit codes. Tests run commands through it. */
    public static CommandLine newCommandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setUsageHelpAutoWidth(true);
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.setParameterExceptionHandler(new UsageErrorHandler());
        cl.setExitCodeExceptionMapper(t -> {
            NetvizException user = findUserError(t);
            return user != null ? user.exitCode() : EXIT_INTERNAL_ERROR;
        });
        return cl;
    }

    /**
     * Runs {@code netviz args…} in this process with the given output streams; returns the exit
     * code.
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = newCommandLine();
        cl.setOut(out);
        cl.setErr(err);
        return run(cl, args);
    }

    /**
     * Runs {@code netviz args…} in this process on a command line from {@link #newCommandLine()}
     * (its streams or error handlers set by the caller); returns the exit code.
     */
    public static int run(CommandLine cl, String... args) {
        try {
            return execute(cl, args);
        } finally {
            cl.getOut().flush();
            cl.getErr().flush();
        }
    }

    /** True when {@code --verbose} was given anywhere on the command line that {@code parsed} came from. */
    public static boolean isVerbose(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /** The first {@link NetvizException} in the cause chain of {@code t}, or null. */
    static NetvizException findUserError(Throwable t) {
        for (int depth = 0; t != null && depth < 20; depth++, t = t.getCause()) {
            if (t instanceof NetvizException n) {
                return n;
            }
        }
        return null;
    }

    static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        return s.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    private static final class ErrorHandler implements IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parsed) {
            PrintWriter err = cl.getErr();
            boolean verbose = isVerbose(parsed) || isVerbose(rootOf(cl).getParseResult());
            NetvizException user = findUserError(ex);
            int code;
            if (user != null) {
                err.println("netviz: error: " + oneLine(user.getMessage()));
                code = user.exitCode();
            } else if (ex instanceof ParameterException pe) {
                err.println("netviz: error: " + oneLine(pe.getMessage()));
                code = EXIT_USER_ERROR;
            } else {
                String msg = ex.getMessage() == null ? "" : ": " + oneLine(ex.getMessage());
                err.println("netviz: internal error: " + ex.getClass().getName() + msg
                        + (verbose ? "" : " (run with --verbose for the stack trace)"));
                code = EXIT_INTERNAL_ERROR;
            }
            if (verbose) {
                StringWriter trace = new StringWriter();
                ex.printStackTrace(new PrintWriter(trace));
                err.print(trace);
            }
            err.flush();
            return code;
        }
    }

    private static CommandLine rootOf(CommandLine cl) {
        CommandLine c = cl;
        while (c.getParent() != null) {
            c = c.getParent();
        }
        return c;
    }

    private static final class UsageErrorHandler implements IParameterExceptionHandler {
        @Override
        public int handleParseException(ParameterException ex, String[] args) {
            CommandLine cl = ex.getCommandLine();
            PrintWriter err = cl.getErr();
            NetvizException user = findUserError(ex);
            StringBuilder line = new StringBuilder("netviz: error: ")
                    .append(oneLine(user != null ? user.getMessage() : ex.getMessage()));
            if (ex instanceof UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
                List<String> s = u.getSuggestions();
                line.append(" (did you mean ").append(String.join(", ", s.subList(0, Math.min(4, s.size())))).append("?)");
            }
            line.append("; see '").append(cl.getCommandSpec().qualifiedName()).append(" --help'");
            err.println(line);
            for (String a : args) {
                if (a.equals("--verbose")) {
                    ex.printStackTrace(err);
                    break;
                }
            }
            err.flush();
            return EXIT_USER_ERROR;
        }
    }

    /** {@code --version}: the Maven project version and the Java runtime. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"netviz " + version(), "Java " + System.getProperty("java.version")
                    + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }

    /** The project version ({@link netviz.Version#current()}). */
    public static String version() {
        return netviz.Version.current();
    }
}
