package org.unidiff.shapes;

import java.util.List;
import java.util.Objects;

/**
 * One training example: a single scene (group size 1) or a group of 2 to 4, with K caption variants; variant k
 * holds one caption per scene, in scene order, so the trainer can pick a variant per epoch.
 *
 * @param scenes the scenes, in slot order
 * @param captionVariants K lists of captions, each as long as {@code scenes}
 */
public record TrainingItem(List<Scene> scenes, List<List<String>> captionVariants) {

    /** Checks sizes: 1 to 4 scenes, at least one variant, one caption per scene in every variant. */
    public TrainingItem {
        scenes = List.copyOf(scenes);
        captionVariants = captionVariants.stream().map(List::copyOf).toList();
        if (scenes.isEmpty() || scenes.size() > SceneGroup.MAX_SIZE) {
            throw new IllegalArgumentException("an item has 1 to " + SceneGroup.MAX_SIZE + " scenes, got "
                    + scenes.size());
        }
        if (captionVariants.isEmpty()) {
            throw new IllegalArgumentException("an item needs at least one caption variant");
        }
        for (List<String> variant : captionVariants) {
            if (variant.size() != scenes.size()) {
                throw new IllegalArgumentException("each caption variant needs " + scenes.size()
                        + " captions (one per scene), got " + variant.size());
            }
            variant.forEach(c -> Objects.requireNonNull(c, "caption"));
        }
    }
}
