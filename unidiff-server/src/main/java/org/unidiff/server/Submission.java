package org.unidiff.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.unidiff.api.core.SamplingOptions;
import org.unidiff.api.tasks.TaskDefinition;

/**
 * A checked request of one task for one model, ready to queue: the model, the task, the request
 * record, and the key that says which other submissions it may run with.
 *
 * @param model      the model that runs it
 * @param task       the task
 * @param request    the request record (of the task's request type)
 * @param batchKey   submissions with equal keys may run in one batched call
 * @param outputs    outputs the request asks for (bounds the outputs of a batch)
 * @param inputBytes bytes its decoded input images hold (bounds what the queue keeps)
 * @param <Q>        the request type
 */
public record Submission<Q>(ServedModel model, TaskDefinition<Q, ?> task, Q request, List<Object> batchKey,
                            int outputs, long inputBytes) {

    /** Checks the parts. */
    public Submission {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(request, "request");
        batchKey = List.copyOf(batchKey.stream().map(k -> k == null ? "-" : k).toList());
    }

    /** A submission of {@code request} with no input images. */
    public static <Q> Submission<Q> of(ServedModel model, TaskDefinition<Q, ?> task, Q request) {
        return of(model, task, request, 0);
    }

    /** A submission of {@code request} whose images hold {@code inputBytes}. */
    public static <Q> Submission<Q> of(ServedModel model, TaskDefinition<Q, ?> task, Q request, long inputBytes) {
        return new Submission<>(model, task, request, batchKey(model, task, request),
                task.recipe().options(request).outputs(), inputBytes);
    }

    /**
     * What must be equal for two requests to be batched together: the model, the task, the
     * sampling settings a solve shares and the recipe's own key. Seeds and output counts may differ.
     */
    static <Q> List<Object> batchKey(ServedModel model, TaskDefinition<Q, ?> task, Q request) {
        SamplingOptions o = task.recipe().options(request);
        List<Object> key = new ArrayList<>();
        key.add(model.name());
        key.add(task.id());
        key.add(o.steps());
        key.add(o.sampler());
        key.add(o.guidanceScale());
        key.add(o.dataType());
        key.addAll(task.recipe().batchKey(request));
        return key;
    }
}
