package org.unidiff.runtime;

import java.util.Objects;

/**
 * The one exception a bundle that breaks the contract produces, at load time or when a component
 * is run with inputs the bundle cannot take.
 *
 * <p>The message always names the bundle, the component (or {@code "manifest"}), the field, what
 * was expected and what was found, so that a user swapping models can fix the bundle without
 * reading the runtime's code.
 */
public final class BundleException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String bundle;
    private final String component;
    private final String field;
    private final String expected;
    private final String found;

    /**
     * Creates the exception.
     *
     * @param bundle    the bundle directory (or another name of the bundle)
     * @param component the component key (e.g. {@code "vae_decoder"}) or {@code "manifest"}
     * @param field     the field that failed (e.g. {@code "latent.channels"} or {@code "input 'img' rank"})
     * @param expected  what the contract expects
     * @param found     what the bundle holds
     */
    public BundleException(String bundle, String component, String field, String expected, String found) {
        this(bundle, component, field, expected, found, null);
    }

    /**
     * Creates the exception with the underlying cause (a parse error, an ONNX Runtime error).
     *
     * @see #BundleException(String, String, String, String, String)
     */
    public BundleException(String bundle, String component, String field, String expected, String found,
                           Throwable cause) {
        super(format(bundle, component, field, expected, found), cause);
        this.bundle = Objects.requireNonNull(bundle, "bundle");
        this.component = Objects.requireNonNull(component, "component");
        this.field = Objects.requireNonNull(field, "field");
        this.expected = Objects.requireNonNull(expected, "expected");
        this.found = Objects.requireNonNull(found, "found");
    }

    private static String format(String bundle, String component, String field, String expected, String found) {
        return "bundle '" + bundle + "', component '" + component + "', field '" + field
                + "': expected " + expected + ", found " + found;
    }

    /** The bundle directory or name. */
    public String bundle() {
        return bundle;
    }

    /** The component key, or {@code "manifest"}. */
    public String component() {
        return component;
    }

    /** The field that failed. */
    public String field() {
        return field;
    }

    /** What the contract expects. */
    public String expected() {
        return expected;
    }

    /** What the bundle holds. */
    public String found() {
        return found;
    }
}
