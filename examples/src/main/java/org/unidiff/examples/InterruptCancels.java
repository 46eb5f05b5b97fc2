package org.unidiff.examples;

import org.unidiff.api.CancellationToken;
import sun.misc.Signal;

/**
 * Makes Ctrl-C cancel the running call instead of shutting the JVM down underneath it.
 *
 * <p>Why not a shutdown hook: ONNX Runtime's Java binding registers its own hook that releases
 * the native environment, and hooks run concurrently, so a session run still in flight when the
 * JVM shuts down can crash the process (SIGSEGV in libonnxruntime; microsoft/onnxruntime#31352).
 * Handling SIGINT directly lets the call stop within one model evaluation, close its tensors and
 * sessions, and exit through the normal error path. A second Ctrl-C quits at once.
 */
final class InterruptCancels {

    /** Exit status of a process ended by SIGINT (128 + 2), as shells report it. */
    static final int SIGINT_STATUS = 130;

    private InterruptCancels() {
    }

    /**
     * Routes SIGINT to {@code token}. Returns false where the platform does not let the JVM
     * handle SIGINT (for example a background job whose shell ignores it); Ctrl-C then keeps its
     * default effect.
     */
    @SuppressWarnings("removal")
    static boolean install(CancellationToken token) {
        try {
            Signal.handle(new Signal("INT"), signal -> {
                if (token.isCancelled()) {
                    // halt, not exit: exit would run ONNX Runtime's hook under the running call.
                    Runtime.getRuntime().halt(SIGINT_STATUS);
                }
                token.cancel();
                System.err.println(System.lineSeparator() + "unidiff: cancelling (Ctrl-C again to quit at once)");
            });
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException notHandled) {
            return false;
        }
    }
}
