package org.unidiff.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The models of one server, in the order given: a request names its model, or gets the first one
 * that serves its task.
 */
final class ServedModels {

    private final Map<String, ServedModel> byName = new LinkedHashMap<>();

    /**
     * @throws IllegalArgumentException for no models or two with one name
     */
    ServedModels(List<ServedModel> models) {
        if (models.isEmpty()) {
            throw new IllegalArgumentException("a server needs at least one model");
        }
        for (ServedModel m : models) {
            if (byName.putIfAbsent(m.name(), m) != null) {
                throw new IllegalArgumentException("two models are named '" + m.name() + "'; give each its own name");
            }
        }
    }

    /** Every model, in order. */
    List<ServedModel> all() {
        return new ArrayList<>(byName.values());
    }

    /** The first model. */
    ServedModel first() {
        return byName.values().iterator().next();
    }

    /** The model of that name. */
    Optional<ServedModel> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The first model serving that task. */
    Optional<ServedModel> servingTask(String task) {
        return byName.values().stream().filter(m -> m.tasks().find(task).isPresent()).findFirst();
    }

    /** The names of the models. */
    List<String> names() {
        return new ArrayList<>(byName.keySet());
    }

    /** Every task some model serves, in model order. */
    List<String> taskIds() {
        Set<String> ids = new LinkedHashSet<>();
        byName.values().forEach(m -> ids.addAll(m.tasks().ids()));
        return new ArrayList<>(ids);
    }
}
