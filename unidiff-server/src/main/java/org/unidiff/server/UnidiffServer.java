package org.unidiff.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unidiff.api.Unidiff;
import org.unidiff.api.tasks.TaskRegistry;

/**
 * The HTTP service: the JSON API, the event streams, {@code /metrics} and the static page, on
 * one or more {@link Unidiff} models. See {@code unidiff-server/README.md} for the API.
 *
 * <p>Every error is an RFC 9457 problem document; requests are checked (size, type of every
 * field, limits, image header) before they are queued; no request field names a file on the
 * server (images travel inside the JSON).
 */
public final class UnidiffServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UnidiffServer.class);
    /** One line a request: method, path, status, milliseconds, request id (its own logger, so it can be routed or silenced). */
    private static final Logger ACCESS = LoggerFactory.getLogger("org.unidiff.server.access");
    /** Probes for orchestrators: answered without the token (they say nothing but up or not). */
    private static final java.util.Set<String> PROBES = java.util.Set.of("/api/health/live", "/api/health/ready",
            "/api/openapi.json");
    /** The OpenAPI 3.1 description of the routes (resources/openapi.json). */
    private static final String OPENAPI = readResource("/openapi.json");
    private static final String JSON = "application/json";
    /** The slowest request body accepted, in bytes a second (a 8 MiB body may take 8 minutes). */
    static final long MIN_BODY_BYTES_PER_SECOND = 16 * 1024;
    /** The most connections open at once. */
    static final int MAX_CONNECTIONS = 512;
    /** How long a body may take before its rate is judged. */
    static final long BODY_GRACE_NANOS = 1_000_000_000L;
    /** The paths served without the token: the page and its files (resources/web). */
    private static final java.util.Set<String> PAGE_FILES = java.util.Set.of("/", "/index.html", "/app.js", "/app.css");

    private final ServedModels models;
    private final RequestBodies bodies;
    private final ServerConfig config;
    private final ObjectMapper mapper;
    private final Metrics metrics = new Metrics();
    private final ServerClock clock;
    private final JobScheduler scheduler;
    private final JobStreams jobStreams;
    private final String modelJson;
    private final String modelsJson;
    private final byte[] token;
    private final boolean loopbackOnly;
    private final java.util.List<String> routes = new java.util.ArrayList<>();
    private final Javalin app;
    private volatile boolean stopping;

    private UnidiffServer(java.util.List<ServedModel> served, ServerConfig config, ServerClock clock) {
        this.models = new ServedModels(served);
        this.clock = clock;
        Limits l = config.limits();
        // A bundle's own group limit is the tighter one when it is smaller (the smallest of the models').
        for (ServedModel m : models.all()) {
            Integer bundleMax = m.unidiff().manifest().group() == null ? null : m.unidiff().manifest().group().maxSize();
            if (bundleMax != null && bundleMax < l.maxGroupSize()) {
                l = new Limits(l.maxBodyBytes(), l.maxImagePixels(), l.maxPromptChars(), l.maxSteps(), l.maxOutputs(),
                        bundleMax, l.maxHeldInputBytes(), l.maxKeptResultBytes());
            }
        }
        this.config = config.withLimits(l);
        this.mapper = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.scheduler = new JobScheduler(this.config, metrics, mapper, clock);
        this.bodies = new RequestBodies(models, this.config, mapper, clock);
        this.jobStreams = new JobStreams(scheduler, metrics, this.config, mapper);
        this.token = config.token() == null ? null : config.token().getBytes(StandardCharsets.UTF_8);
        this.loopbackOnly = ServerConfig.isLoopback(config.host());
        try {
            com.fasterxml.jackson.databind.node.ArrayNode list = mapper.createArrayNode();
            for (ServedModel m : models.all()) {
                list.add(ModelInfo.of(mapper, m, this.config));
            }
            this.modelJson = mapper.writeValueAsString(list.get(0));
            ObjectNode all = mapper.createObjectNode();
            all.set("models", list);
            this.modelsJson = mapper.writeValueAsString(all);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write the model document", e);
        }
        this.app = Javalin.create(c -> {
            c.showJavalinBanner = false;
            c.startupWatcherEnabled = false;
            c.http.disableCompression();
            // A known path with another method is 405 (with Allow), not 404.
            c.http.prefer405over404 = true;
            c.requestLogger.http((ctx, ms) -> ACCESS.info("{} {} {} {} ms id={}", ctx.method(), ctx.path(),
                    ctx.statusCode(), Math.round(ms), ctx.res().getHeader(RequestIds.HEADER)));
            c.http.maxRequestSize = this.config.limits().maxBodyBytes();
            // Slow clients: a body arriving slower than MIN_BODY_BYTES_PER_SECOND is answered 408 by
            // readBody (MinimumRateInput, timed from when the server starts reading, not Jetty's rate
            // that counts the server's own queueing against the client), and at most MAX_CONNECTIONS
            // are accepted at once (more wait in the accept backlog).
            c.jetty.modifyServer(s -> {
                s.addBean(new org.eclipse.jetty.server.ConnectionLimit(MAX_CONNECTIONS, s));
                s.setErrorHandler(new ProblemErrorHandler());
            });
            c.staticFiles.add(sf -> {
                sf.hostedPath = "/";
                sf.directory = "/web";
                sf.location = Location.CLASSPATH;
                sf.headers = Map.of("Content-Security-Policy",
                        "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'",
                        "X-Content-Type-Options", "nosniff", "Cache-Control", "no-cache");
            });
        });
        routes();
    }

    /**
     * Starts a server on one open {@link Unidiff}, named by its manifest; the caller keeps ownership of it.
     *
     * @param bundleDir the bundle's directory (for the vocabulary hint), or null
     * @param tasks     the tasks to offer (those the model serves are served)
     * @throws IllegalArgumentException if the model serves none of {@code tasks}
     */
    public static UnidiffServer start(Unidiff unidiff, Path bundleDir, ServerConfig config, TaskRegistry tasks) {
        return start(unidiff, bundleDir, config, tasks, ServerClock.system());
    }

    /**
     * Starts a server on one model whose jobs read time from {@code clock} (tests expire results with it).
     *
     * @param bundleDir the bundle's directory (for the vocabulary hint), or null
     */
    public static UnidiffServer start(Unidiff unidiff, Path bundleDir, ServerConfig config, TaskRegistry tasks,
                                      ServerClock clock) {
        return start(java.util.List.of(ServedModel.of(unidiff.manifest().name(), unidiff, bundleDir, tasks)), config,
                clock);
    }

    /**
     * Starts a server on several models at once (one job queue for all; a request names its model
     * or gets the first that serves its task); the caller keeps ownership of the models.
     *
     * @throws IllegalArgumentException for no models or two with one name
     */
    public static UnidiffServer start(java.util.List<ServedModel> models, ServerConfig config, ServerClock clock) {
        UnidiffServer s = new UnidiffServer(models, config, clock);
        s.app.start(config.host(), config.port());
        for (ServedModel m : s.models.all()) {
            LOG.info("unidiff server on http://{}:{}/ serves model {} ({}): {}", config.host(), s.port(), m.name(),
                    m.unidiff().manifest().name(), m.tasks().ids());
        }
        return s;
    }

    /** The port listened on. */
    public int port() {
        return app.port();
    }

    /** The metrics. */
    public Metrics metrics() {
        return metrics;
    }

    /** The job queue (tests wait on its jobs' events). */
    JobScheduler scheduler() {
        return scheduler;
    }

    /** The effective configuration (limits narrowed to the bundle's). */
    public ServerConfig config() {
        return config;
    }

    /**
     * Graceful stop: refuse new jobs (503), let queued and running jobs finish until the
     * configured deadline, cancel the rest, then close the listener. Does not close the
     * {@link Unidiff}.
     *
     * @return jobs cancelled at the deadline
     */
    public int shutdown() {
        stopping = true;
        int cancelled = scheduler.shutdown(config.shutdownDeadline());
        app.stop();
        return cancelled;
    }

    /** Stops at once, cancelling every job. */
    @Override
    public void close() {
        stopping = true;
        scheduler.close();
        app.stop();
    }

    private void routes() {
        app.before(ctx -> {
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.header(RequestIds.HEADER, RequestIds.accept(ctx.header(RequestIds.HEADER)));
            if (cors(ctx)) {
                return;   // a preflight, answered without the token (browsers send none with it)
            }
            // On loopback the Host header must name loopback too: a browser page of another site
            // that rebinds its name to 127.0.0.1 sends its own name here.
            if (loopbackOnly && !LoopbackHosts.isLoopbackHost(ctx.header("Host"))) {
                throw Problem.hostNotAllowed(String.valueOf(ctx.header("Host")));
            }
            // Every path needs the token but the page's own files: an allow-list, so that a new
            // route or another spelling of one (/metrics/, //api/model) is never open by mistake.
            if (token != null && !PAGE_FILES.contains(ctx.path()) && !PROBES.contains(ctx.path())) {
                checkToken(ctx);
            }
        });
        route(HandlerType.GET, "/api/model", ctx -> ctx.contentType(JSON).result(modelJson));
        route(HandlerType.GET, "/api/models", ctx -> ctx.contentType(JSON).result(modelsJson));
        route(HandlerType.GET, "/api/models/{model}/examples/{name}", this::exampleSet);
        route(HandlerType.GET, "/api/openapi.json", ctx -> ctx.contentType(JSON).result(OPENAPI));
        route(HandlerType.GET, "/api/health", this::health);
        route(HandlerType.GET, "/api/health/ready", this::health);
        route(HandlerType.GET, "/api/health/live", ctx -> json(ctx, 200, mapper.createObjectNode().put("status", "alive")));
        route(HandlerType.GET, "/api/jobs", this::listJobs);
        route(HandlerType.POST, "/api/jobs", this::submitJob);
        route(HandlerType.GET, "/api/jobs/{id}", ctx -> json(ctx, 200, jobJson(job(ctx).snapshot(), true)));
        route(HandlerType.DELETE, "/api/jobs/{id}", this::cancelJob);
        route(HandlerType.GET, "/api/jobs/{id}/events", this::events);
        route(HandlerType.POST, "/api/run", this::runSync);
        // The OpenAI images endpoint is text to image: sized by the first model that serves it.
        ServedModel drawing = models.servingTask(org.unidiff.api.core.Task.TEXT_TO_IMAGE.id()).orElse(models.first());
        OpenAiImages openAi = new OpenAiImages(this, mapper, drawing.unidiff().manifest().image().width(),
                drawing.unidiff().manifest().image().height());
        route(HandlerType.POST, OpenAiImages.PATH, openAi::generate);
        route(HandlerType.GET, "/metrics", ctx -> ctx.contentType(Metrics.CONTENT_TYPE)
                .result(metrics.render(scheduler.queueLength(), scheduler.running())));
        app.exception(Problem.class, (p, ctx) -> problem(ctx, p));
        app.exception(HttpResponseException.class, (e, ctx) -> problem(ctx, fromHttp(e.getStatus(), ctx)));
        app.exception(Exception.class, (e, ctx) -> {
            LOG.warn("{} {} failed", ctx.method(), ctx.path(), e);
            problem(ctx, Problem.internal("the request failed (" + e.getClass().getSimpleName()
                    + "); the server log has the details"));
        });
        app.error(404, ctx -> {
            if (!isProblem(ctx)) {
                problem(ctx, Problem.notFound(ctx.path()));
            }
        });
        app.error(405, ctx -> {
            if (!isProblem(ctx)) {
                problem(ctx, Problem.methodNotAllowed(ctx.method().name(), ctx.path()));
            }
        });
    }

    /** One in-context example set of a model, as the page fills a request's examples from it; 404 when unknown. */
    private void exampleSet(Context ctx) {
        String model = ctx.pathParam("model");
        String name = ctx.pathParam("name");
        java.util.Optional<ServedModel> served = models.find(model);
        byte[] doc = served.flatMap(m -> m.examples().document(name)).orElseThrow(() -> Problem.noSuchExampleSet(model,
                name, served.map(m -> m.examples().names()).orElse(null)));
        ctx.contentType(JSON).result(doc);
    }

    /**
     * ok (200); shutting-down (503); degraded (503) after the server ran out of memory, until a
     * batch succeeds again, so a load balancer stops sending work while it recovers.
     */
    private void health(Context ctx) {
        java.time.Instant oom = scheduler.outOfMemorySince();
        ObjectNode body = mapper.createObjectNode();
        if (stopping) {
            json(ctx, 503, body.put("status", "shutting-down"));
        } else if (oom != null) {
            json(ctx, 503, body.put("status", "degraded").put("reason", "out of memory at " + oom
                    + "; healthy again after the next successful batch"));
        } else {
            json(ctx, 200, body.put("status", "ok"));
        }
    }

    /**
     * CORS, off unless origins are configured: an allowed Origin gets its allow headers; a
     * preflight (OPTIONS with Access-Control-Request-Method) from it is answered 204 here.
     *
     * @return true when the request was a preflight and is answered
     */
    private boolean cors(Context ctx) {
        String origin = ctx.header("Origin");
        java.util.List<String> allowed = config.corsOrigins();
        if (origin == null || allowed.isEmpty() || !(allowed.contains("*") || allowed.contains(origin))) {
            return false;
        }
        ctx.header("Access-Control-Allow-Origin", origin);
        ctx.header("Vary", "Origin");
        ctx.header("Access-Control-Expose-Headers", "Location, Retry-After, X-Request-Id");
        if (ctx.method() == HandlerType.OPTIONS && ctx.header("Access-Control-Request-Method") != null) {
            ctx.header("Access-Control-Allow-Methods", "GET, POST, DELETE");
            ctx.header("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Request-Id");
            ctx.header("Access-Control-Max-Age", "600");
            ctx.status(204);
            ctx.skipRemainingHandlers();
            return true;
        }
        return false;
    }

    /** Registers a route and records it (the OpenAPI description is checked against the record). */
    private void route(HandlerType method, String path, io.javalin.http.Handler handler) {
        app.addHttpHandler(method, path, handler);
        routes.add(method.name() + " " + path);
    }

    /** Every API route as "METHOD /path" (path parameters in braces), in registration order. */
    java.util.List<String> registeredRoutes() {
        return java.util.List.copyOf(routes);
    }

    private void checkToken(Context ctx) {
        String header = ctx.header("Authorization");
        String scheme = "bearer ";
        // The scheme name is case-insensitive (RFC 9110, section 11.1); the token is not.
        if (header == null || header.length() < scheme.length()
                || !header.substring(0, scheme.length()).toLowerCase(java.util.Locale.ROOT).equals(scheme)
                || !MessageDigest.isEqual(token, header.substring(scheme.length()).strip()
                .getBytes(StandardCharsets.UTF_8))) {
            throw Problem.unauthorized();
        }
    }

    private void submitJob(Context ctx) {
        Job job = scheduler.submit(parse(ctx));
        ctx.header("Location", "/api/jobs/" + job.id());
        json(ctx, 202, jobJson(job.snapshot(), true));
    }

    /**
     * The jobs the server knows (queued, running, and finished ones still kept), newest first,
     * without results: {@code ?status=} one state, {@code ?limit=} 1 to 256 (default 50).
     */
    private void listJobs(Context ctx) {
        String status = ctx.queryParam("status");
        Job.State state = null;
        if (status != null) {
            try {
                state = Job.State.valueOf(status.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw Problem.invalid("status", "status must be one of queued, running, done, failed, cancelled,"
                        + " found '" + status + "'");
            }
        }
        int limit = 50;
        String l = ctx.queryParam("limit");
        if (l != null) {
            try {
                limit = Integer.parseInt(l);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > 256) {
                throw Problem.invalid("limit", "limit must be an integer from 1 to 256, found '" + l + "'");
            }
        }
        ObjectNode body = mapper.createObjectNode();
        com.fasterxml.jackson.databind.node.ArrayNode list = body.putArray("jobs");
        for (Job.Snapshot s : scheduler.list(state, limit)) {
            list.add(jobJson(s, false));
        }
        json(ctx, 200, body);
    }

    private void cancelJob(Context ctx) {
        String id = ctx.pathParam("id");
        if (!scheduler.cancel(id, "cancelled by DELETE")) {
            throw Problem.noSuchJob(id);
        }
        json(ctx, 200, jobJson(job(ctx).snapshot(), true));
    }

    private Job job(Context ctx) {
        String id = ctx.pathParam("id");
        return scheduler.find(id).orElseThrow(() -> Problem.noSuchJob(id));
    }

    /** Server-sent events of a job (see {@link JobStreams#events}). */
    private void events(Context ctx) throws IOException, InterruptedException {
        jobStreams.events(ctx, job(ctx));
    }

    /** A synchronous call (see {@link JobStreams#runSync}). */
    private void runSync(Context ctx) throws IOException, InterruptedException {
        jobStreams.runSync(ctx, parse(ctx));
    }

    /** Queues a submission and waits for its end (see {@link JobStreams#runToEnd}). */
    Job.Snapshot runToEnd(Submission<?> submission) throws InterruptedException {
        return jobStreams.runToEnd(submission);
    }

    /** Reads, checks and converts a request body into a submission. */
    private Submission<?> parse(Context ctx) {
        return bodies.submission(ctx);
    }

    /** The body as JSON (checked media type and size), or null when empty. */
    JsonNode parseJson(Context ctx) {
        return bodies.json(ctx);
    }

    /** A checked submission from a request object (see {@link RequestBodies#submission(ObjectNode)}). */
    Submission<?> submission(ObjectNode root) {
        return bodies.submission(root);
    }

    private ObjectNode jobJson(Job.Snapshot s, boolean withResult) {
        return JobDocuments.of(mapper, s, withResult);
    }

    private void json(Context ctx, int status, ObjectNode body) {
        JobStreams.json(ctx, mapper, status, body);
    }

    private void problem(Context ctx, Problem p) {
        JobStreams.problem(ctx, mapper, p);
    }

    private static boolean isProblem(Context ctx) {
        String type = ctx.res().getContentType();
        return type != null && type.startsWith(Problem.MEDIA_TYPE);
    }

    private Problem fromHttp(int status, Context ctx) {
        return switch (status) {
            case 404 -> Problem.notFound(ctx.path());
            case 405 -> Problem.methodNotAllowed(ctx.method().name(), ctx.path());
            case 413 -> Problem.tooLarge("the body is larger than " + config.limits().maxBodyBytes() + " bytes");
            default -> Problem.internal("HTTP " + status);
        };
    }

    private static String readResource(String name) {
        try (InputStream in = UnidiffServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is missing from the server's jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Jobs waiting in the queue now. */
    public int queueLength() {
        return scheduler.queueLength();
    }
}
