package org.unidiff.api;

import org.unidiff.api.core.InvalidRequestException;
import org.unidiff.api.core.SamplingOptions;
import org.unidiff.api.core.Task;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.unidiff.api.engine.Batch;
import org.unidiff.api.engine.EncodedImage;
import org.unidiff.api.engine.Recipe;
import org.unidiff.api.engine.RecipeContext;
import org.unidiff.api.engine.ResolvedOptions;
import org.unidiff.api.engine.SamplingStage;
import org.unidiff.sampling.plan.GivenValues;
import org.unidiff.sampling.plan.PlanSlot;
import org.unidiff.sampling.plan.SampleLatents;
import org.unidiff.sampling.plan.TaskPlan;
import org.unidiff.sampling.plan.UnconditionalText;

/**
 * Grouped generation: captions given clean where stated, references clean or re-noised, the
 * other slots generated together under the group attention of the transformer.
 */
final class GroupRecipe implements Recipe<GroupRequest, GroupResult> {

    @Override
    public Task task() {
        return Task.GROUP;
    }

    @Override
    public SamplingOptions options(GroupRequest request) {
        return request.options();
    }

    /** The plan is fixed by each slot's kind and caption presence, the reference mode and the guidance rule. */
    @Override
    public List<?> batchKey(GroupRequest request) {
        List<Object> key = new ArrayList<>();
        for (GroupSlot slot : request.slots()) {
            key.add((slot.generated() ? "g" : "r") + (slot.caption().isEmpty() ? "" : "c"));
        }
        key.add(request.referenceMode());
        key.add(request.guidance());
        return key;
    }

    @Override
    public void check(GroupRequest request, RecipeContext context) {
        int g = request.slots().size();
        if (g > context.maxGroupSize()) {
            throw new InvalidRequestException("slots", "at most " + context.maxGroupSize()
                    + " slots (group.max_size of model '" + context.modelName() + "')", g + " slots");
        }
        for (int i = 0; i < g; i++) {
            String caption = request.slots().get(i).caption();
            if (!caption.isEmpty()) {
                context.checkPrompt("slots[" + i + "].caption", caption);
            }
        }
    }

    @Override
    public List<GroupResult> run(Batch<GroupRequest> batch, RecipeContext context) {
        GroupRequest first = batch.request(0);
        int g = first.slots().size();
        List<GivenValues> givens = new ArrayList<>(batch.size());
        for (int r = 0; r < batch.size(); r++) {
            GroupRequest request = batch.request(r);
            GivenValues.Builder values = GivenValues.builder(context.shape(g));
            for (int i = 0; i < g; i++) {
                GroupSlot slot = request.slots().get(i);
                if (!slot.caption().isEmpty()) {
                    values.text(i, context.promptLatent(context.field(r, "slots[" + i + "].caption"), slot.caption()));
                }
                if (!slot.generated()) {
                    EncodedImage ref = context.encodeImage(slot.reference(), batch.options(r).seed(), i);
                    values.image(i, ref.latent(), ref.clip());
                }
            }
            givens.add(values.build());
        }
        List<List<SampleLatents>> out = context.sample(plan(first), g, batch, givens,
                SamplingStage.only("group of " + g));
        List<GroupResult> results = new ArrayList<>(batch.size());
        for (int r = 0; r < batch.size(); r++) {
            results.add(assemble(batch.request(r), batch.options(r), out.get(r), context));
        }
        return results;
    }

    private static TaskPlan plan(GroupRequest request) {
        List<PlanSlot> slots = new ArrayList<>(request.slots().size());
        for (GroupSlot slot : request.slots()) {
            boolean captioned = !slot.caption().isEmpty();
            if (slot.generated()) {
                slots.add(PlanSlot.generate(captioned));
            } else {
                slots.add(request.referenceMode() == ReferenceMode.CLEAN
                        ? PlanSlot.cleanReference(captioned) : PlanSlot.renoisedReference(captioned));
            }
        }
        return TaskPlan.group(slots, UnconditionalText.NOISE,
                request.guidance() == GroupGuidance.CAPTIONS_AND_REFERENCES);
    }

    /** Generated slots decoded, reference slots shown as the model saw them; one group per output. */
    private GroupResult assemble(GroupRequest request, ResolvedOptions options, List<SampleLatents> out,
                                 RecipeContext context) {
        int g = request.slots().size();
        List<List<BufferedImage>> bySlot = new ArrayList<>(g);
        List<String> captions = new ArrayList<>(g);
        for (int i = 0; i < g; i++) {
            GroupSlot slot = request.slots().get(i);
            captions.add(slot.caption());
            bySlot.add(slot.generated() ? context.decodeImages(out, i)
                    : Collections.nCopies(out.size(), context.asModelSees(slot.reference())));
        }
        List<List<BufferedImage>> groups = new ArrayList<>(out.size());
        for (int n = 0; n < out.size(); n++) {
            List<BufferedImage> group = new ArrayList<>(g);
            for (int i = 0; i < g; i++) {
                group.add(bySlot.get(i).get(n));
            }
            groups.add(group);
        }
        return new GroupResult(groups, context.parameters(options, task(), captions, null));
    }
}
