package org.unidiff.bench.incontext;

import org.unidiff.shapes.incontext.InContextTask;

/**
 * Right answers of one task's items: with examples, the query copied unchanged, and without
 * examples. Counts rather than fractions, so that transforms pool their tasks exactly.
 *
 * @param task      the task
 * @param items     items scored
 * @param right     right with examples
 * @param unchanged right when the answer is the query itself
 * @param none      right with the examples replaced by noise (k = 0)
 */
public record TaskScore(InContextTask task, int items, int right, int unchanged, int none) {

    /** Checks every count lies in 0..items. */
    public TaskScore {
        if (items < 1 || right < 0 || right > items || unchanged < 0 || unchanged > items || none < 0
                || none > items) {
            throw new IllegalArgumentException("counts must be within 0.." + items + ": right " + right
                    + ", unchanged " + unchanged + ", none " + none);
        }
    }

    /** Fraction right with examples. */
    public double accuracy() {
        return right / (double) items;
    }

    /** Fraction right when the answer is the query itself. */
    public double unchangedAccuracy() {
        return unchanged / (double) items;
    }

    /** Fraction right without examples. */
    public double noneAccuracy() {
        return none / (double) items;
    }

    /** The sum of two scores of the same transform (the task is this one's). */
    TaskScore plus(TaskScore o) {
        return new TaskScore(task, items + o.items, right + o.right, unchanged + o.unchanged, none + o.none);
    }
}
