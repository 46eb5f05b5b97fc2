package org.unidiff.bench;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.unidiff.shapes.Analysis;
import org.unidiff.shapes.SceneAttributes;

/**
 * Grouped generation without references: for each attribute no caption of a group states, how often all images
 * of the group agree on it. A group with an image that shows no single object does not agree.
 */
public final class GroupAgreement {

    private final Map<Attribute, Rate> agree = new EnumMap<>(Attribute.class);

    /** A tally with nothing counted. */
    public GroupAgreement() {
        for (Attribute a : Attribute.values()) {
            agree.put(a, new Rate());
        }
    }

    /** Counts one group for each of the attributes its captions leave unstated. */
    public void add(List<Analysis> group, Set<Attribute> unstated) {
        for (Attribute a : unstated) {
            agree.get(a).add(allAgree(group, a));
        }
    }

    /** Groups agreeing on one attribute, over groups that left it unstated. */
    public Rate agreement(Attribute attribute) {
        return agree.get(attribute);
    }

    /** Whether every image of the group shows a single object and all have the same value of the attribute. */
    public static boolean allAgree(List<Analysis> group, Attribute attribute) {
        if (group.isEmpty()) {
            throw new IllegalArgumentException("a group needs at least one image");
        }
        Object first = null;
        for (Analysis image : group) {
            if (!image.isValid()) {
                return false;
            }
            SceneAttributes found = image.attributes().get();
            Object value = attribute.of(found);
            if (first == null) {
                first = value;
            } else if (first != value) {
                return false;
            }
        }
        return true;
    }
}
