package org.unidiff.runtime.ort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import org.junit.jupiter.api.Test;
import org.unidiff.runtime.Bundle;
import org.unidiff.runtime.Fixtures;

/**
 * CUDA requested where it cannot load (this project's CI machines have no GPU): a clear error, or
 * the logged CPU fallback when allowed. On a machine where CUDA does load, the error case is skipped.
 */
class ExecutionProviderPolicyTest {

    private static Boolean cudaLoads;

    private static synchronized boolean cudaLoads() {
        if (cudaLoads == null) {
            try {
                cudaLoads = SessionFactory.create(ExecutionConfig.cuda(CudaOptions.defaults())).effectiveProvider()
                        == ExecutionProvider.CUDA;
            } catch (ExecutionProviderException e) {
                cudaLoads = false;
            }
        }
        return cudaLoads;
    }

    @Test
    void cudaWithoutFallbackFailsNamingTheNativeProblem() {
        assumeFalse(cudaLoads(), "CUDA loads on this machine");
        int before = ModelSession.openCount();
        ExecutionProviderException e = assertThrows(ExecutionProviderException.class,
                () -> Bundle.load(Fixtures.tinyBundle(), ExecutionConfig.cuda(CudaOptions.defaults().withDevice(0))));
        assertTrue(e.getMessage().contains("CUDA execution provider (device 0) cannot be loaded"), e.getMessage());
        // The native loader's own words (which library is missing) are part of the message.
        assertTrue(e.getMessage().contains("libonnxruntime_providers_cuda") || e.getMessage().contains("CUDA"),
                e.getMessage());
        assertTrue(e.getMessage().contains("allow CPU fallback"), e.getMessage());
        assertEquals(before, ModelSession.openCount());
    }

    @Test
    void cudaWithFallbackRunsOnCpuAndSaysWhy() {
        ExecutionConfig config = ExecutionConfig.cuda(CudaOptions.defaults()
                        .withGpuMemLimit(1L << 30)
                        .withConvAlgoSearch(CudaOptions.ConvAlgoSearch.HEURISTIC)
                        .withArenaExtend(CudaOptions.ArenaExtend.SAME_AS_REQUESTED))
                .withCpuFallback(true);
        SessionFactory factory = SessionFactory.create(config);
        if (cudaLoads()) {
            assertEquals(ExecutionProvider.CUDA, factory.effectiveProvider());
            return;
        }
        assertEquals(ExecutionProvider.CPU, factory.effectiveProvider());
        assertTrue(factory.fallbackReason().orElseThrow().contains("cannot be loaded"));
        try (Bundle bundle = Bundle.load(Fixtures.tinyBundle(), config)) {
            assertEquals(ExecutionProvider.CPU, bundle.provider());
            // It really runs: the text encoder's embedding table row 4 is (2.0, -1.0).
            float[] latent = bundle.textEncoder().encodeIds(new long[] {4, 4, 4, 4}, 1);
            assertEquals(2.0f, latent[0]);
            assertEquals(-1.0f, latent[1]);
        }
    }

    @Test
    void threadPoolsAreFixedPerProcess() {
        SessionFactory.create(ExecutionConfig.cpu());
        assertTrue(OrtRuntime.hasGlobalPools());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SessionFactory.create(ExecutionConfig.cpu().withThreads(new CpuThreads(3, 1))));
        assertTrue(e.getMessage().contains("cannot be changed"), e.getMessage());
        CpuThreads running = OrtRuntime.threadsInUse().orElseThrow();
        // No preference joins the running pools, whatever they are; the same counts join too.
        SessionFactory.create(ExecutionConfig.cpu());
        SessionFactory.create(ExecutionConfig.cpu().withThreads(running));
        assertEquals(running, OrtRuntime.threadsInUse().orElseThrow());
    }

    @Test
    void invalidOptionsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new CpuThreads(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> CudaOptions.defaults().withDevice(-1));
        assertThrows(IllegalArgumentException.class, () -> CudaOptions.defaults().withGpuMemLimit(-5));
    }
}
