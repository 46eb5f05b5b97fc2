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

/** Joint image and caption generation, by the request's {@link MarginalRoute}. */
final class JointRecipe implements Recipe<JointRequest, JointResult> {

    @Override
    public Task task() {
        return Task.JOINT;
    }

    @Override
    public SamplingOptions options(JointRequest request) {
        return request.options();
    }

    @Override
    public List<?> batchKey(JointRequest request) {
        return List.of(request.route());
    }

    @Override
    public List<JointResult> run(Batch<JointRequest> batch, RecipeContext context) {
        List<List<SampleLatents>> images;
        List<List<SampleLatents>> texts;
        if (batch.request(0).route() == MarginalRoute.VIA_TEXT) {
            ViaTextStages stages = ViaTextStages.run(batch, context, Task.JOINT.id());
            images = stages.images();
            texts = stages.texts();
        } else {
            List<GivenValues> none = new ArrayList<>(batch.size());
            for (int r = 0; r < batch.size(); r++) {
                none.add(GivenValues.none(context.shape(1)));
            }
            images = context.sample(TaskPlan.joint(), 1, batch, none, SamplingStage.only(Task.JOINT.id()));
            texts = images;
        }
        List<JointResult> results = new ArrayList<>(batch.size());
        for (int r = 0; r < batch.size(); r++) {
            results.add(new JointResult(context.decodeImages(images.get(r), 0), context.decodeTexts(texts.get(r)),
                    context.parameters(batch.options(r), task(), List.of(), batch.request(r).route())));
        }
        return results;
    }
}
