/**
 * Tasks as data, and the guided joint model that runs them.
 *
 * <h2>Design</h2>
 * A joint transformer sees, per row, G <em>slots</em> (group members; plain UniDiffuser has one),
 * and per slot two {@link org.unidiff.sampling.plan.Stream streams}: IMAGE (image latent plus
 * CLIP token, sharing {@code t_img}) and TEXT (text latent, {@code t_text}). A
 * {@link org.unidiff.sampling.plan.TaskPlan} says, for every pass the transformer makes per
 * model evaluation, the {@link org.unidiff.sampling.plan.Role} of every (slot, stream):
 * GENERATE (solved), CONDITION (given, clean), EMPTY_CONDITION (the empty prompt, clean),
 * MARGINALIZE (fresh noise every evaluation) or RENOISE (a reference re-noised to the current
 * time every evaluation). Pass 0 is the conditional pass and defines the solved state; each
 * further pass is the unconditional counterpart of some generated (slot, stream)s
 * ({@link org.unidiff.sampling.plan.Counterpart}). Factories cover every task of the reference
 * (text-to-image with either unconditional choice, image-to-text, joint, image only, text
 * only), grouped generation with clean or re-noised references
 * ({@link org.unidiff.sampling.plan.PlanSlot}), in-context tasks, and the two-stage variations
 * ({@link org.unidiff.sampling.plan.TwoStagePlan}); {@link org.unidiff.sampling.plan.TaskPlan#of}
 * takes any other plan that passes its checks.
 *
 * <p>{@link org.unidiff.sampling.plan.GuidedJointModel} executes any plan as a
 * {@link org.unidiff.sampling.solver.DenoisingModel} over a flat state, with the values of
 * {@link org.unidiff.sampling.plan.GivenValues} and one
 * {@link org.unidiff.sampling.noise.NoiseSource} per sample; the runtime only implements
 * {@link org.unidiff.sampling.plan.JointPredictor}, one batched transformer call over the
 * direct buffers of {@link org.unidiff.sampling.plan.JointBatch} and
 * {@link org.unidiff.sampling.plan.JointOutputs}. The state layout, batch layout, noise draw
 * order and guidance rule are documented on {@code GuidedJointModel}.
 *
 * <h2>Running a task</h2>
 * <pre>{@code
 * TaskPlan plan = TaskPlan.textToImage();
 * GivenValues given = GivenValues.builder(shape).text(0, promptLatent).build();
 * GuidedJointModel model = GuidedJointModel.builder(plan, shape, schedule, predictor)
 *         .guidanceScale(7).givens(given).dataType(1)
 *         .noise(SeededNoiseSource.streams(seed, samples)).build();
 * double[] x = solver.sample(model, model.initialState(), listener);
 * List<SampleLatents> images = model.split(x);
 * }</pre>
 */
package org.unidiff.sampling.plan;
