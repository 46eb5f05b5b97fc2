package org.unidiff.shapes;

import java.util.Objects;

/**
 * One entry of a fixed evaluation set: a full caption, the seed a generator uses for it, and the scene it
 * describes (rendered with the entry's own jitter when an input image is needed, as for image to text).
 *
 * @param index position in the set
 * @param prompt the full caption of the scene
 * @param seed the generation seed for this entry
 * @param scene the described scene, jittered
 * @param heldOut whether the scene's (colour, shape) pair is held out of training
 */
public record EvalPrompt(int index, String prompt, long seed, Scene scene, boolean heldOut) {

    /** Checks the prompt and scene are given. */
    public EvalPrompt {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(scene, "scene");
    }
}
