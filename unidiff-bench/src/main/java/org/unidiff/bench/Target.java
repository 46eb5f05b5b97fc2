package org.unidiff.bench;

import java.util.Locale;
import java.util.Objects;
import java.util.function.DoublePredicate;

/**
 * What a metric should reach, as printed in the table's target column, and the test deciding pass or fail.
 *
 * @param text  how the target reads in the table ("-" for none)
 * @param passes the test on the metric's value, or null for a metric without a target
 */
public record Target(String text, DoublePredicate passes) {

    private static final Target NONE = new Target("-", null);

    /** Checks the text is given. */
    public Target {
        Objects.requireNonNull(text, "text");
    }

    /** No target: the metric is reported for information. */
    public static Target none() {
        return NONE;
    }

    /** The value must be at least {@code threshold}. */
    public static Target atLeast(double threshold) {
        String text = threshold == Math.rint(threshold) && threshold > 1
                ? String.format(Locale.ROOT, ">= %.0f", threshold)
                : String.format(Locale.ROOT, ">= %.2f", threshold);
        return new Target(text, v -> v >= threshold);
    }

    /** A target that cannot be judged on this run, with the reason shown in the target column. */
    public static Target notJudged(String why) {
        return new Target(why, null);
    }

    /** The verdict on a value counted over {@code count} trials; no trials or NaN cannot pass or fail. */
    public Verdict judge(double value, int count) {
        if (passes == null) {
            return Verdict.NONE;
        }
        if (count == 0 || Double.isNaN(value)) {
            return Verdict.NO_DATA;
        }
        return passes.test(value) ? Verdict.PASS : Verdict.FAIL;
    }
}
