package org.unidiff.api;

import org.unidiff.sampling.solver.SamplerKind;

/**
 * {@link SamplingOptions} with the bundle defaults filled in and checked against the bundle.
 *
 * @param seed     request seed
 * @param steps    solver steps
 * @param sampler  solver
 * @param guidance guidance scale
 * @param outputs  number of outputs
 * @param dataType data_type fed to the transformer, or null if it takes none
 */
record ResolvedOptions(long seed, int steps, SamplerKind sampler, double guidance, int outputs, Long dataType) {

    /** The parameters record of a result. */
    GenerationParameters parameters(Task task, String model, java.util.List<String> prompts) {
        return parameters(task, model, prompts, null);
    }

    /** The parameters record of a result drawn by {@code route} (null for tasks with one route). */
    GenerationParameters parameters(Task task, String model, java.util.List<String> prompts, MarginalRoute route) {
        return new GenerationParameters(task, model, prompts, seed, steps, sampler.id(), guidance, outputs,
                dataType == null ? null : dataType.intValue(), route == null ? null : route.id());
    }
}
