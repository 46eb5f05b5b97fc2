package org.unidiff.api.engine;

import java.util.List;
import org.unidiff.api.core.GenerationParameters;
import org.unidiff.api.core.MarginalRoute;
import org.unidiff.api.core.Task;
import org.unidiff.sampling.solver.SamplerKind;

/**
 * {@link org.unidiff.api.core.SamplingOptions} with the bundle defaults filled in and checked against
 * the bundle.
 *
 * @param seed     request seed
 * @param steps    solver steps
 * @param sampler  solver
 * @param guidance guidance scale
 * @param outputs  number of outputs
 * @param dataType data_type fed to the transformer, or null if it takes none
 */
public record ResolvedOptions(long seed, int steps, SamplerKind sampler, double guidance, int outputs,
                              Long dataType) {

    /**
     * What must agree for requests to share one solve: everything but the seed and the output
     * count, which are per sample.
     */
    public List<Object> sharedSettings() {
        return java.util.Arrays.asList(steps, sampler, guidance, dataType);
    }

    /** The parameters record of a result. */
    public GenerationParameters parameters(Task task, String model, List<String> prompts) {
        return parameters(task, model, prompts, null);
    }

    /** The parameters record of a result drawn by {@code route} (null for tasks with one route). */
    public GenerationParameters parameters(Task task, String model, List<String> prompts, MarginalRoute route) {
        return new GenerationParameters(task, model, prompts, seed, steps, sampler.id(), guidance, outputs,
                dataType == null ? null : dataType.intValue(), route == null ? null : route.id());
    }
}
