package org.unidiff.bench;

/** The pass/fail column of a result table. */
public enum Verdict {
    /** The metric reached its target. */
    PASS("pass"),
    /** The metric missed its target. */
    FAIL("FAIL"),
    /** The metric has a target but nothing was counted. */
    NO_DATA("n/a"),
    /** The metric has no target. */
    NONE("");

    private final String text;

    Verdict(String text) {
        this.text = text;
    }

    /** How the verdict reads in the table. */
    public String text() {
        return text;
    }
}
