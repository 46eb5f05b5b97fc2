package org.unidiff.server;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.unidiff.api.core.DefaultBundle;
import org.unidiff.api.Unidiff;
import org.unidiff.api.tasks.TaskRegistry;
import org.unidiff.api.core.UnidiffOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./unidiff serve}: starts the HTTP service on a bundle (the bundled default model unless
 * {@code --bundle} names another) and runs until SIGTERM or Ctrl-C, which stop it gracefully:
 * no new jobs, running and queued jobs get {@code --shutdown-seconds} to finish, the rest are
 * cancelled, and the process exits 0.
 */
@Command(name = "unidiff serve", mixinStandardHelpOptions = true,
        description = "Serve every task of a model over HTTP: a JSON API and a web page.")
public final class ServerMain implements Callable<Integer> {

    /** Environment variable holding the API token. */
    public static final String TOKEN_ENV = "UNIDIFF_TOKEN";

    @Option(names = "--bundle", paramLabel = "[NAME=]DIR", description = "Model bundle directory (default: the bundled "
            + "model); repeat to serve several models at once, each under NAME (default: the bundle's manifest name). "
            + "A request names its model with \"model\"; without it, the first model serving its task runs it.")
    java.util.List<String> bundles = new java.util.ArrayList<>();

    @Option(names = "--examples", paramLabel = "[NAME=]DIR", description = "A folder of in-context example folders "
            + "(such as models/incontext/examples) the page offers with model NAME (default: the first model serving "
            + "in-context); repeatable.")
    java.util.List<String> examples = new java.util.ArrayList<>();

    /** --cuda, --device, --cpu-fallback, --threads, --variant: the same flags as every front end's. */
    @picocli.CommandLine.Mixin
    org.unidiff.options.ExecutionFlags execution = new org.unidiff.options.ExecutionFlags();

    @Option(names = "--port", defaultValue = "8080", description = "Port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--host", defaultValue = ServerConfig.LOOPBACK,
            description = "Address to bind (default: ${DEFAULT-VALUE}); any other address needs a token.")
    String host;

    @Option(names = "--token", paramLabel = "T",
            description = "API token clients send as 'Authorization: Bearer T' (default: $" + TOKEN_ENV + ").")
    String token;

    @Option(names = "--cors-origin", paramLabel = "ORIGIN",
            description = "Let pages of this origin (scheme://host[:port], or *) call the API from a browser; "
                    + "repeat for several. Default: none (CORS off).")
    java.util.List<String> corsOrigins = new java.util.ArrayList<>();

    @Option(names = "--queue", defaultValue = "64", description = "Most waiting jobs before 429 (default: ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--batch-size", defaultValue = "16",
            description = "Most jobs run in one batched call; 1 turns batching off (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--batch-wait-ms", defaultValue = "20",
            description = "How long a job waits for compatible ones (default: ${DEFAULT-VALUE}).")
    long batchWaitMs;

    @Option(names = "--shutdown-seconds", defaultValue = "20",
            description = "On SIGTERM, time given to running jobs before they are cancelled (default: ${DEFAULT-VALUE}).")
    long shutdownSeconds;

    private final PrintWriter out;
    private final PrintWriter err;

    ServerMain(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    /** Starts the service; exits 0 after a graceful stop on SIGTERM or Ctrl-C. */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        CommandLine cli = new CommandLine(new ServerMain(out, err));
        cli.setOut(out);
        cli.setErr(err);
        System.exit(cli.execute(args));
    }

    /** The configuration the options describe. */
    ServerConfig config() {
        String t = token != null ? token : System.getenv(TOKEN_ENV);
        ServerConfig d = ServerConfig.defaults();
        return d.withToken(t).withAddress(host, port).withCorsOrigins(corsOrigins).withQueueCapacity(queue)
                .withBatching(batchSize, Duration.ofMillis(batchWaitMs))
                .withTimings(d.syncCommitDelay(), d.heartbeat(), Duration.ofSeconds(shutdownSeconds));
    }

    /** Gives each --examples folder to its model; returns why one was refused, or null. */
    private String addExamples(java.util.List<ServedModel> served) {
        for (String spec : examples) {
            int eq = spec.indexOf('=');
            String name = eq > 0 ? spec.substring(0, eq) : null;
            int index = -1;
            for (int i = 0; i < served.size() && index < 0; i++) {
                ServedModel m = served.get(i);
                if (name != null ? m.name().equals(name)
                        : m.tasks().find(org.unidiff.api.core.Task.IN_CONTEXT_ID).isPresent()) {
                    index = i;
                }
            }
            if (index < 0) {
                return "--examples " + spec + ": " + (name != null ? "no model is named '" + name + "'"
                        : "no model serves in-context") + " (models: "
                        + String.join(", ", served.stream().map(ServedModel::name).toList()) + ")";
            }
            try {
                ExampleSets sets = ExampleSets.read(Path.of(eq > 0 ? spec.substring(eq + 1) : spec),
                        new com.fasterxml.jackson.databind.ObjectMapper());
                served.set(index, served.get(index).withExamples(sets));
            } catch (IllegalArgumentException | java.io.IOException e) {
                return e.getMessage();
            }
        }
        return null;
    }

