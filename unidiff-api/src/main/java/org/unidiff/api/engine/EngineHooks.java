package org.unidiff.api.engine;

import java.util.List;
import org.unidiff.sampling.noise.NoiseSource;
import org.unidiff.sampling.noise.SeededNoiseSource;
import org.unidiff.sampling.plan.JointPredictor;
import org.unidiff.sampling.plan.SampleLatents;

/**
 * How benchmarks, tests and front ends observe the {@link Engine} without copying it: where the
 * noise comes from, a look at each stage's final latents, the transformer as the solver sees it,
 * and the time of each {@link Phase}.
 *
 * <p>Every method has a default, so an implementation overrides only what it needs;
 * {@link #SEEDED} is the default of every engine. Hooks are called from the calling thread and
 * may be called concurrently when one engine serves several threads.
 */
public interface EngineHooks {

    /** Seeded streams, no observation: what every engine uses unless told otherwise. */
    EngineHooks SEEDED = new EngineHooks() {
    };

    /**
     * One noise source per output of one request for a sampling stage. In a batched call this is
     * asked once per request, in request order, each with its own stage seed.
     *
     * @param stage     the stage
     * @param stageSeed the request's seed for this stage ({@link SeedRules#stageSeed(long, int)})
     * @param outputs   the request's number of outputs
     */
    default List<NoiseSource> samplingNoise(SamplingStage stage, long stageSeed, int outputs) {
        return SeededNoiseSource.streams(stageSeed, outputs);
    }

    /**
     * The source of one input image's VAE sample.
     *
     * @param imageSeed the derived seed ({@link SeedRules#imageEncodingSeed(long, int)})
     */
    default NoiseSource imageEncodingNoise(long imageSeed) {
        return SeededNoiseSource.of(imageSeed);
    }

    /** Told one request's final latents of a stage, before they are decoded. */
    default void sampled(SamplingStage stage, List<SampleLatents> latents) {
    }

    /** The transformer the solver calls; a benchmark wraps it with a clock. */
    default JointPredictor transformer(JointPredictor transformer) {
        return transformer;
    }

    /** Told the nanoseconds one phase of a call took (a batched call reports each phase once per run). */
    default void timed(Phase phase, long nanos) {
    }
}
