package org.unidiff.server;

import java.util.List;
import org.unidiff.api.core.SamplingOptions;
import org.unidiff.api.core.Task;
import org.unidiff.api.engine.Batch;
import org.unidiff.api.engine.Recipe;
import org.unidiff.api.engine.RecipeContext;

/** A built-in recipe under another task id: a test's own task that runs real model work. */
final class RenamedRecipe<Q, R> implements Recipe<Q, R> {

    private final Task task;
    private final Recipe<Q, R> inner;

    RenamedRecipe(String id, Recipe<Q, R> inner) {
        this.task = Task.of(id);
        this.inner = inner;
    }

    @Override
    public Task task() {
        return task;
    }

    @Override
    public SamplingOptions options(Q request) {
        return inner.options(request);
    }

    @Override
    public List<?> batchKey(Q request) {
        return inner.batchKey(request);
    }

    @Override
    public void check(Q request, RecipeContext context) {
        inner.check(request, context);
    }

    @Override
    public List<R> run(Batch<Q> batch, RecipeContext context) {
        return inner.run(batch, context);
    }
}
