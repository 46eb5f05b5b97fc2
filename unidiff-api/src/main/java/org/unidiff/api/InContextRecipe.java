package org.unidiff.api;

import org.unidiff.api.core.InvalidRequestException;
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
import org.unidiff.sampling.plan.Role;
import org.unidiff.sampling.plan.SampleLatents;
import org.unidiff.sampling.plan.TaskPlan;

/**
 * In-context: frames {@code [in_1, out_1, ..., in_k, out_k, query, answer]}, each VAE-encoded on
 * its own as the scaled mean of its VAE latent (as the family was trained), the answer
 * generated; the unconditional pass drops the examples ({@link TaskPlan#inContext}).
 */
final class InContextRecipe implements Recipe<InContextRequest, ImageResult> {

    @Override
    public Task task() {
        return Task.IN_CONTEXT;
    }

    @Override
    public org.unidiff.runtime.manifest.BundleFamily family() {
        return org.unidiff.runtime.manifest.BundleFamily.IN_CONTEXT;
    }

    @Override
    public SamplingOptions options(InContextRequest request) {
        return request.options();
    }

    /** The plan depends on k and on how examples enter. */
    @Override
    public List<?> batchKey(InContextRequest request) {
        return List.of(request.examples().size(), request.exampleMode());
    }

    @Override
    public void check(InContextRequest request, RecipeContext context) {
        int frames = 2 * request.examples().size() + 2;
        if (frames > context.maxGroupSize()) {
            throw new InvalidRequestException("examples", "at most " + (context.maxGroupSize() - 2) / 2
                    + " pairs (model '" + context.modelName() + "' takes " + context.maxGroupSize()
                    + " frames: 2 per pair, the query and the answer)", request.examples().size() + " pairs");
        }
    }

    @Override
    public List<ImageResult> run(Batch<InContextRequest> batch, RecipeContext context) {
        int k = batch.request(0).examples().size();
        int frames = 2 * k + 2;
        List<GivenValues> givens = new ArrayList<>(batch.size());
        for (int r = 0; r < batch.size(); r++) {
            InContextRequest request = batch.request(r);
            GivenValues.Builder values = GivenValues.builder(context.shape(frames));
            for (int i = 0; i < k; i++) {
                ExamplePair pair = request.examples().get(i);
                put(values, 2 * i, context.encodeLatentMean(pair.input()));
                put(values, 2 * i + 1, context.encodeLatentMean(pair.output()));
            }
            put(values, 2 * k, context.encodeLatentMean(request.query()));
            givens.add(values.build());
        }
        Role role = batch.request(0).exampleMode() == ReferenceMode.CLEAN ? Role.CONDITION : Role.RENOISE;
        List<List<SampleLatents>> out = context.sample(TaskPlan.inContext(k, role), frames, batch, givens,
                SamplingStage.only("in-context, " + k + (k == 1 ? " pair" : " pairs")));
        List<ImageResult> results = new ArrayList<>(batch.size());
        for (int r = 0; r < batch.size(); r++) {
            results.add(new ImageResult(context.decodeImages(out.get(r), frames - 1),
                    context.parameters(batch.options(r), task(), List.of(), null)));
        }
        return results;
    }

    private static void put(GivenValues.Builder values, int slot, EncodedImage image) {
        values.image(slot, image.latent(), image.clip());
    }
}
