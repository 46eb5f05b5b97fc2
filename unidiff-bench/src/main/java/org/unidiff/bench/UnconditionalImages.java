package org.unidiff.bench;

import java.util.HashSet;
import java.util.Set;
import org.unidiff.shapes.Analysis;
import org.unidiff.shapes.SceneAttributes;

/**
 * Image only: how many samples show a single object of the world, and how many different scenes (attribute
 * combinations, out of 1296) the valid ones cover.
 */
public final class UnconditionalImages {

    private final Rate valid = new Rate();
    private final Set<SceneAttributes> distinct = new HashSet<>();

    /** Counts one sample. */
    public void add(Analysis image) {
        valid.add(image.isValid());
        image.attributes().ifPresent(distinct::add);
    }

    /** Samples with a single object. */
    public Rate valid() {
        return valid;
    }

    /** Distinct attribute combinations among the valid samples. */
    public int distinctScenes() {
        return distinct.size();
    }
}
