package org.unidiff.api.tasks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.unidiff.api.core.InvalidRequestException;
import org.unidiff.runtime.manifest.BundleManifest;

/**
 * The tasks a front end offers, by id, in the order they were registered. Immutable: {@link #with}
 * gives a new registry. {@link #builtIn()} holds the library's tasks; {@link #installed()} adds
 * those of every {@link TaskProvider} on the class path; {@link #servedBy} narrows to what one
 * model serves.
 */
public final class TaskRegistry {

    private final Map<String, TaskDefinition<?, ?>> byId;

    private TaskRegistry(Map<String, TaskDefinition<?, ?>> byId) {
        this.byId = Collections.unmodifiableMap(byId);
    }

    /** A registry without tasks. */
    public static TaskRegistry empty() {
        return new TaskRegistry(new LinkedHashMap<>());
    }

    /** The library's own tasks. */
    public static TaskRegistry builtIn() {
        return empty().with(BuiltInTasks.all());
    }

    /**
     * The library's tasks and those of every {@link TaskProvider} the context class loader finds.
     *
     * @throws IllegalArgumentException if a provider's task id is already registered
     */
    public static TaskRegistry installed() {
        TaskRegistry r = builtIn();
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        for (TaskProvider p : ServiceLoader.load(TaskProvider.class,
                loader != null ? loader : TaskRegistry.class.getClassLoader())) {
            r = r.with(p.tasks());
        }
        return r;
    }

    /**
     * This registry and {@code tasks}.
     *
     * @throws IllegalArgumentException if an id is registered already
     */
    public TaskRegistry with(List<? extends TaskDefinition<?, ?>> tasks) {
        Map<String, TaskDefinition<?, ?>> m = new LinkedHashMap<>(byId);
        for (TaskDefinition<?, ?> t : tasks) {
            if (m.putIfAbsent(t.id(), t) != null) {
                throw new IllegalArgumentException("task '" + t.id() + "' is registered twice");
            }
        }
        return new TaskRegistry(m);
    }

    /** This registry and {@code task}. */
    public TaskRegistry with(TaskDefinition<?, ?> task) {
        return with(List.of(task));
    }

    /** The task of that id, if registered. */
    public Optional<TaskDefinition<?, ?>> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /**
     * The task of that id.
     *
     * @throws InvalidRequestException naming the field {@code task} and the registered ids
     */
    public TaskDefinition<?, ?> require(String id) {
        TaskDefinition<?, ?> t = byId.get(id);
        if (t == null) {
            throw new InvalidRequestException("task", "one of " + String.join(", ", ids()), id);
        }
        return t;
    }

    /** The ids, in registration order. */
    public List<String> ids() {
        return List.copyOf(byId.keySet());
    }

    /** The tasks, in registration order. */
    public List<TaskDefinition<?, ?>> all() {
        return List.copyOf(byId.values());
    }

    /** Whether no task is registered. */
    public boolean isEmpty() {
        return byId.isEmpty();
    }

    /**
     * The tasks a model of that manifest serves: those of its family that its {@code tasks} list
     * names (every one of its family when it lists none), in this registry's order.
     */
    public TaskRegistry servedBy(BundleManifest manifest) {
        Map<String, TaskDefinition<?, ?>> m = new LinkedHashMap<>();
        for (TaskDefinition<?, ?> t : byId.values()) {
            if (t.family() == manifest.bundleFamily() && manifest.serves(t.id())) {
                m.put(t.id(), t);
            }
        }
        return new TaskRegistry(m);
    }

    @Override
    public String toString() {
        return "tasks " + new ArrayList<>(byId.keySet());
    }
}
