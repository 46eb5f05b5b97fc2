package org.unidiff.api.core;

/**
 * A model bundle that breaks the bundle contract ({@code docs/bundle-contract.md}), found when it
 * is opened or when one of its components is run. The message names the bundle, the component
 * (or {@code "manifest"}), the field, what the contract expects and what the bundle holds; the
 * same parts are available one by one. The runtime's report is the cause.
 */
public final class ModelBundleException extends UnidiffException {

    private static final long serialVersionUID = 1L;

    private final String bundle;
    private final String component;
    private final String field;
    private final String expected;
    private final String found;

    /**
     * The report of a contract break.
     *
     * @param bundle    the bundle (folder or name)
     * @param component the component key or {@code "manifest"}
     * @param field     the field that failed
     * @param expected  what the contract expects
     * @param found     what the bundle holds
     * @param cause     the underlying report (the runtime's, a parse error), or null
     */
    public ModelBundleException(String bundle, String component, String field, String expected, String found,
                                Throwable cause) {
        super("bundle '" + bundle + "', component '" + component + "', field '" + field + "': expected " + expected
                + ", found " + found, cause);
        this.bundle = bundle;
        this.component = component;
        this.field = field;
        this.expected = expected;
        this.found = found;
    }

    /** The bundle (its folder, or the name it was given). */
    public String bundle() {
        return bundle;
    }

    /** The component ({@code "vae_decoder"}, ...) or {@code "manifest"}. */
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
