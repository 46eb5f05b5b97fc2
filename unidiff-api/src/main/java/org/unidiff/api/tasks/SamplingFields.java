package org.unidiff.api.tasks;

import java.util.function.Function;
import org.unidiff.api.core.SamplingOptions;
import org.unidiff.sampling.solver.SamplerKind;

/**
 * The sampling fields every task takes, named and bounded in one place: {@code seed},
 * {@code steps}, {@code sampler}, {@code guidanceScale}, {@code outputs}, {@code dataType}. Read
 * by every {@link RequestFields} source, so a JSON body and a recorded form list the same fields.
 */
final class SamplingFields {

    private SamplingFields() {
    }

    /**
     * Reads the sampling fields from {@code in}; unset ones take the bundle's defaults.
     *
     * @param badSampler the refusal for a sampler name that is not one of {@link SamplerKind}'s
     */
    static SamplingOptions read(RequestFields in, Function<String, RuntimeException> badSampler) {
        Long seed = in.optionalLong("seed", Long.MIN_VALUE, Long.MAX_VALUE);
        Long steps = in.optionalLong("steps", 1, in.limits().maxSteps());
        String sampler = in.optionalString("sampler");
        if (sampler != null && !valid(sampler)) {
            throw badSampler.apply(sampler);
        }
        Double guidance = in.optionalNumber("guidanceScale", 0, SamplingOptions.MAX_GUIDANCE);
        Long outputs = in.optionalLong("outputs", 1, in.limits().maxOutputs());
        Long dataType = in.optionalLong("dataType", 0, Integer.MAX_VALUE);
        return new SamplingOptions(seed == null ? 0 : seed, steps == null ? null : steps.intValue(), sampler,
                guidance, outputs == null ? 1 : outputs.intValue(), dataType == null ? null : dataType.intValue());
    }

    private static boolean valid(String name) {
        try {
            SamplerKind.parse(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
