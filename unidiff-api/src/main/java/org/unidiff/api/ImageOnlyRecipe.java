package org.unidiff.api;

import org.unidiff.api.core.MarginalRoute;
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

/** Unconditional images, by the request's {@link MarginalRoute}. */
final class ImageOnlyRecipe implements Recipe<ImageOnlyRequest, ImageResult> {

    @Override
    public Task task() {
        return Task.IMAGE_ONLY;
    }

    @Override
    public SamplingOptions options(ImageOnlyRequest request) {
        return request.options();
    }

    @Override
    public List<?> batchKey(ImageOnlyRequest request) {
        return List.of(request.route());
    }

    @Override
    public List<ImageResult> run(Batch<ImageOnlyRequest> batch, RecipeContext context) {
        List<List<SampleLatents>> images;
        if (batch.request(0).route() == MarginalRoute.VIA_TEXT) {
            images = ViaTextStages.run(batch, context, Task.IMAGE_ONLY_ID).images();
        } else {
            List<GivenValues> none = new ArrayList<>(batch.size());
            for (int r = 0; r < batch.size(); r++) {
                none.add(GivenValues.none(context.shape(1)));
            }
            images = context.sample(TaskPlan.imageOnly(), 1, batch, none, SamplingStage.only(Task.IMAGE_ONLY_ID));
        }
        List<ImageResult> results = new ArrayList<>(batch.size());
        for (int r = 0; r < batch.size(); r++) {
            results.add(new ImageResult(context.decodeImages(images.get(r), 0),
                    context.parameters(batch.options(r), task(), List.of(), batch.request(r).route())));
        }
        return results;
    }
}
