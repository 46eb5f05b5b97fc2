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
    private final Rate backgroundAnyImage = new Rate();
    private final Rate colorAnyImage = new Rate();

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
        // Also scored on images that are not one object: how far a weak model gets.
        prompt.background().ifPresent(b -> backgroundAnyImage.add(image.background().equals(Optional.of(b))));
        prompt.color().ifPresent(c -> colorAnyImage.add(image.color().equals(Optional.of(c))));
    }

    /** The fraction of images showing every stated attribute. */
    public Rate allStated() {
        return allStated;
    }

    /** The fraction of images, one object or not, whose background is the stated one. */
    public Rate backgroundAnyImage() {
        return backgroundAnyImage;
    }

    /** The fraction of images, one object or not, whose non-background pixels are the stated colour. */
    public Rate colorAnyImage() {
        return colorAnyImage;
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
        if (backgroundAnyImage.count() > 0) {
            rows.add(MetricRow.fraction(task, "background right, any image", backgroundAnyImage, Target.none()));
        }
        if (colorAnyImage.count() > 0) {
            rows.add(MetricRow.fraction(task, "color right, any image", colorAnyImage, Target.none()));
        }
        rows.add(MetricRow.fraction(task, "all stated attributes", allStated, allTarget));
        return rows;
    }
}
