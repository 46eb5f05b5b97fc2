package org.unidiff.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /v1/images/generations} in the shape of the OpenAI images API, so that existing
 * clients (the official {@code openai} packages among them) generate images unchanged: their
 * {@code api_key} is the server's token, their {@code base_url} the server's {@code /v1}.
 *
 * <p>Read: {@code prompt} (required), {@code n} (1 to the server's output limit, default 1),
 * {@code size} (the model's own, e.g. {@code "64x64"}, or {@code "auto"}), {@code response_format}
 * ({@code "b64_json"}, the default here; {@code "url"} is refused: the server keeps no files to
 * link to). {@code model}, {@code quality}, {@code style}, {@code user} and the newer
 * {@code output_format}, {@code background}, {@code moderation} are accepted and ignored (one model
 * serves). Extensions in the same body: {@code seed}, {@code steps}, {@code guidance_scale}.
 * Answered: {@code {"created": unix seconds, "data": [{"b64_json": PNG}, ...]}}; errors as
 * {@code {"error": {"message", "type", "param", "code"}}} with the same status as the native API.
 * Runs through the same queue, batching and limits as {@code POST /api/run}, waiting for the result
 * (no early commit: an OpenAI client reads the status line as the outcome).
 */
final class OpenAiImages {

    /** The route. */
    static final String PATH = "/v1/images/generations";

    private static final Set<String> IGNORED = Set.of("model", "quality", "style", "user", "output_format",
            "background", "moderation", "output_compression", "partial_images", "stream");

    private final UnidiffServer server;
    private final ObjectMapper mapper;
    private final int width;
    private final int height;

    OpenAiImages(UnidiffServer server, ObjectMapper mapper, int width, int height) {
        this.server = server;
        this.mapper = mapper;
        this.width = width;
        this.height = height;
    }

    /** The route's handler. */
    void generate(Context ctx) throws InterruptedException {
        try {
            JsonNode body = server.parseJson(ctx);
            if (body == null || !body.isObject()) {
                throw Problem.invalid(null, "the body must be a JSON object with a prompt");
            }
            Job.Snapshot done = server.runToEnd(server.submission(translate((ObjectNode) body)));
            if (done.state() != Job.State.DONE) {
                throw done.error();
            }
            ObjectNode out = mapper.createObjectNode();
            out.put("created", done.finishedAt().getEpochSecond());
            ArrayNode data = out.putArray("data");
            for (JsonNode image : done.result().path("images")) {
                data.addObject().put("b64_json", image.asText());
            }
            ctx.status(200).contentType("application/json").result(mapper.writeValueAsString(out));
        } catch (Problem p) {
            error(ctx, p);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            error(ctx, Problem.internal("could not write the response"));
        }
    }

    /** The native text-to-image request this OpenAI request asks for. */
    private ObjectNode translate(ObjectNode in) {
        ObjectNode out = mapper.createObjectNode();
        out.put("task", org.unidiff.api.core.Task.TEXT_TO_IMAGE.id());
        for (Iterator<Map.Entry<String, JsonNode>> it = in.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode v = e.getValue();
            switch (name) {
                case "prompt", "seed", "steps" -> out.set(name, v);
                case "n" -> out.set("outputs", v);
                case "guidance_scale" -> out.set("guidanceScale", v);
                case "size" -> checkSize(v);
                case "response_format" -> checkFormat(v);
                default -> {
                    if (!IGNORED.contains(name)) {
                        throw Problem.invalid(name, "unknown field " + name + " (read: prompt, n, size, response_format,"
                                + " seed, steps, guidance_scale; accepted and ignored: " + String.join(", ", IGNORED)
                                + ")");
                    }
                }
            }
        }
        return out;
    }

    private void checkSize(JsonNode v) {
        String want = width + "x" + height;
        if (v.isNull() || (v.isTextual() && (v.textValue().equals("auto") || v.textValue().equals(want)))) {
            return;
        }
        throw Problem.invalid("size", "size must be " + want + " (this model's size) or auto, found " + v);
    }

    private static void checkFormat(JsonNode v) {
        if (v.isNull() || (v.isTextual() && v.textValue().equals("b64_json"))) {
            return;
        }
        throw Problem.invalid("response_format", "response_format must be b64_json (this server keeps no files"
                + " to link to), found " + v);
    }

    private void error(Context ctx, Problem p) {
        p.headers().forEach(ctx::header);
        ObjectNode body = mapper.createObjectNode();
        ObjectNode err = body.putObject("error");
        err.put("message", p.getMessage());
        err.put("type", p.status() < 500 ? "invalid_request_error" : "server_error");
        if (p.field() == null) {
            err.putNull("param");
        } else {
            err.put("param", p.field().equals("outputs") ? "n" : p.field().equals("guidanceScale")
                    ? "guidance_scale" : p.field());
        }
        err.put("code", p.type().substring(p.type().lastIndexOf(':') + 1));
        ctx.status(p.status()).contentType("application/json").result(body.toString());
    }

    /** How long a request may wait for its job (a bound against a stuck engine, far above any run). */
    static final Duration WAIT_LIMIT = Duration.ofHours(1);
}
