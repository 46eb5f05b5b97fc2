package org.unidiff.server;

import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;
import org.unidiff.api.core.Task;
import org.unidiff.api.Unidiff;
import org.unidiff.api.tasks.TaskRegistry;

/**
 * One model a server offers: the name requests use for it ({@code "model": "shapes"}), the open
 * {@link Unidiff}, where its bundle lies, and the tasks of the server's registry that it serves.
 *
 * @param name      the model's name in the API (lower-case words, digits, '-', '_' and '.')
 * @param unidiff   the open model; the caller keeps ownership of it
 * @param bundleDir its bundle's directory (for the vocabulary hint), or null
 * @param tasks     the tasks it serves (at least one)
 * @param examples  the in-context example folders offered with it (none unless it serves {@code in-context})
 */
public record ServedModel(String name, Unidiff unidiff, Path bundleDir, TaskRegistry tasks, ExampleSets examples) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /**
     * Checks the parts.
     *
     * @throws IllegalArgumentException for a malformed name, a model that serves no task of the
     *                                  registry, or example sets for a model without the in-context task
     */
    public ServedModel {
        Objects.requireNonNull(unidiff, "unidiff");
        Objects.requireNonNull(tasks, "tasks");
        examples = examples == null ? ExampleSets.none() : examples;
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("model name must be 1 to 64 letters, digits, '.', '_' or '-', "
                    + "starting with a letter or digit, found " + (name == null ? "nothing" : "'" + name + "'"));
        }
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("model '" + name + "' (" + unidiff.manifest().name() + ", family "
                    + unidiff.manifest().bundleFamily().id() + ", serving "
                    + unidiff.manifest().servedTasksInWords() + ") serves none of this server's tasks");
        }
        if (!examples.isEmpty() && tasks.find(Task.IN_CONTEXT_ID).isEmpty()) {
            throw new IllegalArgumentException("--examples " + name + "=...: model '" + name + "' does not serve "
                    + Task.IN_CONTEXT_ID + " (it serves " + String.join(", ", tasks.ids()) + ")");
        }
    }

    /**
     * The model under {@code name}, serving what it can of {@code registry}.
     *
     * @throws IllegalArgumentException if it serves none of them
     */
    public static ServedModel of(String name, Unidiff unidiff, Path bundleDir, TaskRegistry registry) {
        return new ServedModel(name, unidiff, bundleDir, registry.servedBy(unidiff.manifest()), ExampleSets.none());
    }

    /** The same model offering {@code sets} as its in-context example folders. */
    public ServedModel withExamples(ExampleSets sets) {
        return new ServedModel(name, unidiff, bundleDir, tasks, sets);
    }
}
