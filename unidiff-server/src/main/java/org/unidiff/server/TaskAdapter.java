package org.unidiff.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.unidiff.api.GenerationParameters;
import org.unidiff.api.SamplingOptions;
import org.unidiff.api.engine.Recipe;

/**
 * One task as the service sees it: its name in the API, its engine {@link Recipe}, how a JSON
 * request becomes the task's request record and how its result becomes JSON. Adding a task to
 * the service is one adapter (see {@link TaskAdapters}).
 *
 * @param <Q> the request record
 * @param <R> the result record
 */
public interface TaskAdapter<Q, R> {

    /** The task's name in the API ({@code "text-to-image"}). */
    String name();

    /** The recipe the engine runs. */
    Recipe<Q, R> recipe();

    /**
     * Reads the task's fields (the reader refuses unknown fields afterwards).
     *
     * @throws Problem naming the field at fault
     */
    Q read(RequestReader in);

    /** Writes the result's outputs into {@code out} (the parameters are written by the caller). */
    void write(R result, ObjectNode out);

    /** What made the result (every result record carries them). */
    GenerationParameters parameters(R result);

    /**
     * What must be equal for two requests of this task to be batched together: the sampling
     * settings that are shared by a solve and the recipe's own batch key. Seeds and output counts
     * may differ.
     */
    default List<Object> batchKey(Q request) {
        SamplingOptions o = recipe().options(request);
        List<Object> key = new ArrayList<>();
        key.add(name());
        key.add(o.steps());
        key.add(o.sampler());
        key.add(o.guidanceScale());
        key.add(o.dataType());
        key.addAll(recipe().batchKey(request));
        return key;
    }

    /** An adapter named by its recipe's task id (the built-in tasks: each id is spelled once, in {@code Task}). */
    static <Q, R> TaskAdapter<Q, R> of(Recipe<Q, R> recipe, Function<RequestReader, Q> reader,
                                       Function<R, GenerationParameters> parameters,
                                       BiConsumer<R, ObjectNode> writer) {
        return of(Objects.requireNonNull(recipe, "recipe").task().id(), recipe, reader, parameters, writer);
    }

    /** An adapter from its parts, under a name of its own. */
    static <Q, R> TaskAdapter<Q, R> of(String name, Recipe<Q, R> recipe, Function<RequestReader, Q> reader,
                                       Function<R, GenerationParameters> parameters,
                                       BiConsumer<R, ObjectNode> writer) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(recipe, "recipe");
        Objects.requireNonNull(reader, "reader");
        Objects.requireNonNull(writer, "writer");
        Objects.requireNonNull(parameters, "parameters");
        return new TaskAdapter<>() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Recipe<Q, R> recipe() {
                return recipe;
            }

            @Override
            public Q read(RequestReader in) {
                return reader.apply(in);
            }

            @Override
            public void write(R result, ObjectNode out) {
                writer.accept(result, out);
            }

            @Override
            public GenerationParameters parameters(R result) {
                return parameters.apply(result);
            }
        };
    }
}
