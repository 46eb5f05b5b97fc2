package org.unidiff.bench;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.unidiff.shapes.Analysis;
import org.unidiff.shapes.CaptionAttributes;
import org.unidiff.shapes.SceneAttributes;

/**
 * Text to image: how often the analyzer finds in a generated image what its prompt states, per stated attribute
 * and for all stated attributes at once. An image without a single object misses every attribute.
 */
public final class PromptAccuracy {

    private final Map<Attribute, Rate> perAttribute = new EnumMap<>(Attribute.class);
    private final Rate allStated = new Rate();

    /** A tally with nothing counted. */
    public PromptAccuracy() {
        for (Attribute a : Attribute.values()) {
            perAttribute.put(a, new Rate());
        }
    }

    /** Counts one generated image against what its prompt states. */
    public void add(CaptionAttributes prompt, Analysis image) {
        Optional<SceneAttributes> found = image.attributes();
        boolean all = true;
        for (Attribute a : Attribute.values()) {
            Optional<? extends Enum<?>> stated = a.statedIn(prompt);
            if (stated.isPresent()) {
                boolean right = found.isPresent() && a.of(found.get()) == stated.get();
                perAttribute.get(a).add(right);
                all &= right;
            }
        }
        allStated.add(all);
    }

    /** The fraction of images showing every stated attribute. */
    public Rate allStated() {
        return allStated;
    }

    /** The fraction of images showing one attribute, among prompts stating it. */
    public Rate attribute(Attribute attribute) {
        return perAttribute.get(attribute);
    }

    /** The rows: one per attribute some prompt stated, then all stated attributes with its target. */
    public List<MetricRow> rows(String task, Target allTarget) {
        List<MetricRow> rows = new ArrayList<>();
        for (Attribute a : Attribute.values()) {
            if (perAttribute.get(a).count() > 0) {
                rows.add(MetricRow.fraction(task, a.label() + " accuracy", perAttribute.get(a), Target.none()));
            }
        }
        rows.add(MetricRow.fraction(task, "all stated attributes", allStated, allTarget));
        return rows;
    }
}
