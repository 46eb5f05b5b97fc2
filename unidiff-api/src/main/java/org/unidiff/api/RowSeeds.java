package org.unidiff.api;

import org.unidiff.api.engine.SeedRules;

/**
 * The seed of one row of a batch job (a Spark table, a folder of images): a function of the job's
 * seed and a stable key of the row, never of its partition or position, the same on every
 * machine. Front ends that run tables use this rule, so a row's result does not depend on how
 * the table was split.
 */
public final class RowSeeds {

    private RowSeeds() {
    }

    /**
     * The seed of the row with key {@code rowKey} in a job seeded {@code jobSeed}.
     *
     * @throws IllegalArgumentException if the key is null
     */
    public static long of(long jobSeed, String rowKey) {
        return SeedRules.rowSeed(jobSeed, rowKey);
    }
}
