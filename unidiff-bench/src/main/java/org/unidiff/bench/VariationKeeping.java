package org.unidiff.bench;

import java.util.EnumMap;
import java.util.Map;
import org.unidiff.shapes.Analysis;
import org.unidiff.shapes.SceneAttributes;

/**
 * Image variation: for each attribute, how often the variation keeps the source image's value. A variation
 * without a single object keeps nothing.
 */
public final class VariationKeeping {

    private final Map<Attribute, Rate> kept = new EnumMap<>(Attribute.class);
    private final Rate allKept = new Rate();

    /** A tally with nothing counted. */
    public VariationKeeping() {
        for (Attribute a : Attribute.values()) {
            kept.put(a, new Rate());
        }
    }

    /** Counts one variation of a source whose attributes are {@code source}. */
    public void add(SceneAttributes source, Analysis variation) {
        boolean all = true;
        for (Attribute a : Attribute.values()) {
            boolean same = variation.attributes().map(v -> a.of(v) == a.of(source)).orElse(false);
            kept.get(a).add(same);
            all &= same;
        }
        allKept.add(all);
    }

    /** Variations keeping one attribute. */
    public Rate kept(Attribute attribute) {
        return kept.get(attribute);
    }

    /** Variations keeping all five attributes. */
    public Rate allKept() {
        return allKept;
    }
}
