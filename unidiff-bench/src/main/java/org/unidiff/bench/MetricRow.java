package org.unidiff.bench;

import java.util.Locale;
import java.util.Objects;

/**
 * One line of a quality table.
 *
 * @param task    the task measured ("text->image", "captioning", ...)
 * @param metric  what is measured
 * @param value   the measured value (a fraction, or a number such as distinct scenes); NaN when nothing was counted
 * @param integer whether the value is a whole number to print without decimals
 * @param count   how many trials the value was measured on
 * @param target  the target
 * @param verdict pass, fail, n/a or none
 */
public record MetricRow(String task, String metric, double value, boolean integer, int count, String target,
                        Verdict verdict) {

    /** Checks the texts are given. */
    public MetricRow {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(verdict, "verdict");
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
    }

    /** A fraction judged against a target. */
    public static MetricRow fraction(String task, String metric, Rate rate, Target target) {
        return fraction(task, metric, rate.value(), rate.count(), target);
    }

    /** A fraction judged against a target. */
    public static MetricRow fraction(String task, String metric, double value, int count, Target target) {
        return new MetricRow(task, metric, value, false, count, target.text(), target.judge(value, count));
    }

    /** A whole number (such as a count of distinct scenes) judged against a target. */
    public static MetricRow number(String task, String metric, long value, int count, Target target) {
        return new MetricRow(task, metric, value, true, count, target.text(), target.judge(value, count));
    }

    /** The value as the table prints it: three decimals, a whole number, or "-" when nothing was counted. */
    public String formattedValue() {
        if (Double.isNaN(value)) {
            return "-";
        }
        return integer ? String.format(Locale.ROOT, "%d", Math.round(value)) : String.format(Locale.ROOT, "%.3f", value);
    }
}
