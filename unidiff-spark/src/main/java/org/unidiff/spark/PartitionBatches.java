package org.unidiff.spark;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Row;

/**
 * A partition's rows in, result rows out, one batch of input rows at a time: at most one batch
 * of inputs and its results are held, however large the partition.
 */
final class PartitionBatches implements Iterator<Row> {

    /** Turns one batch of input rows into result rows. */
    @FunctionalInterface
    interface BatchFunction {
        List<Row> apply(List<Row> batch);
    }

    private final Iterator<Row> input;
    private final int batchSize;
    private final BatchFunction function;
    private final TaskHook hook;
    private Iterator<Row> current = Collections.emptyIterator();
    private int batchIndex;

    PartitionBatches(Iterator<Row> input, int batchSize, BatchFunction function, TaskHook hook) {
        this.input = input;
        this.batchSize = batchSize;
        this.function = function;
        this.hook = hook;
    }

    @Override
    public boolean hasNext() {
        while (!current.hasNext() && input.hasNext()) {
            List<Row> batch = new ArrayList<>(batchSize);
            while (batch.size() < batchSize && input.hasNext()) {
                batch.add(input.next());
            }
            current = function.apply(batch).iterator();
            TaskContext task = TaskContext.get();
            if (task != null) {
                hook.afterBatch(task.partitionId(), task.attemptNumber(), batchIndex);
            }
            batchIndex++;
        }
        return current.hasNext();
    }

    @Override
    public Row next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more rows in this partition");
        }
        return current.next();
    }
}
