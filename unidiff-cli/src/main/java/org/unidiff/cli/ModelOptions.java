package org.unidiff.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.unidiff.api.core.DefaultBundle;
import org.unidiff.api.core.UnidiffOptions;
import org.unidiff.runtime.ort.CpuThreads;
import org.unidiff.runtime.ort.CudaOptions;
import org.unidiff.runtime.ort.ExecutionConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Which model bundle to open and where it runs: options shared by every subcommand. */
public final class ModelOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--bundle", paramLabel = "DIR",
            description = "Model bundle directory (holds unidiff.json). Default: -D" + DefaultBundle.PROPERTY
                    + ", $" + DefaultBundle.ENV + ", " + DefaultBundle.REPO_PATH
                    + " in the working directory or a parent, or the unidiff-default-model jar.")
    Path bundle;

    @Option(names = "--cuda", description = "Run on an NVIDIA GPU through ONNX Runtime's CUDA provider "
            + "(needs CUDA 12 and cuDNN 9 libraries).")
    boolean cuda;

    @Option(names = "--device", paramLabel = "N", description = "CUDA device ordinal (with --cuda). Default: 0.")
    Integer device;

    @Option(names = "--cpu-fallback", description = "With --cuda: run on CPU with a warning when CUDA cannot "
            + "load, instead of failing.")
    boolean cpuFallback;

    @Option(names = "--threads", paramLabel = "N", description = "CPU threads inside one operator. "
            + "Default: ONNX Runtime's choice (one per physical core).")
    Integer threads;

    @Option(names = "--variant", paramLabel = "NAME", description = "Load the bundle's model-file variant NAME "
            + "where it declares one (the default model has int8: its transformer with int8 matrix multiplies, "
            + "about 0.7x the time a step). Default: the main files.")
    String variant;

    /**
     * The library options these flags ask for.
     *
     * @throws ParameterException for flags that contradict each other or a bundle directory without a manifest
     */
    public UnidiffOptions unidiffOptions() {
        if (!cuda && device != null) {
            throw new ParameterException(spec.commandLine(), "--device needs --cuda (it picks the CUDA device)");
        }
        if (!cuda && cpuFallback) {
            throw new ParameterException(spec.commandLine(), "--cpu-fallback needs --cuda (CPU is already the default)");
        }
        if (device != null && device < 0) {
            throw new ParameterException(spec.commandLine(), "--device must be a CUDA device ordinal >= 0, got " + device);
        }
        if (threads != null && threads < 1) {
            throw new ParameterException(spec.commandLine(), "--threads must be >= 1, got " + threads);
        }
        if (bundle != null && !Files.isRegularFile(bundle.resolve("unidiff.json"))) {
            throw new ParameterException(spec.commandLine(), "--bundle " + bundle + " is not a model bundle: "
                    + (Files.isDirectory(bundle) ? "it holds no unidiff.json" : "no such directory"));
        }
        ExecutionConfig execution = cuda
                ? ExecutionConfig.cuda(CudaOptions.defaults().withDevice(device == null ? 0 : device))
                        .withCpuFallback(cpuFallback)
                : ExecutionConfig.cpu();
        if (threads != null) {
            execution = execution.withThreads(new CpuThreads(threads, 0));
        }
        if (variant != null && variant.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--variant needs a name, e.g. int8");
        }
        return new UnidiffOptions(bundle, execution, variant);
    }
}
