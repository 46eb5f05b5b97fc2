package org.unidiff.api.tasks;

import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.unidiff.api.core.GenerationParameters;
import org.unidiff.api.core.RunControl;
import org.unidiff.api.core.Task;
import org.unidiff.api.Unidiff;
import org.unidiff.api.engine.Recipe;
import org.unidiff.runtime.manifest.BundleFamily;

/**
 * One task with everything a front end needs to offer it: its {@link Recipe}, how its request is
 * read from {@link RequestFields} (a JSON object, command-line options, a table's request column)
 * and how its result is written to a {@link ResultSink} (JSON, files, a table row). Registered once
 * in a {@link TaskRegistry}, a task is served by the CLI, the HTTP service and the Spark job
 * without a change to any of them.
 *
 * @param <Q> the request record
 * @param <R> the result record
 */
public final class TaskDefinition<Q, R> {

    private final Recipe<Q, R> recipe;
    private final Function<RequestFields, Q> reader;
    private final Function<R, GenerationParameters> parameters;
    private final BiConsumer<R, ResultSink> writer;

    private TaskDefinition(Recipe<Q, R> recipe, Function<RequestFields, Q> reader,
                           Function<R, GenerationParameters> parameters, BiConsumer<R, ResultSink> writer) {
        this.recipe = Objects.requireNonNull(recipe, "recipe");
        this.reader = Objects.requireNonNull(reader, "reader");
        this.parameters = Objects.requireNonNull(parameters, "parameters");
        this.writer = Objects.requireNonNull(writer, "writer");
        Objects.requireNonNull(recipe.task(), "recipe.task()");
    }

    /**
     * A task definition.
     *
     * @param recipe     the recipe the engine runs (its {@link Recipe#task()} gives the id)
     * @param reader     reads the request's fields (unread fields are refused after it returns)
     * @param parameters what made a result
     * @param writer     writes a result's outputs
     */
    public static <Q, R> TaskDefinition<Q, R> of(Recipe<Q, R> recipe, Function<RequestFields, Q> reader,
                                                 Function<R, GenerationParameters> parameters,
                                                 BiConsumer<R, ResultSink> writer) {
        return new TaskDefinition<>(recipe, reader, parameters, writer);
    }

    /** The task's id ({@code "text-to-image"}). */
    public String id() {
        return recipe.task().id();
    }

    /** The task. */
    public Task task() {
        return recipe.task();
    }

    /** The model family the task runs on. */
    public BundleFamily family() {
        return recipe.family();
    }

    /** The recipe. */
    public Recipe<Q, R> recipe() {
        return recipe;
    }

    /**
     * Reads a request and refuses fields it did not read.
     *
     * @throws org.unidiff.api.core.InvalidRequestException naming the field at fault
     */
    public Q read(RequestFields in) {
        Q request = reader.apply(in);
        in.finish();
        return request;
    }

    /** Writes a result's outputs (not its parameters: see {@link #parameters(Object)}). */
    public void write(R result, ResultSink out) {
        writer.accept(result, out);
    }

    /** What made a result. */
    public GenerationParameters parameters(R result) {
        return parameters.apply(result);
    }

    /** Runs requests of this task on a model, batched as the engine groups them; results in order. */
    public List<R> run(Unidiff model, List<Q> requests, RunControl control) {
        return model.runAll(recipe, requests, control);
    }

    /**
     * Runs requests this definition read (typed as {@code Object} by a front end that holds many
     * tasks); results in order.
     */
    @SuppressWarnings("unchecked")
    public List<Object> runRead(Unidiff model, List<?> requests, RunControl control) {
        return (List<Object>) run(model, (List<Q>) requests, control);
    }

    /** {@link #write} for a result this definition's recipe made, typed as {@code Object}. */
    @SuppressWarnings("unchecked")
    public void writeResult(Object result, ResultSink out) {
        write((R) result, out);
    }

    /** {@link #parameters} for a result this definition's recipe made, typed as {@code Object}. */
    @SuppressWarnings("unchecked")
    public GenerationParameters parametersOf(Object result) {
        return parameters((R) result);
    }

    /** The fields the task reads under {@link FieldLimits#defaults()}: see {@link #fields(FieldLimits)}. */
    public List<FieldSpec> fields() {
        return fields(FieldLimits.defaults());
    }

    /**
     * The fields the task reads under a front end's bounds, in its reader's order, recorded by
     * running the reader once on stand-in values (so forms and help texts come from the reader
     * itself and cannot drift from it).
     */
    public List<FieldSpec> fields(FieldLimits limits) {
        FieldRecorder recorder = new FieldRecorder(limits);
        try {
            reader.apply(recorder);
        } catch (RuntimeException e) {
            // A request record may refuse the recorder's stand-in values; its fields were read before that.
        }
        return recorder.fields();
    }

    @Override
    public String toString() {
        return "task " + id();
    }
}
