package org.unidiff.api.tasks;

import java.util.List;

/**
 * Tasks a jar adds to every front end: listed in the jar's
 * {@code META-INF/services/org.unidiff.api.tasks.TaskProvider}, found by
 * {@link TaskRegistry#installed()}. The CLI, the HTTP service and the Spark job then serve them
 * with no change of their own.
 */
public interface TaskProvider {

    /** The tasks this provider adds; each id unique among all registered tasks. */
    List<TaskDefinition<?, ?>> tasks();
}
