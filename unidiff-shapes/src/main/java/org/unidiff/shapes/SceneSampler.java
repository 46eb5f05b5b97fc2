package org.unidiff.shapes;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws single scenes uniformly over attribute combinations, with a fresh jittered centre each time. The
 * training sampler never yields a held-out (colour, shape) pair; the evaluation sampler covers all 1296
 * combinations.
 */
public final class SceneSampler {

    private final List<SceneAttributes> combinations;

    private SceneSampler(List<SceneAttributes> combinations) {
        this.combinations = combinations;
    }

    /** Uniform over the 1080 combinations whose (colour, shape) pair is not held out. */
    public static SceneSampler forTraining() {
        return new SceneSampler(Scene.allCentered().stream()
                .filter(s -> !s.isHeldOut())
                .map(SceneAttributes::of)
                .toList());
    }

    /** Uniform over all 1296 combinations, held-out pairs included. */
    public static SceneSampler forEvaluation() {
        return new SceneSampler(Scene.allCentered().stream().map(SceneAttributes::of).toList());
    }

    /** The combinations this sampler draws from, in {@link Scene#combinationIndex()} order. */
    public List<SceneAttributes> combinations() {
        return combinations;
    }

    /** Draws a combination uniformly and jitters its centre. */
    public Scene sample(SplittableRandom random) {
        SceneAttributes a = combinations.get(random.nextInt(combinations.size()));
        return Scene.jittered(a.background(), a.color(), a.shape(), a.size(), a.position(), random);
    }
}
