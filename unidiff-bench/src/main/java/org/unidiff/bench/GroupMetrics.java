package org.unidiff.bench;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.unidiff.api.GroupRequest;
import org.unidiff.api.GroupResult;
import org.unidiff.api.GroupSlot;
import org.unidiff.api.TextToImageRequest;
import org.unidiff.api.Unidiff;
import org.unidiff.api.core.SamplingOptions;
import org.unidiff.shapes.Analysis;
import org.unidiff.shapes.Analyzer;
import org.unidiff.shapes.Renderer;
import org.unidiff.shapes.Scene;
import org.unidiff.shapes.SceneAttributes;
import org.unidiff.shapes.SceneGroup;

/**
 * The quality benchmark's two group metrics: shared unstated style within a group (against the
 * same captions generated independently) and style taken from a reference image.
 */
final class GroupMetrics {

    /** Independent generation of group captions draws each slot from its own seed, this far apart. */
    private static final long BASELINE_SLOT_MIX = 0x632BE59BD9B4E019L;

    private final Unidiff unidiff;
    private final QualitySettings settings;
    private final BiFunction<Long, Integer, SamplingOptions> options;

    /** @param options the sampling options of a request with that seed and that many outputs */
    GroupMetrics(Unidiff unidiff, QualitySettings settings, BiFunction<Long, Integer, SamplingOptions> options) {
        this.unidiff = unidiff;
        this.settings = settings;
        this.options = options;
    }

    /** Grouped generation: do a group's images share the colour, background and size no caption states? */
    List<MetricRow> groups(long seed) {
        if (unidiff.manifest().group().maxSize() < SceneGroup.MIN_SIZE) {
            return List.of(unsupported("grouped"));
        }
        GroupAgreement grouped = new GroupAgreement();
        GroupAgreement independent = new GroupAgreement();
        int[] outputs = PromptSets.split(settings.groups(), settings.batch());
        List<SceneGroup> sets = PromptSets.groups(seed, outputs.length, unidiff.manifest().group().maxSize());
        for (int i = 0; i < sets.size(); i++) {
            List<String> captions = sets.get(i).members().stream().map(PromptSets::shapeAndPosition).toList();
            long requestSeed = seed + i;
            List<GroupSlot> slots = captions.stream().map(GroupSlot::generate).toList();
            GroupResult together = unidiff.group(GroupRequest.of(slots, options.apply(requestSeed, outputs[i])));
            for (List<BufferedImage> group : together.groups()) {
                grouped.add(analyze(group), Attribute.STYLE);
            }
            // The baseline: the same captions, each drawn on its own from a seed of its own.
            List<List<BufferedImage>> bySlot = new ArrayList<>();
            for (int s = 0; s < captions.size(); s++) {
                bySlot.add(unidiff.textToImage(new TextToImageRequest(captions.get(s),
                        options.apply(requestSeed + BASELINE_SLOT_MIX * (s + 1), outputs[i]))).images());
            }
            for (int n = 0; n < outputs[i]; n++) {
                List<BufferedImage> group = new ArrayList<>();
                for (List<BufferedImage> slot : bySlot) {
                    group.add(slot.get(n));
                }
                independent.add(analyze(group), Attribute.STYLE);
            }
        }
        List<MetricRow> rows = new ArrayList<>();
        for (Attribute a : List.of(Attribute.COLOR, Attribute.BACKGROUND, Attribute.SIZE)) {
            rows.add(MetricRow.fraction("grouped", "all images share unstated " + a.label(), grouped.agreement(a),
                    a == Attribute.COLOR ? Target.atLeast(0.80) : Target.none()));
            rows.add(MetricRow.fraction("grouped", "  baseline: same captions generated independently",
                    independent.agreement(a), Target.none()));
        }
        return rows;
    }

    /** Grouped generation from a reference: do the generated images take the reference's unstated style? */
    List<MetricRow> withReference(long seed) {
        if (unidiff.manifest().group().maxSize() < SceneGroup.MIN_SIZE) {
            return List.of(unsupported("grouped with reference"));
        }
        ReferenceAgreement agreement = new ReferenceAgreement();
        int[] outputs = PromptSets.split(settings.groups(), settings.batch());
        List<SceneGroup> sets = PromptSets.groups(seed, outputs.length, unidiff.manifest().group().maxSize());
        for (int i = 0; i < sets.size(); i++) {
            List<Scene> members = sets.get(i).members();
            Scene reference = members.get(0);
            List<GroupSlot> slots = new ArrayList<>();
            slots.add(GroupSlot.reference(Renderer.renderImage(reference), PromptSets.shapeAndPosition(reference)));
            for (Scene m : members.subList(1, members.size())) {
                slots.add(GroupSlot.generate(PromptSets.shapeAndPosition(m)));
            }
            GroupResult r = unidiff.group(GroupRequest.of(slots, options.apply(seed + i, outputs[i])));
            for (List<BufferedImage> group : r.groups()) {
                for (BufferedImage generated : group.subList(1, group.size())) {
                    agreement.add(SceneAttributes.of(reference), Analyzer.analyze(generated), Attribute.STYLE);
                }
            }
        }
        List<MetricRow> rows = new ArrayList<>();
        rows.add(MetricRow.fraction("grouped with reference", "unstated style equals the reference's",
                agreement.allEqual(), Target.atLeast(0.80)));
        for (Attribute a : List.of(Attribute.COLOR, Attribute.BACKGROUND, Attribute.SIZE)) {
            rows.add(MetricRow.fraction("grouped with reference", "  " + a.label() + " equals the reference's",
                    agreement.attribute(a), Target.none()));
        }
        return rows;
    }

    private MetricRow unsupported(String task) {
        return MetricRow.fraction(task, "not run: model '" + unidiff.manifest().name() + "' takes groups of at most "
                + unidiff.manifest().group().maxSize(), Double.NaN, 0, Target.none());
    }

    private static List<Analysis> analyze(List<BufferedImage> images) {
        return images.stream().map(Analyzer::analyze).toList();
    }
}
