package org.unidiff.runtime.text;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

/**
 * Keeps DJL's CUDA probe from warning. DJL's native-library loader asks {@code CudaUtils} for the
 * GPU count whatever library it loads, and on every machine without a matching CUDA driver that
 * logs "Failed to detect GPU count" twice at WARN level. For the tokenizer the answer does not
 * matter (its CPU build is forced, see {@link BundleTokenizer}), so the warning is a false alarm a
 * user can do nothing about. DJL has no public switch; its own child-process mode turns the
 * class's private {@code logging} flag off, and this does the same before the first tokenizer
 * loads. If a DJL version renames the flag, nothing breaks: the warnings simply come back.
 *
 * <p>The probe itself still runs (the JNA search for {@code libcudart} starts {@code ldconfig -p}
 * once a JVM): only DJL's loader decides whether to probe.
 */
final class DjlCudaProbe {

    private static final String CUDA_UTILS = "ai.djl.util.cuda.CudaUtils";

    private DjlCudaProbe() {
    }

    /** Turns the probe's logging off; returns whether it could. */
    static boolean silence() {
        try {
            Class<?> c = Class.forName(CUDA_UTILS, true, DjlCudaProbe.class.getClassLoader());
            Field logging = c.getDeclaredField("logging");
            if (!Modifier.isStatic(logging.getModifiers()) || logging.getType() != boolean.class) {
                return false;
            }
            logging.setAccessible(true);
            logging.setBoolean(null, false);
            return true;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** Whether the probe would log now (for tests); null if the flag cannot be read. */
    static Boolean logging() {
        try {
            Field logging = Class.forName(CUDA_UTILS).getDeclaredField("logging");
            logging.setAccessible(true);
            return logging.getBoolean(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
