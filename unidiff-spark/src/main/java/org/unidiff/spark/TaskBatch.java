package org.unidiff.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.unidiff.api.RowSeeds;
import org.unidiff.api.Unidiff;
import org.unidiff.api.core.GenerationParameters;
import org.unidiff.api.core.InvalidRequestException;
import org.unidiff.api.tasks.FieldLimits;
import org.unidiff.api.tasks.ImageDecoder;
import org.unidiff.api.tasks.JsonRequestFields;
import org.unidiff.api.tasks.ResultSink;
import org.unidiff.api.tasks.TaskDefinition;
import org.unidiff.api.tasks.TaskRegistry;

/**
 * One batch of table rows run through the task registry: each row names a task and gives its
 * request as JSON (as the HTTP API takes it), the task's own reader reads it, the rows of each task
 * run in one engine call, and the outcomes come back in row order. Every Spark job runs its rows
 * this way: the requests job directly; caption, vary and generate after turning their columns
 * into a request. So a row means the same thing in every job, on the command line and over HTTP.
 */
final class TaskBatch {

    private static final ObjectMapper JSON = new ObjectMapper();

    // Keyed by the executor's model (ExecutorModels keeps one per bundle); weak, so a closed model goes.
    private static final Map<Unidiff, TaskRegistry> SERVED = java.util.Collections.synchronizedMap(
            new java.util.WeakHashMap<>());

    private TaskBatch() {
    }

    /**
     * One row's request.
     *
     * @param key     the row key; seeds the request ({@code RowSeeds.of(jobSeed, key)}) when it has no {@code seed}
     * @param task    the task id
     * @param request the request, or null when {@code error} says why there is none
     * @param images  how the request's image fields become images
     * @param error   why the row has no request (its outcome is then this error)
     */
    record Request(String key, String task, ObjectNode request, ImageDecoder images, String error) {

        static Request of(String key, String task, ObjectNode request, ImageDecoder images) {
            return new Request(key, task, request, images, null);
        }

        static Request failed(String key, String task, String error) {
            return new Request(key, task, null, null, error);
        }
    }

    /**
     * One row's outcome.
     *
     * @param task   the row's task, or null when its id was not one the model serves
     * @param seed   the seed it ran with, or null when it did not get that far
     * @param result the task's result, or null when {@code error} is set
     * @param error  what was wrong with the row, or null
     */
    record Done(TaskDefinition<?, ?> task, Long seed, Object result, String error) {

        boolean isOk() {
            return error == null;
        }

        /** Hands the result's outputs to {@code sink} under the task's output names. */
        void writeTo(ResultSink sink) {
            task.writeResult(result, sink);
        }

        /** The parameters the result was made with. */
        GenerationParameters parameters() {
            return task.parametersOf(result);
        }

        /** The result's outputs, kept in memory. */
        KeptOutputs outputs() {
            KeptOutputs kept = new KeptOutputs();
            writeTo(kept);
            return kept;
        }
    }

    /**
     * The tasks {@code model} serves: looked up (ServiceLoader included) once per executor model,
     * not once per batch.
     */
    static TaskRegistry served(Unidiff model) {
        return SERVED.computeIfAbsent(model, m -> TaskRegistry.installed().servedBy(m.manifest()));
    }

    /** A fresh JSON object, for a job that builds a request from its columns. */
    static ObjectNode newRequest() {
        return JSON.createObjectNode();
    }

    /**
     * Runs {@code rows}: each valid request of a task in one call with the others of that task
     * (a request the engine refuses alone becomes an error row, see {@link BatchRunner}).
     *
     */
    static List<Done> run(Unidiff model, long jobSeed, List<Request> rows) {
        TaskRegistry served = served(model);
        int n = rows.size();
        Done[] done = new Done[n];
        Object[] requests = new Object[n];
        TaskDefinition<?, ?>[] tasks = new TaskDefinition<?, ?>[n];
        Long[] seeds = new Long[n];
        Map<TaskDefinition<?, ?>, List<Integer>> byTask = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            Request row = rows.get(i);
            if (row.error() != null) {
                done[i] = new Done(null, null, null, row.error());
                continue;
            }
            try {
                tasks[i] = served.find(row.task()).orElseThrow(() -> new InvalidRequestException("task",
                        "a task model '" + model.manifest().name() + "' serves: " + String.join(", ", served.ids()),
                        row.task()));
                ObjectNode json = row.request().deepCopy();
                if (!json.has("seed") || json.get("seed").isNull()) {
                    json.put("seed", RowSeeds.of(jobSeed, row.key()));
                }
                seeds[i] = json.path("seed").asLong();
                requests[i] = tasks[i].read(new JsonRequestFields(json, FieldLimits.defaults(), row.images()));
                byTask.computeIfAbsent(tasks[i], t -> new ArrayList<>()).add(i);
            } catch (InvalidRequestException e) {
                done[i] = new Done(tasks[i], seeds[i], null, e.getMessage());
            }
        }
        for (Map.Entry<TaskDefinition<?, ?>, List<Integer>> e : byTask.entrySet()) {
            List<Outcome<Object>> prepared = new ArrayList<>();
            for (int i : e.getValue()) {
                prepared.add(Outcome.ok(requests[i]));
            }
            List<Outcome<Object>> results = runTask(model, e.getKey(), prepared);
            for (int k = 0; k < results.size(); k++) {
                int i = e.getValue().get(k);
                Outcome<Object> r = results.get(k);
                done[i] = new Done(tasks[i], seeds[i], r.value(), r.error());
            }
        }
        return List.of(done);
    }

    /**
     * The JSON object {@code text} holds.
     *
     * @throws InvalidRequestException naming {@code request} when it is not a JSON object
     */
    static ObjectNode parse(String text) {
        JsonNode node;
        try {
            node = text == null ? null : JSON.readTree(text);
        } catch (IOException e) {
            throw new InvalidRequestException("request", "a JSON object", text);
        }
        if (node == null || !node.isObject()) {
            throw new InvalidRequestException("request", "a JSON object", text);
        }
        return (ObjectNode) node;
    }

    @SuppressWarnings("unchecked")
    private static <Q, R> List<Outcome<Object>> runTask(Unidiff model, TaskDefinition<Q, R> task,
                                                        List<Outcome<Object>> prepared) {
        List<Outcome<Q>> typed = new ArrayList<>(prepared.size());
        // Each request was read by this task's own reader, so it is a Q.
        prepared.forEach(p -> typed.add(Outcome.ok((Q) p.value())));
        List<Outcome<Object>> out = new ArrayList<>(prepared.size());
        for (Outcome<R> r : BatchRunner.run(model, task.recipe(), typed)) {
            out.add(r.isOk() ? Outcome.ok(r.value()) : Outcome.failed(r.error()));
        }
        return out;
    }
}
