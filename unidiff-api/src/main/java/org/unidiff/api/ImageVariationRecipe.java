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
import org.unidiff.sampling.plan.TwoStagePlan;
import org.unidiff.sampling.plan.UnconditionalText;

/** Image variation: image to text latent to image, the latent passed on directly. */
final class ImageVariationRecipe implements Recipe<ImageVariationRequest, ImageResult> {

    @Override
    public Task task() {
        return Task.IMAGE_VARIATION;
    }

    @Override
    public SamplingOptions options(ImageVariationRequest request) {
        return request.options();
    }

    @Override
    public List<ImageResult> run(Batch<ImageVariationRequest> batch, RecipeContext context) {
        TwoStagePlan plan = TwoStagePlan.imageVariation(UnconditionalText.NOISE);
        List<GivenValues> first = new ArrayList<>(batch.size());
        for (int r = 0; r < batch.size(); r++) {
            EncodedImage image = context.encodeImage(batch.request(r).image(), batch.options(r).seed(), 0);
            first.add(GivenValues.builder(context.shape(1)).image(0, image.latent(), image.clip()).build());
        }
        List<List<SampleLatents>> texts = context.sample(plan.first(), 1, batch, first,
                new SamplingStage("image-variation: caption latent", 0, 2));
        List<GivenValues> second = new ArrayList<>(batch.size());
        for (int r = 0; r < batch.size(); r++) {
            second.add(plan.secondStageGivens(context.shape(1), texts.get(r)).build());
        }
        List<List<SampleLatents>> images = context.sample(plan.second(), 1, batch, second,
                new SamplingStage("image-variation: image", 1, 2));
        List<ImageResult> results = new ArrayList<>(batch.size());
        for (int r = 0; r < batch.size(); r++) {
            results.add(new ImageResult(context.decodeImages(images.get(r), 0),
                    context.parameters(batch.options(r), task(), List.of(), null)));
        }
        return results;
    }
}
