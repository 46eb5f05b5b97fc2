/**
 * Sources of standard normal noise for sampling.
 *
 * <p>A {@link org.unidiff.sampling.noise.NoiseSource} is a stream of N(0, 1) numbers; every
 * independent sample of a batch owns one, so a sample's numbers never depend on how many
 * samples run beside it. {@link org.unidiff.sampling.noise.SeededNoiseSource} makes them from
 * a seed with a fixed, named generator (identical on every JVM);
 * {@link org.unidiff.sampling.noise.RecordedNoiseSource} replays numbers recorded elsewhere
 * (e.g. by a Python reference) and
 * {@link org.unidiff.sampling.noise.RecordingNoiseSource} records a run's numbers for replay.
 * The order in which a sampler draws is documented by the sampler
 * ({@link org.unidiff.sampling.plan.GuidedJointModel}).
 */
package org.unidiff.sampling.noise;
