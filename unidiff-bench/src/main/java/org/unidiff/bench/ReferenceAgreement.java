package org.unidiff.bench;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import org.unidiff.shapes.Analysis;
import org.unidiff.shapes.SceneAttributes;

/**
 * Grouped generation with a reference: how often a generated image has the reference's value of every style
 * attribute its caption leaves unstated, and of each such attribute alone.
 */
public final class ReferenceAgreement {

    private final Rate allEqual = new Rate();
    private final Map<Attribute, Rate> perAttribute = new EnumMap<>(Attribute.class);

    /** A tally with nothing counted. */
    public ReferenceAgreement() {
        for (Attribute a : Attribute.values()) {
            perAttribute.put(a, new Rate());
        }
    }

    /**
     * Counts one generated image of a group whose reference has attributes {@code reference}.
     *
     * @param unstated the attributes the generated image's caption leaves unstated (the ones scored)
     */
    public void add(SceneAttributes reference, Analysis generated, Set<Attribute> unstated) {
        if (unstated.isEmpty()) {
            throw new IllegalArgumentException("nothing to compare: the caption states every attribute");
        }
        boolean all = true;
        for (Attribute a : unstated) {
            boolean same = generated.attributes().map(g -> a.of(g) == a.of(reference)).orElse(false);
            perAttribute.get(a).add(same);
            all &= same;
        }
        allEqual.add(all);
    }

    /** Images equal to the reference on every unstated attribute. */
    public Rate allEqual() {
        return allEqual;
    }

    /** Images equal to the reference on one attribute, over images whose caption left it unstated. */
    public Rate attribute(Attribute attribute) {
        return perAttribute.get(attribute);
    }
}
