package org.unidiff.api;

import org.unidiff.api.core.SamplingOptions;
import org.unidiff.api.core.Task;

import java.util.ArrayList;
import java.util.List;
import org.unidiff.api.engine.Batch;
import org.unidiff.api.engine.Recipe;
import org.unidiff.api.engine.RecipeContext;
import org.unidiff.api.engine.SamplingStage;
import org.unidiff.sampling.plan.GivenValues;
import org.unidiff.sampling.plan.SampleLatents;
import org.unidiff.sampling.plan.TwoStagePlan;
import org.unidiff.sampling.plan.UnconditionalText;

/** Text variation: text to image latents to text, the latents passed on directly. */
final class TextVariationRecipe implements Recipe<TextVariationRequest, TextResult> {

    @Override
    public Task task() {
        return Task.TEXT_VARIATION;
    }

    @Override
    public SamplingOptions options(TextVariationRequest request) {
        return request.options();
    }

    @Override
    public void check(TextVariationRequest request, RecipeContext context) {
        context.checkPrompt("prompt", request.prompt());
    }

    @Override
    public List<TextResult> run(Batch<TextVariationRequest> batch, RecipeContext context) {
        TwoStagePlan plan = TwoStagePlan.textVariation(UnconditionalText.NOISE);
        List<GivenValues> first = new ArrayList<>(batch.size());
        for (int r = 0; r < batch.size(); r++) {
            double[] prompt = context.promptLatent(context.field(r, "prompt"), batch.request(r).prompt());
            first.add(GivenValues.builder(context.shape(1)).text(0, prompt).build());
        }
        List<List<SampleLatents>> images = context.sample(plan.first(), 1, batch, first,
                new SamplingStage("text-variation: image latent", 0, 2));
        List<GivenValues> second = new ArrayList<>(batch.size());
        for (int r = 0; r < batch.size(); r++) {
            second.add(plan.secondStageGivens(context.shape(1), images.get(r)).build());
        }
        List<List<SampleLatents>> texts = context.sample(plan.second(), 1, batch, second,
                new SamplingStage("text-variation: caption", 1, 2));
        List<TextResult> results = new ArrayList<>(batch.size());
        for (int r = 0; r < batch.size(); r++) {
            results.add(new TextResult(context.decodeTexts(texts.get(r)),
                    context.parameters(batch.options(r), task(), List.of(batch.request(r).prompt()), null)));
        }
        return results;
    }
}
