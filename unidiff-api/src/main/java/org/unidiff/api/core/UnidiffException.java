package org.unidiff.api.core;

/**
 * The root of every exception the library throws on purpose through its API ({@link org.unidiff.api.Unidiff},
 * the engine, {@code org.unidiff.api.files}): one {@code catch (UnidiffException e)} handles all
 * of them, and the subclasses say which case it is.
 *
 * <ul>
 *   <li>{@link InvalidRequestException}: a request (or an argument) refused before any work,
 *       naming the field, what was expected and what was found;</li>
 *   <li>{@link org.unidiff.api.InvalidImageException}: an input image file or upload that cannot be used;</li>
 *   <li>{@link ModelBundleException}: a model bundle that breaks the bundle contract;</li>
 *   <li>{@link ExecutionProviderUnavailableException}: the asked-for execution provider (CUDA)
 *       cannot be used and no fallback was allowed;</li>
 *   <li>{@link GenerationCancelledException}: a call stopped by its cancellation token.</li>
 * </ul>
 *
 * <p>After any of them the {@link org.unidiff.api.Unidiff} instance stays usable. Programming errors of the
 * caller's own (a closed instance) stay Java's standard {@link IllegalStateException}, and file
 * system failures stay {@link java.io.IOException}s where a method declares them.
 */
public class UnidiffException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** An exception with its message. */
    protected UnidiffException(String message) {
        super(message);
    }

    /** An exception with its message and the underlying cause. */
    protected UnidiffException(String message, Throwable cause) {
        super(message, cause);
    }
}
