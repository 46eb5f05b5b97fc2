package org.unidiff.shapes;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes captions of the shapes-world grammar and draws partial captions with the spec's rules.
 *
 * <p>Single images: the caption is full with probability 1/2; otherwise each of the size, colour, position and
 * background clauses is kept independently with probability 1/2 (the shape always stays). Group members: the
 * shape is always named, the position with probability {@value #GROUP_POSITION_PROBABILITY}, and each style
 * attribute (background, colour, size) independently with probability {@value #GROUP_STYLE_PROBABILITY}, so
 * that the shared style is mostly left for the model to make consistent across the group.
 */
public final class Captions {

    /** Probability that a single image's caption is full. */
    public static final double SINGLE_FULL_PROBABILITY = 0.5;

    /** Probability that a partial single-image caption keeps each optional clause. */
    public static final double SINGLE_CLAUSE_PROBABILITY = 0.5;

    /** Probability that a group member's caption names its position ("usually" in the spec). */
    public static final double GROUP_POSITION_PROBABILITY = 0.8;

    /** Probability that a group member's caption names each style attribute. */
    public static final double GROUP_STYLE_PROBABILITY = 0.3;

    private Captions() {
    }

    /** The full caption, e.g. "a large red circle at the top left on a black background". */
    public static String full(Scene scene) {
        return CaptionAttributes.full(scene).text();
    }

    /** Draws the stated attributes of a single (ungrouped) image's caption. */
    public static CaptionAttributes sampleSingle(Scene scene, SplittableRandom random) {
        if (random.nextDouble() < SINGLE_FULL_PROBABILITY) {
            return CaptionAttributes.full(scene);
        }
        boolean size = random.nextDouble() < SINGLE_CLAUSE_PROBABILITY;
        boolean color = random.nextDouble() < SINGLE_CLAUSE_PROBABILITY;
        boolean position = random.nextDouble() < SINGLE_CLAUSE_PROBABILITY;
        boolean background = random.nextDouble() < SINGLE_CLAUSE_PROBABILITY;
        return CaptionAttributes.of(scene, size, color, position, background);
    }

    /** Draws the stated attributes of one group member's caption. */
    public static CaptionAttributes sampleGroupMember(Scene scene, SplittableRandom random) {
        boolean position = random.nextDouble() < GROUP_POSITION_PROBABILITY;
        boolean size = random.nextDouble() < GROUP_STYLE_PROBABILITY;
        boolean color = random.nextDouble() < GROUP_STYLE_PROBABILITY;
        boolean background = random.nextDouble() < GROUP_STYLE_PROBABILITY;
        return CaptionAttributes.of(scene, size, color, position, background);
    }

    /**
     * Draws one caption per scene: the single-image rule for a lone scene, the group rule for each member of a
     * group of two or more.
     */
    public static List<String> sampleFor(List<Scene> scenes, SplittableRandom random) {
        if (scenes.isEmpty()) {
            throw new IllegalArgumentException("need at least one scene to caption");
        }
        List<String> captions = new ArrayList<>(scenes.size());
        boolean single = scenes.size() == 1;
        for (Scene scene : scenes) {
            CaptionAttributes stated = single ? sampleSingle(scene, random) : sampleGroupMember(scene, random);
            captions.add(stated.text());
        }
        return captions;
    }

    /**
     * Every caption the grammar can produce for the scene's attributes: all 16 subsets of the optional
     * clauses, the full caption last.
     */
    public static List<CaptionAttributes> allFor(Scene scene) {
        List<CaptionAttributes> all = new ArrayList<>(16);
        for (int mask = 0; mask < 16; mask++) {
            all.add(CaptionAttributes.of(scene, (mask & 1) != 0, (mask & 2) != 0, (mask & 4) != 0, (mask & 8) != 0));
        }
        return all;
    }
}
