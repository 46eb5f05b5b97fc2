package org.unidiff.api.core;

/**
 * A request the library refuses before doing any work: names the field, what was expected and
 * what was found. The pipeline stays usable after it.
 */
public final class InvalidRequestException extends UnidiffException {

    private static final long serialVersionUID = 1L;

    private final String field;
    private final String expected;
    private final String found;

    /**
     * @param field    the request field at fault, e.g. {@code "steps"} or {@code "slots[2].caption"}
     * @param expected what a valid value looks like
     * @param found    what was given
     */
    public InvalidRequestException(String field, String expected, Object found) {
        this(field, expected, describe(found), true);
    }

    private InvalidRequestException(String field, String expected, String found, boolean described) {
        super("invalid request: " + field + " must be " + expected + ", found " + found);
        this.field = field;
        this.expected = expected;
        this.found = found;
    }

    /**
     * An error whose {@code found} is already a description (a file with its problem), kept whole
     * instead of being quoted and shortened as a value.
     */
    public static InvalidRequestException described(String field, String expected, String found) {
        return new InvalidRequestException(field, expected, found, true);
    }

    /**
     * The same error for request {@code index} of a batched call: the field becomes
     * {@code requests[index].field}. Fields already naming a request are kept.
     */
    public InvalidRequestException inRequest(int index) {
        if (field.startsWith("requests[")) {
            return this;
        }
        InvalidRequestException e = new InvalidRequestException("requests[" + index + "]." + field, expected, found,
                true);
        e.initCause(this);
        return e;
    }

    /** The request field at fault. */
    public String field() {
        return field;
    }

    private static String describe(Object found) {
        if (found == null) {
            return "null";
        }
        if (found instanceof String s) {
            return s.length() > 60 ? "'" + s.substring(0, 57) + "...' (" + s.length() + " characters)" : "'" + s + "'";
        }
        return String.valueOf(found);
    }
}
