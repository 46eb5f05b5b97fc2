package org.unidiff.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * An error answered as RFC 9457 problem details ({@code application/problem+json}): a type URI,
 * a title per type, the HTTP status, a detail that says what was wrong and what was expected,
 * and for bad input the request field at fault. Never carries a stack trace.
 */
public final class Problem extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The media type of problem documents. */
    public static final String MEDIA_TYPE = "application/problem+json";

    private static final String TYPE_PREFIX = "urn:unidiff:problem:";

    private final int status;
    private final String type;
    private final String title;
    private final String field;
    private final transient Map<String, String> headers;

    private Problem(int status, String type, String title, String detail, String field, Map<String, String> headers) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.title = title;
        this.field = field;
        this.headers = Map.copyOf(headers);
    }

    /** A bad request: the field at fault, what it must be, what was found. */
    public static Problem invalid(String field, String detail) {
        return new Problem(400, "invalid-request", "Invalid request", detail, field, Map.of());
    }

    /** A body that is not JSON at all. */
    public static Problem malformed(String detail) {
        return new Problem(400, "malformed-json", "Malformed JSON", detail, null, Map.of());
    }

    /** A task this server does not serve. */
    public static Problem unknownTask(String task, Iterable<String> served) {
        return new Problem(400, "unknown-task", "Unknown task", "task '" + task + "' is not served; expected one of "
                + String.join(", ", served), "task", Map.of());
    }

    /** A body larger than the limit. */
    public static Problem tooLarge(String detail) {
        return new Problem(413, "body-too-large", "Request body too large", detail, null, Map.of());
    }

    /** A body that is not JSON by its content type. */
    public static Problem unsupportedMedia(String found) {
        return new Problem(415, "unsupported-media-type", "Unsupported media type",
                "the body must be application/json, found " + found, null, Map.of());
    }

    /** The queue is full: come back after {@code retryAfterSeconds}. */
    public static Problem queueFull(int capacity, int retryAfterSeconds) {
        return new Problem(429, "queue-full", "Too many requests", "the job queue is full (" + capacity
                + " waiting jobs); retry after " + retryAfterSeconds + " s",
                null, Map.of("Retry-After", Integer.toString(retryAfterSeconds)));
    }

    /** Too many open event streams or synchronous calls. */
    public static Problem tooManyStreams(int limit) {
        return new Problem(429, "too-many-streams", "Too many requests", "at most " + limit
                + " event streams may be open at once", null, Map.of("Retry-After", "1"));
    }

    /** Too many synchronous calls waiting at once. */
    public static Problem tooManySyncCalls(int limit) {
        return new Problem(429, "too-many-sync-calls", "Too many requests", "at most " + limit
                + " synchronous calls may wait at once; submit with POST /api/jobs instead", null,
                Map.of("Retry-After", "1"));
    }

    /** No or a wrong API token. */
    public static Problem unauthorized() {
        return new Problem(401, "unauthorized", "Unauthorized",
                "this server needs its API token: send the header 'Authorization: Bearer <token>'", null,
                Map.of("WWW-Authenticate", "Bearer"));
    }

    /** No example folder by that name offered with that model (serve --examples). */
    public static Problem noSuchExampleSet(String model, String name, java.util.List<String> offered) {
        return new Problem(404, "no-such-example-set", "No such example set", "model '" + model + "' offers no example "
                + "folder '" + name + "'" + (offered == null ? " (no model by that name)"
                : offered.isEmpty() ? " (it offers none)" : " (it offers " + String.join(", ", offered) + ")"),
                null, Map.of());
    }

    /** No job with that id (never existed, or expired). */
    public static Problem noSuchJob(String id) {
        return new Problem(404, "no-such-job", "No such job", "no job '" + id
                + "': unknown, or its result expired (results are kept for a bounded time and count)", null, Map.of());
    }

    /** A path this server does not serve. */
    public static Problem notFound(String path) {
        return new Problem(404, "not-found", "Not found", "nothing is served at " + path, null, Map.of());
    }

    /** A Host header a loopback server does not answer (DNS rebinding). */
    public static Problem hostNotAllowed(String host) {
        return new Problem(403, "host-not-allowed", "Host not allowed", "this server listens on loopback and answers"
                + " only requests addressed to localhost, 127.0.0.1 or [::1]; the Host header was '" + host
                + "' (a page of another site reaching it through DNS rebinding looks like this)", null, Map.of());
    }

    /** A method this path does not take. */
    public static Problem methodNotAllowed(String method, String path) {
        return new Problem(405, "method-not-allowed", "Method not allowed", method + " is not allowed on " + path,
                null, Map.of());
    }

    /** The server is shutting down and takes no new jobs. */
    public static Problem shuttingDown() {
        return new Problem(503, "shutting-down", "Service unavailable", "the server is shutting down", null,
                Map.of());
    }

    /** The job was cancelled (answer of a cancelled synchronous call). */
    public static Problem cancelled(String detail) {
        return new Problem(409, "cancelled", "Cancelled", detail, null, Map.of());
    }

    /** A failure that is not the client's: the detail names what failed, without internals. */
    public static Problem internal(String detail) {
        return new Problem(500, "internal", "Internal error", detail, null, Map.of());
    }

    /** The server ran out of memory while doing {@code what}: the server's state, not the request's fault. */
    public static Problem outOfMemory(String what) {
        return new Problem(503, "out-of-memory", "Service unavailable", "the server ran out of memory while "
                + what + "; try again later, or with a smaller request", null, Map.of("Retry-After", "10"));
    }

    /** Too much input memory queued: the request would push held images over the server's bound. */
    public static Problem inputMemoryFull(long heldBytes, long requestBytes, long maxBytes, int retryAfter) {
        return new Problem(429, "queue-full", "Too many requests", "queued and running requests hold "
                + heldBytes + " bytes of decoded images; this one needs " + requestBytes + " more and at most "
                + maxBytes + " are held", null, Map.of("Retry-After", Integer.toString(retryAfter)));
    }

    /** The body could not be taken as sent (Jetty's verdict on its framing). */
    public static Problem badBody(int status, String reason) {
        return new Problem(status, "bad-body", "Bad request body", String.valueOf(reason), null, Map.of());
    }

    /** 408: the client sent its body slower than the server's minimum rate. */
    public static Problem slowBody(long bytesRead, long millis, long minBytesPerSecond) {
        return new Problem(408, "request-timeout", "Request timeout", "the body arrived slower than "
                + minBytesPerSecond + " bytes a second (" + bytesRead + " bytes in " + millis
                + " ms); send it at once", null, Map.of());
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The request field at fault, or null. */
    public String field() {
        return field;
    }

    /** The full type URI. */
    public String type() {
        return TYPE_PREFIX + type;
    }

    /** Extra response headers (Retry-After, WWW-Authenticate). */
    public Map<String, String> headers() {
        return headers;
    }

    /** The problem document. */
    public ObjectNode toJson(ObjectMapper mapper, String instance) {
        ObjectNode n = mapper.createObjectNode();
        n.put("type", type());
        n.put("title", title);
        n.put("status", status);
        n.put("detail", getMessage());
        if (instance != null) {
            n.put("instance", instance);
        }
        if (field != null) {
            n.put("field", field);
        }
        return n;
    }
}
