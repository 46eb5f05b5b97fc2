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
import org.unidiff.sampling.plan.TaskPlan;

/** Text to image: the prompt's latent given clean, the image generated with guidance. */
final class TextToImageRecipe implements Recipe<TextToImageRequest, ImageResult> {

    @Override
    public Task task() {
        return Task.TEXT_TO_IMAGE;
    }

    @Override
    public SamplingOptions options(TextToImageRequest request) {
        return request.options();
    }

    @Override
    public void check(TextToImageRequest request, RecipeContext context) {
        context.checkPrompt("prompt", request.prompt());
    }

    @Override
    public List<ImageResult> run(Batch<TextToImageRequest> batch, RecipeContext context) {
        List<GivenValues> givens = new ArrayList<>(batch.size());
        for (int r = 0; r < batch.size(); r++) {
            double[] prompt = context.promptLatent(context.field(r, "prompt"), batch.request(r).prompt());
            givens.add(GivenValues.builder(context.shape(1)).text(0, prompt).build());
        }
        List<List<SampleLatents>> out = context.sample(TaskPlan.textToImage(), 1, batch, givens,
                SamplingStage.only(Task.TEXT_TO_IMAGE.id()));
        List<ImageResult> results = new ArrayList<>(batch.size());
        for (int r = 0; r < batch.size(); r++) {
            results.add(new ImageResult(context.decodeImages(out.get(r), 0), context.parameters(batch.options(r),
                    task(), List.of(batch.request(r).prompt()), null)));
        }
        return results;
    }
}
