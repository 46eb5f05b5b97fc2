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

/** Unconditional texts: the image marginalized, the text latent generated and decoded. */
final class TextOnlyRecipe implements Recipe<TextOnlyRequest, TextResult> {

    @Override
    public Task task() {
        return Task.TEXT_ONLY;
    }

    @Override
    public SamplingOptions options(TextOnlyRequest request) {
        return request.options();
    }

    @Override
    public List<TextResult> run(Batch<TextOnlyRequest> batch, RecipeContext context) {
        List<GivenValues> none = new ArrayList<>(batch.size());
        for (int r = 0; r < batch.size(); r++) {
            none.add(GivenValues.none(context.shape(1)));
        }
        List<List<SampleLatents>> out = context.sample(TaskPlan.textOnly(), 1, batch, none,
                SamplingStage.only(Task.TEXT_ONLY_ID));
        List<TextResult> results = new ArrayList<>(batch.size());
        for (int r = 0; r < batch.size(); r++) {
            results.add(new TextResult(context.decodeTexts(out.get(r)),
                    context.parameters(batch.options(r), task(), List.of(), null)));
        }
        return results;
    }
}
