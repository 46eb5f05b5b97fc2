package org.unidiff.spark;

import java.io.Serializable;

/**
 * Called inside a task after each batch of a partition has been processed and its files
 * written. Jobs use {@link #NONE}; a test can throw here to simulate an executor failure after
 * some outputs exist, and check that the retried task leaves exactly one output per row.
 */
@FunctionalInterface
public interface TaskHook extends Serializable {

    /** Does nothing. */
    TaskHook NONE = (partition, attempt, batch) -> { };

    /**
     * @param partition the Spark partition id
     * @param attempt   the task's attempt number (0 for the first)
     * @param batch     the batch index within the partition (from 0)
     */
    void afterBatch(int partition, int attempt, int batch);
}
