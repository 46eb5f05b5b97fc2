package org.unidiff.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import org.unidiff.api.core.InvalidRequestException;
import org.unidiff.api.tasks.JsonRequestFields;
import org.unidiff.api.tasks.TaskDefinition;

/**
 * Request bodies to submissions: the media type and size checked, the body read at a minimum
 * rate ({@link MinimumRateInput}), parsed strictly as JSON, its {@code task} and {@code model}
 * resolved against the served models, and the task's fields read by the registry's reader under
 * the server's limits. Every refusal is a {@link Problem} naming what was wrong.
 */
final class RequestBodies {

    private final ServedModels models;
    private final ServerConfig config;
    private final ObjectMapper mapper;
    private final ServerClock clock;

    RequestBodies(ServedModels models, ServerConfig config, ObjectMapper mapper, ServerClock clock) {
        this.models = models;
        this.config = config;
        this.mapper = mapper;
        this.clock = clock;
    }

    /** Reads, checks and converts a request body into a submission. */
    Submission<?> submission(Context ctx) {
        JsonNode root = json(ctx);
        if (root == null || !root.isObject()) {
            throw Problem.invalid(null, "the body must be a JSON object with a \"task\" field, found "
                    + (root == null ? "nothing" : root.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
        }
        return submission((ObjectNode) root);
    }

    /** The body as JSON (checked media type and size), or null when empty. */
    JsonNode json(Context ctx) {
        String type = ctx.contentType();
        if (type != null && !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw Problem.unsupportedMedia(type);
        }
        byte[] body = readBody(ctx);
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr();
            throw Problem.malformed("the body is not valid JSON" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw Problem.malformed("the body could not be read as JSON: " + e.getMessage());
        }
        return root;
    }

    /**
     * A checked submission from a request object with a {@code task} field and an optional
     * {@code model} (the first model serving the task when absent).
     */
    Submission<?> submission(ObjectNode root) {
        JsonNode taskNode = root.get("task");
        if (taskNode == null || !taskNode.isTextual()) {
            throw Problem.invalid("task", "task must be a string naming the task, one of "
                    + String.join(", ", models.taskIds()) + ", found " + (taskNode == null ? "nothing" : taskNode));
        }
        String taskId = taskNode.textValue();
        JsonNode modelNode = root.get("model");
        ServedModel model;
        if (modelNode == null || modelNode.isNull()) {
            model = models.servingTask(taskId).orElseThrow(() -> Problem.unknownTask(taskId, models.taskIds()));
        } else {
            if (!modelNode.isTextual()) {
                throw Problem.invalid("model", "model must be a string naming the model, one of "
                        + String.join(", ", models.names()) + ", found " + modelNode);
            }
            model = models.find(modelNode.textValue()).orElseThrow(() -> Problem.invalid("model", "model '"
                    + modelNode.textValue() + "' is not served; expected one of " + String.join(", ", models.names())));
        }
        TaskDefinition<?, ?> task = model.tasks().find(taskId)
                .orElseThrow(() -> Problem.unknownTask(taskId + "' of model '" + model.name(), model.tasks().ids()));
        JsonRequestFields reader = new JsonRequestFields(root, config.limits().fieldLimits(), Pngs::decode).accept("task").accept("model");
        try {
            return read(model, task, reader);
        } catch (InvalidRequestException e) {
            throw Problem.invalid(e.field(), e.getMessage());
        }
    }

    private static <Q> Submission<Q> read(ServedModel model, TaskDefinition<Q, ?> task, JsonRequestFields reader) {
        Q request = task.read(reader);
        return Submission.of(model, task, request, reader.decodedBytes());
    }

    /** The body, refused with 413 beyond the limit (by its declared length, or while reading). */
    private byte[] readBody(Context ctx) {
        int max = config.limits().maxBodyBytes();
        long declared = ctx.req().getContentLengthLong();
        if (declared > max) {
            throw Problem.tooLarge("the body has " + declared + " bytes; at most " + max + " are accepted");
        }
        try (InputStream in = new MinimumRateInput(ctx.req().getInputStream(),
                UnidiffServer.MIN_BODY_BYTES_PER_SECOND, UnidiffServer.BODY_GRACE_NANOS, clock::nanoTime)) {
            byte[] bytes = in.readNBytes(max + 1);
            if (bytes.length > max) {
                throw Problem.tooLarge("the body has more than " + max + " bytes; at most " + max + " are accepted");
            }
            return bytes;
        } catch (IOException e) {
            throw Problem.malformed("the body could not be read: " + e.getMessage());
        } catch (org.eclipse.jetty.http.BadMessageException e) {
            // Jetty's verdict on the body's framing (a bad chunk, a body shorter than declared).
            throw Problem.badBody(e.getCode(), e.getReason());
        }
    }
}
