package org.unidiff.cli;

import java.util.concurrent.atomic.AtomicInteger;
import org.unidiff.api.core.CancellationToken;
import sun.misc.Signal;

/**
 * Makes Ctrl-C (SIGINT), SIGTERM and SIGHUP cancel the running call instead of shutting the JVM
 * down underneath it; the command then closes the model and exits with the shell's status for the
 * signal: 130, 143 or 129.
 *
 * <p>Why not a shutdown hook: ONNX Runtime's Java binding registers its own hook that releases
 * the native environment, and hooks run concurrently, so a session run still in flight when the
 * JVM shuts down can crash the process (SIGSEGV in libonnxruntime, an hs_err file, exit 134;
 * microsoft/onnxruntime#31352). {@code kill}, {@code timeout}, systemd and container stops send
 * SIGTERM, a closed terminal SIGHUP, so those need the same care as Ctrl-C. Handling the signals
 * directly lets the call stop within one model evaluation, close its tensors and sessions, and
 * exit through the normal error path. A second signal quits at once.
 */
final class SignalCancels {

    /** Exit status of a process ended by SIGINT (128 + 2), as shells report it. */
    static final int SIGINT_STATUS = 130;
    /** Exit status for SIGTERM (128 + 15). */
    static final int SIGTERM_STATUS = 143;
    /** Exit status for SIGHUP (128 + 1). */
    static final int SIGHUP_STATUS = 129;

    /** The status of the first signal received, 0 for none. */
    private static final AtomicInteger RECEIVED = new AtomicInteger();

    private SignalCancels() {
    }

    /**
     * Routes SIGINT, SIGTERM and SIGHUP to {@code token}. A signal the platform does not let the
     * JVM handle (e.g. SIGINT of a background job whose shell ignores it, or any under -Xrs) keeps
     * its default effect.
     */
    static void install(CancellationToken token) {
        handle("INT", SIGINT_STATUS, token, "Ctrl-C again to quit at once");
        handle("TERM", SIGTERM_STATUS, token, "SIGTERM again to quit at once");
        handle("HUP", SIGHUP_STATUS, token, "SIGHUP again to quit at once");
    }

    /** The exit status of the first signal received, or {@code otherwise} if none was. */
    static int status(int otherwise) {
        int status = RECEIVED.get();
        return status == 0 ? otherwise : status;
    }

    @SuppressWarnings("removal")
    private static void handle(String name, int status, CancellationToken token, String hint) {
        try {
            Signal.handle(new Signal(name), signal -> {
                if (!RECEIVED.compareAndSet(0, status) || token.isCancelled()) {
                    // halt, not exit: exit would run ONNX Runtime's hook under the running call.
                    Runtime.getRuntime().halt(RECEIVED.get());
                }
                token.cancel();
                System.err.println(System.lineSeparator() + "unidiff: SIG" + name + ": cancelling (" + hint + ")");
            });
        } catch (IllegalArgumentException | UnsupportedOperationException notHandled) {
            // The signal keeps its default effect.
        }
    }
}