    @Override
    public Integer call() throws InterruptedException {
        ServerConfig config;
        org.unidiff.runtime.ort.ExecutionConfig where;
        String variant;
        try {
            config = config();
            where = execution.execution();
            variant = execution.variant();
        } catch (IllegalArgumentException | org.unidiff.api.core.UnidiffException e) {
            err.println("unidiff serve: " + e.getMessage());
            return 2;
        }
        java.util.List<ServedModel> served = new java.util.ArrayList<>();
        java.util.List<Unidiff> opened = new java.util.ArrayList<>();
        TaskRegistry registry = TaskRegistry.installed();
        boolean allOpen = false;
        try {
            for (String spec : bundles.isEmpty() ? java.util.List.of("") : bundles) {
                int eq = spec.indexOf('=');
                String name = eq > 0 ? spec.substring(0, eq) : null;
                Path dir = spec.isEmpty() ? DefaultBundle.locate() : Path.of(eq > 0 ? spec.substring(eq + 1) : spec);
                Unidiff unidiff;
                try {
                    unidiff = Unidiff.open(new UnidiffOptions(dir, where, variant));
                } catch (RuntimeException e) {
                    err.println("unidiff serve: cannot open the model " + dir + ": " + messages(e));
                    return 1;
                }
                opened.add(unidiff);
                try {
                    served.add(ServedModel.of(name != null ? name : unidiff.manifest().name(), unidiff, dir, registry));
                } catch (IllegalArgumentException e) {
                    // A model that serves no registered task, or a bad name: the user's input, not a listening problem.
                    err.println("unidiff serve: " + e.getMessage());
                    return 2;
                }
            }
            String refused = addExamples(served);
            if (refused != null) {
                err.println("unidiff serve: " + refused);
                return 2;
            }
            allOpen = true;
        } finally {
            if (!allOpen) {
                opened.forEach(Unidiff::close);   // native memory of the models opened before the failure
            }
        }
        UnidiffServer server;
        try {
            server = UnidiffServer.start(served, config, ServerClock.system());
        } catch (IllegalArgumentException e) {
            opened.forEach(Unidiff::close);
            err.println("unidiff serve: " + e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            opened.forEach(Unidiff::close);
            err.println("unidiff serve: cannot listen on " + config.host() + ":" + config.port() + ": " + messages(e));
            return 1;
        }
        String shown = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        StringBuilder names = new StringBuilder();
        for (ServedModel m : served) {
            names.append(names.length() == 0 ? "" : ", ").append(m.name())
                    .append(m.unidiff().variant().map(v -> " (variant " + v + ")").orElse(""));
        }
        out.println("unidiff serve: model" + (served.size() > 1 ? "s " : " ") + names + " on http://" + shown + ":" + server.port()
                + "/" + (config.tokenRequired() ? " (API token required)" : "") + "; SIGTERM or Ctrl-C stops it");
        CountDownLatch stop = new CountDownLatch(1);
        // A stop asked by SIGTERM or Ctrl-C is handled here, not in a shutdown hook: the native
        // libraries loaded with the model may replace the JVM's handlers (the process then dies by
        // the signal and no hook runs), so the handlers are installed again after the model is open.
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> stop.countDown());
            } catch (IllegalArgumentException e) {
                err.println("unidiff serve: cannot handle SIG" + name + " (" + e.getMessage() + ")");
            }
        }
        stop.await();
        out.println("unidiff serve: stopping (no new jobs; running jobs have " + shutdownSeconds + " s)");
        int cancelled = server.shutdown();
        opened.forEach(Unidiff::close);
        out.println("unidiff serve: stopped; " + server.metrics().done() + " jobs done, " + cancelled
                + " cancelled at shutdown");
        out.flush();
        return 0;
    }

    /** The message of an error and of each cause, so the root cause (port in use) is shown. */
    private static String messages(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null && sb.length() < 1000; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (sb.indexOf(m) < 0) {
                sb.append(sb.length() == 0 ? "" : ": ").append(m);
            }
        }
        return sb.toString();
    }
}
