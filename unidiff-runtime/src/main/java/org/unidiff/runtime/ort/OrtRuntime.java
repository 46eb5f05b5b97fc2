package org.unidiff.runtime.ort;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's single ONNX Runtime environment, created with global CPU thread pools so that all
 * sessions of all bundles share one set of threads instead of each session spawning its own
 * (six components times several bundles would otherwise oversubscribe the cores).
 *
 * <p>ONNX Runtime allows one environment per process and fixes its pools at creation, so the
 * first request decides the thread counts; a later request for different counts is refused, but
 * a request for {@link CpuThreads#runtimeDefault()} (no preference) joins the pools that run.
 */
public final class OrtRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(OrtRuntime.class);
    private static final String NAME = "unidiff";

    private static OrtEnvironment environment;
    private static CpuThreads threads;
    private static boolean globalPools;

    private OrtRuntime() {
    }

    /**
     * The environment, created on first use with these pools.
     *
     * @throws IllegalStateException if the environment already exists with other thread counts
     */
    public static synchronized OrtEnvironment environment(CpuThreads requested) {
        if (environment != null) {
            // The runtime default (0, 0) states no preference: it joins whatever pools are running.
            if (globalPools && !requested.equals(threads) && !requested.equals(CpuThreads.runtimeDefault())) {
                throw new IllegalStateException("the ONNX Runtime environment of this process already has thread pools "
                        + threads + "; it cannot be changed to " + requested
                        + " (use the same CpuThreads for every bundle in one process)");
            }
            return environment;
        }
        try (OrtEnvironment.ThreadingOptions options = new OrtEnvironment.ThreadingOptions()) {
            options.setGlobalIntraOpNumThreads(requested.intraOpThreads());
            options.setGlobalInterOpNumThreads(requested.interOpThreads());
            // Idle pool threads would otherwise spin and steal cores from the Java side between calls.
            options.setGlobalSpinControl(false);
            environment = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING, NAME, options);
            globalPools = true;
            LOG.info("ONNX Runtime {} environment with global thread pools {}", environment.getVersion(), requested);
        } catch (OrtException e) {
            throw new IllegalStateException("cannot set ONNX Runtime thread options " + requested + ": " + e.getMessage(), e);
        } catch (IllegalStateException e) {
            // Something else in this process created the environment first, without global pools:
            // sessions then need their own pools.
            environment = OrtEnvironment.getEnvironment();
            globalPools = false;
            LOG.warn("ONNX Runtime environment was created elsewhere without global thread pools; "
                    + "each session gets its own pool of {} intra-op threads", requested.intraOpThreads());
        }
        threads = requested;
        OrtTempFolder.removeAtExit();
        return environment;
    }

    /**
     * The thread pools this process's environment was created with, or empty before the first
     * model opened (or when another library created it without global pools). A caller that
     * shares the process with others (a Spark executor in local mode) adopts them.
     */
    public static synchronized java.util.Optional<CpuThreads> threadsInUse() {
        return environment != null && globalPools ? java.util.Optional.of(threads) : java.util.Optional.empty();
    }

    /** Whether sessions share the environment's global pools (false only if another library created the environment first). */
    public static synchronized boolean hasGlobalPools() {
        return globalPools;
    }
}
