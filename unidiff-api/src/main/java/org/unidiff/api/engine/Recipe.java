package org.unidiff.api.engine;

import java.util.List;
import org.unidiff.api.core.SamplingOptions;
import org.unidiff.api.core.Task;
import org.unidiff.runtime.manifest.BundleFamily;

/**
 * One task as a typed unit: how a request of type {@code Q} becomes a result of type {@code R}
 * (its plan, its conditions, how its outputs are decoded), written once for a {@link Batch} of
 * requests so that one recipe serves a single call and a batched call alike.
 *
 * <p>A recipe holds no state; the {@link Engine} resolves options, groups requests whose
 * settings agree into batches and hands each batch to {@link #run(Batch, RecipeContext)}. To add
 * a task: one request record, one recipe, and at most one plan factory (see the api module's
 * README, "How to add a task").
 *
 * @param <Q> the request type
 * @param <R> the result type
 */
public interface Recipe<Q, R> {

    /** The task, for results, errors and the bundle's list of served tasks. */
    Task task();

    /**
     * The model family the recipe runs on: a bundle of another family cannot serve it. The
     * default, {@link BundleFamily#UNIDIFFUSER}, is the joint image-text transformer's.
     */
    default BundleFamily family() {
        return BundleFamily.UNIDIFFUSER;
    }

    /** The request's sampling options (unset fields take the bundle's defaults). */
    SamplingOptions options(Q request);

    /**
     * What besides the shared sampling settings must be equal for two requests to run in one
     * solve: anything that changes the plan or the tensor shape (route, group layout). Requests
     * with unequal keys go to different batches. The default: nothing.
     */
    default List<?> batchKey(Q request) {
        return List.of();
    }

    /**
     * Checks what can be checked of one request before any model work (sizes against the bundle,
     * prompt length), so a bad request in a batch fails the call before the batch starts.
     *
     * @throws org.unidiff.api.core.InvalidRequestException naming the field and what was expected
     */
    default void check(Q request, RecipeContext context) {
    }

    /**
     * Runs every request of the batch: each sampling stage as one solve over the outputs of all
     * requests; returns one result per request, in batch order.
     */
    List<R> run(Batch<Q> batch, RecipeContext context);
}
