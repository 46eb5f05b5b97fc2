package org.unidiff.bench.incontext;

import java.util.List;
import org.unidiff.shapes.Scene;
import org.unidiff.shapes.incontext.InContextTask;

/**
 * One scored in-context problem: a task, its example scenes (each rendered with its target) and
 * the query whose target the answer must be.
 *
 * @param task     the transform and argument
 * @param examples scenes shown as (scene, target) pairs, in order
 * @param query    the scene to transform
 * @param seed     the request seed of this item
 */
public record InContextItem(InContextTask task, List<Scene> examples, Scene query, long seed) {

    /** Freezes the list. */
    public InContextItem {
        examples = List.copyOf(examples);
    }
}
