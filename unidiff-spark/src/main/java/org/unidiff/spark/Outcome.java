package org.unidiff.spark;

/**
 * A row's result or the reason it has none: a bad row becomes an error, never a failed task.
 *
 * @param value the result, or null when {@code error} is set
 * @param error what was wrong with the row, or null
 * @param <T>   the result type
 */
record Outcome<T>(T value, String error) {

    static <T> Outcome<T> ok(T value) {
        return new Outcome<>(value, null);
    }

    static <T> Outcome<T> failed(String error) {
        return new Outcome<>(null, error);
    }

    boolean isOk() {
        return error == null;
    }
}
