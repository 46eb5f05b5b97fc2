package org.unidiff.server;

import java.util.List;
import java.util.Objects;

/**
 * A checked request of one task, ready to queue: the adapter, the request record, and the key
 * that says which other submissions it may run with.
 *
 * @param adapter  the task
 * @param request  the request record (of the adapter's request type)
 * @param batchKey submissions with equal keys may run in one batched call
 * @param outputs  outputs the request asks for (bounds the outputs of a batch)
 * @param inputBytes bytes its decoded input images hold (bounds what the queue keeps)
 * @param <Q>      the request type
 */
public record Submission<Q>(TaskAdapter<Q, ?> adapter, Q request, List<Object> batchKey, int outputs,
                            long inputBytes) {

    /** Checks the parts. */
    public Submission {
        Objects.requireNonNull(adapter, "adapter");
        Objects.requireNonNull(request, "request");
        batchKey = List.copyOf(batchKey.stream().map(k -> k == null ? "-" : k).toList());
    }

    /** A submission of {@code request} with no input images, its key and outputs taken from the adapter. */
    public static <Q> Submission<Q> of(TaskAdapter<Q, ?> adapter, Q request) {
        return of(adapter, request, 0);
    }

    /** A submission of {@code request} whose images hold {@code inputBytes}. */
    public static <Q> Submission<Q> of(TaskAdapter<Q, ?> adapter, Q request, long inputBytes) {
        return new Submission<>(adapter, request, adapter.batchKey(request),
                adapter.recipe().options(request).outputs(), inputBytes);
    }
}
