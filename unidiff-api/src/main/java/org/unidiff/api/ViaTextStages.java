package org.unidiff.api;

import org.unidiff.api.core.MarginalRoute;

import java.util.ArrayList;
import java.util.List;
import org.unidiff.api.engine.Batch;
import org.unidiff.api.engine.RecipeContext;
import org.unidiff.api.engine.SamplingStage;
import org.unidiff.sampling.plan.GivenValues;
import org.unidiff.sampling.plan.SampleLatents;
import org.unidiff.sampling.plan.TwoStagePlan;
import org.unidiff.sampling.plan.UnconditionalText;

/**
 * The two stages of {@link MarginalRoute#VIA_TEXT}, shared by the image-only and joint recipes:
 * unconditional text latents, then guided text-to-image on each of them (sample n from text n).
 *
 * @param texts  per request, the first stage's latents
 * @param images per request, the second stage's latents
 */
record ViaTextStages(List<List<SampleLatents>> texts, List<List<SampleLatents>> images) {

    static ViaTextStages run(Batch<?> batch, RecipeContext context, String task) {
        TwoStagePlan plan = TwoStagePlan.imageViaText(UnconditionalText.NOISE);
        List<GivenValues> none = new ArrayList<>(batch.size());
        for (int r = 0; r < batch.size(); r++) {
            none.add(GivenValues.none(context.shape(1)));
        }
        List<List<SampleLatents>> texts = context.sample(plan.first(), 1, batch, none,
                new SamplingStage(task + ": text latent", 0, 2));
        List<GivenValues> second = new ArrayList<>(batch.size());
        for (int r = 0; r < batch.size(); r++) {
            second.add(plan.secondStageGivens(context.shape(1), texts.get(r)).build());
        }
        List<List<SampleLatents>> images = context.sample(plan.second(), 1, batch, second,
                new SamplingStage(task + ": image", 1, 2));
        return new ViaTextStages(texts, images);
    }
}
