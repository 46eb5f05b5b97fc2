package org.unidiff.sampling.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A task made of two plans in sequence, where the second stage is conditioned on what the
 * first generated, without decoding in between (the reference's image and text variation).
 * Sample n of the second stage is conditioned on sample n of the first; the runtime can keep
 * using each sample's noise source across both stages.
 *
 * @param name    a short name
 * @param first   the first stage
 * @param second  the second stage
 * @param carried the stream the first stage generates in slot 0 and the second takes as its
 *                slot-0 condition
 */
public record TwoStagePlan(String name, TaskPlan first, TaskPlan second, Stream carried) {

    /** Checks that the first stage generates the carried stream and the second conditions on it. */
    public TwoStagePlan {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(second, "second");
        Objects.requireNonNull(carried, "carried");
        if (!first.generates(0, carried)) {
            throw new IllegalArgumentException("two-stage plan '" + name + "': the first stage '" + first.name()
                    + "' does not generate slot 0 " + carried);
        }
        if (second.pass(0).role(0, carried) != Role.CONDITION) {
            throw new IllegalArgumentException("two-stage plan '" + name + "': the second stage '" + second.name()
                    + "' does not take slot 0 " + carried + " as a CONDITION");
        }
    }

    /** Image variation: image to text, then text to image on that text latent. */
    public static TwoStagePlan imageVariation(UnconditionalText uncond) {
        return new TwoStagePlan("image-variation", TaskPlan.imageToText(), TaskPlan.textToImage(uncond), Stream.TEXT);
    }

    /** Text variation: text to image, then image to text on those image latents and CLIP tokens. */
    public static TwoStagePlan textVariation(UnconditionalText uncond) {
        return new TwoStagePlan("text-variation", TaskPlan.textToImage(uncond), TaskPlan.imageToText(), Stream.IMAGE);
    }

    /**
     * Image through text: an unconditional text latent first, then text to image on that latent.
     * Ancestral sampling of the image marginal, p(x) = sum over y of p(y) p(x | y): the image
     * stage gets classifier-free guidance, which the one-solve image-only task cannot use.
     */
    public static TwoStagePlan imageViaText(UnconditionalText uncond) {
        return new TwoStagePlan("image-via-text", TaskPlan.textOnly(), TaskPlan.textToImage(uncond), Stream.TEXT);
    }

    /**
     * Given values for the second stage: the carried stream of every first-stage sample as a
     * per-sample condition of slot 0. Add anything else the second stage reads (e.g.
     * {@link GivenValues.Builder#emptyText}) before building.
     *
     * @param shape      the tensor sizes of the second stage
     * @param firstStage the first stage's split final state
     */
    public GivenValues.Builder secondStageGivens(JointShape shape, List<SampleLatents> firstStage) {
        if (firstStage == null || firstStage.isEmpty()) {
            throw new IllegalArgumentException("two-stage plan '" + name + "' needs the first stage's samples, got none");
        }
        List<double[]> values = new ArrayList<>(firstStage.size());
        for (SampleLatents sample : firstStage) {
            values.add(sample.slot(0).streamValue(carried));
        }
        return GivenValues.builder(shape).perSample(0, carried, values);
    }
}
