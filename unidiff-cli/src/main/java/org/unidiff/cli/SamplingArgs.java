package org.unidiff.cli;

import org.unidiff.api.core.InvalidRequestException;
import org.unidiff.api.core.SamplingOptions;
import org.unidiff.sampling.solver.SamplerKind;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The sampling options every generating subcommand takes; unset ones take the bundle's defaults. */
public final class SamplingArgs {

    /** The largest {@code --guidance} accepted: far past any useful value, below where outputs are pure noise. */
    public static final double MAX_GUIDANCE = org.unidiff.api.core.SamplingOptions.MAX_GUIDANCE;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
            description = "Seed of output 0; output i uses noise derived from (seed, i). Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--steps", paramLabel = "N",
            description = "Solver steps, 1 to " + SamplingOptions.MAX_STEPS + ". Default: the bundle's.")
    Integer steps;

    @Option(names = "--sampler", paramLabel = "NAME",
            description = "Solver: dpm-solver, dpm-solver++, ddim or euler. Default: the bundle's.")
    String sampler;

    @Option(names = "--guidance", paramLabel = "S",
            description = "Classifier-free guidance scale s in eps = c + s (c - u), 0 to " + MAX_GUIDANCE
                    + "; 0 turns guidance off. Default: the bundle's.")
    Double guidance;

    @Option(names = {"-n", "--outputs"}, paramLabel = "N", defaultValue = "1",
            description = "Independent outputs, 1 to " + SamplingOptions.MAX_OUTPUTS + ". Default: ${DEFAULT-VALUE}.")
    int outputs;

    @Option(names = "--data-type", paramLabel = "N",
            description = "data_type token, only for models that take one (UniDiffuser v1). Default: the bundle's.")
    Integer dataType;

    /**
     * The library's options for these flags, checked as far as possible without a model.
     *
     * @throws InvalidRequestException naming the flag's field when a value is out of range
     * @throws ParameterException      naming the flag for a --guidance out of its range
     */
    public SamplingOptions toOptions() {
        if (guidance != null && !(guidance >= 0 && guidance <= MAX_GUIDANCE)) {
            throw new ParameterException(spec.commandLine(), "--guidance must be a number from 0 to " + MAX_GUIDANCE
                    + " (0 turns guidance off; useful values are about 1 to 10), got " + guidance);
        }
        if (sampler != null) {
            try {
                SamplerKind.parse(sampler);
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException("sampler", "one of " + SamplerKind.validNames(), sampler);
            }
        }
        return new SamplingOptions(seed, steps, sampler, guidance, outputs, dataType);
    }

    /**
     * Refuses {@code --guidance} for a command that would ignore it, rather than accept a value
     * that changes nothing.
     *
     * @param why why the command ignores it, for the message
     */
    void refuseGuidance(String why) {
        if (guidance != null) {
            throw new ParameterException(spec.commandLine(), "--guidance does not apply here: " + why);
        }
    }
}
