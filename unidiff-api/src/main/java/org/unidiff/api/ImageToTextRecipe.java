package org.unidiff.api;

import org.unidiff.api.core.SamplingOptions;
import org.unidiff.api.core.Task;

import java.util.ArrayList;
import java.util.List;
import org.unidiff.api.engine.Batch;
import org.unidiff.api.engine.EncodedImage;
import org.unidiff.api.engine.Recipe;
import org.unidiff.api.engine.RecipeContext;
import org.unidiff.api.engine.SamplingStage;
import org.unidiff.sampling.plan.GivenValues;
import org.unidiff.sampling.plan.SampleLatents;
import org.unidiff.sampling.plan.TaskPlan;

/** Captioning: the image's latent and CLIP token given clean, the text latent generated and decoded. */
final class ImageToTextRecipe implements Recipe<ImageToTextRequest, TextResult> {

    @Override
    public Task task() {
        return Task.IMAGE_TO_TEXT;
    }

    @Override
    public SamplingOptions options(ImageToTextRequest request) {
        return request.options();
    }

    @Override
    public List<TextResult> run(Batch<ImageToTextRequest> batch, RecipeContext context) {
        List<GivenValues> givens = new ArrayList<>(batch.size());
        for (int r = 0; r < batch.size(); r++) {
            EncodedImage image = context.encodeImage(batch.request(r).image(), batch.options(r).seed(), 0);
            givens.add(GivenValues.builder(context.shape(1)).image(0, image.latent(), image.clip()).build());
        }
        List<List<SampleLatents>> out = context.sample(TaskPlan.imageToText(), 1, batch, givens,
                SamplingStage.only(Task.IMAGE_TO_TEXT.id()));
        List<TextResult> results = new ArrayList<>(batch.size());
        for (int r = 0; r < batch.size(); r++) {
            results.add(new TextResult(context.decodeTexts(out.get(r)),
                    context.parameters(batch.options(r), task(), List.of(), null)));
        }
        return results;
    }
}
