package org.unidiff.runtime.ort;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens sessions for one execution configuration. The CUDA provider is probed once, when the
 * factory is made, so the CPU-fallback policy is decided once per bundle instead of per component.
 */
public final class SessionFactory {

    private static final Logger LOG = LoggerFactory.getLogger(SessionFactory.class);

    private final OrtEnvironment environment;
    private final ExecutionConfig config;
    private final ExecutionProvider effective;
    private final String fallbackReason;

    private SessionFactory(OrtEnvironment environment, ExecutionConfig config, ExecutionProvider effective,
                           String fallbackReason) {
        this.environment = environment;
        this.config = config;
        this.effective = effective;
        this.fallbackReason = fallbackReason;
    }

    /**
     * A factory for {@code config}; probes CUDA if it is requested.
     *
     * @throws ExecutionProviderException if CUDA is requested, cannot load and no fallback is allowed
     */
    public static SessionFactory create(ExecutionConfig config) {
        OrtEnvironment env = OrtRuntime.environment(config.threads());
        if (config.provider() == ExecutionProvider.CPU) {
            return new SessionFactory(env, config, ExecutionProvider.CPU, null);
        }
        Optional<Throwable> failure = probeCuda(config.cuda());
        if (failure.isEmpty()) {
            LOG.info("CUDA execution provider loaded for device {}", config.cuda().deviceId());
            return new SessionFactory(env, config, ExecutionProvider.CUDA, null);
        }
        Throwable cause = failure.get();
        String reason = "the CUDA execution provider (device " + config.cuda().deviceId()
                + ") cannot be loaded: " + nativeMessage(cause)
                + " (it needs an NVIDIA driver, CUDA 12 and cuDNN 9 libraries on the library path)";
        if (!config.allowCpuFallback()) {
            throw new ExecutionProviderException(reason + "; allow CPU fallback to run on the CPU instead", cause);
        }
        LOG.warn("{}; falling back to CPU as allowed", reason);
        return new SessionFactory(env, config, ExecutionProvider.CPU, reason);
    }

    private static Optional<Throwable> probeCuda(CudaOptions cuda) {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            addCuda(options, cuda);
            return Optional.empty();
        } catch (OrtException | UnsatisfiedLinkError | IllegalStateException e) {
            return Optional.of(e);
        }
    }

    private static void addCuda(OrtSession.SessionOptions options, CudaOptions cuda) throws OrtException {
        try (OrtCUDAProviderOptions cudaOptions = new OrtCUDAProviderOptions(cuda.deviceId())) {
            if (cuda.gpuMemLimitBytes() > 0) {
                cudaOptions.add("gpu_mem_limit", Long.toString(cuda.gpuMemLimitBytes()));
            }
            cudaOptions.add("cudnn_conv_algo_search", cuda.convAlgoSearch().name());
            cudaOptions.add("arena_extend_strategy", cuda.arenaExtend().ortName());
            options.addCUDA(cudaOptions);
        }
    }

    private static String nativeMessage(Throwable t) {
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message.strip();
    }

    /** The provider sessions actually run on (CPU after a fallback). */
    public ExecutionProvider effectiveProvider() {
        return effective;
    }

    /** Why CUDA was replaced by CPU, if it was. */
    public Optional<String> fallbackReason() {
        return Optional.ofNullable(fallbackReason);
    }

    /** The environment sessions are created in. */
    public OrtEnvironment environment() {
        return environment;
    }

    /**
     * Opens a model from its file path (never from bytes, so external weight files beside it load
     * and models over 2 GB work).
     *
     * @param label a name for messages
     * @param model the ONNX file
     */
    public ModelSession open(String label, Path model) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            if (OrtRuntime.hasGlobalPools()) {
                options.disablePerSessionThreads();
            } else if (config.threads().intraOpThreads() > 0) {
                options.setIntraOpNumThreads(config.threads().intraOpThreads());
            }
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (effective == ExecutionProvider.CUDA) {
                addCuda(options, config.cuda());
            }
            OrtSession session = environment.createSession(model.toString(), options);
            return new ModelSession(label, model, environment, session, effective);
        }
    }
}
