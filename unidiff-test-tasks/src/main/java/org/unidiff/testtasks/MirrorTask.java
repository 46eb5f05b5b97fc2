package org.unidiff.testtasks;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.unidiff.api.core.GenerationParameters;
import org.unidiff.api.core.SamplingOptions;
import org.unidiff.api.core.Task;
import org.unidiff.api.engine.Batch;
import org.unidiff.api.engine.Recipe;
import org.unidiff.api.engine.RecipeContext;
import org.unidiff.api.tasks.TaskDefinition;
import org.unidiff.api.tasks.TaskProvider;

/**
 * A task written outside the library, as a user would: its own request, result, recipe and
 * definition, found by {@link org.unidiff.api.tasks.TaskRegistry#installed()} through this test
 * jar's {@code META-INF/services} entry. The CLI, the server and the Spark job serve it in their
 * tests without a line of their own about it. It mirrors the image left to right and upper-cases
 * the note, so each front end's output can be checked exactly.
 */
public final class MirrorTask implements TaskProvider {

    /** The task's id. */
    public static final String ID = "mirror-note";

    /** The request: an image and a note. */
    public record MirrorRequest(BufferedImage image, String note, SamplingOptions options) {
    }

    /** The result: the mirrored image and the upper-cased note. */
    public record MirrorResult(BufferedImage mirrored, String note, GenerationParameters parameters) {
    }

    /** The recipe: no model evaluation, so its outputs are exact. */
    static final class MirrorRecipe implements Recipe<MirrorRequest, MirrorResult> {

        private static final Task TASK = Task.of(ID);

        @Override
        public Task task() {
            return TASK;
        }

        @Override
        public SamplingOptions options(MirrorRequest request) {
            return request.options();
        }

        @Override
        public List<MirrorResult> run(Batch<MirrorRequest> batch, RecipeContext context) {
            List<MirrorResult> out = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                MirrorRequest q = batch.request(i);
                out.add(new MirrorResult(mirror(q.image()), q.note().toUpperCase(Locale.ROOT),
                        context.parameters(batch.options(i), TASK, List.of(q.note()), null)));
            }
            return out;
        }
    }

    /** The image mirrored left to right (what every front end's output is compared with). */
    public static BufferedImage mirror(BufferedImage in) {
        BufferedImage out = new BufferedImage(in.getWidth(), in.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < in.getHeight(); y++) {
            for (int x = 0; x < in.getWidth(); x++) {
                out.setRGB(in.getWidth() - 1 - x, y, in.getRGB(x, y));
            }
        }
        return out;
    }

    @Override
    public List<TaskDefinition<?, ?>> tasks() {
        return List.of(TaskDefinition.of(new MirrorRecipe(),
                in -> new MirrorRequest(in.image("image"), in.prompt("note"), in.options()),
                MirrorResult::parameters, (r, out) -> {
                    out.images("images", List.of(r.mirrored()));
                    out.texts("texts", List.of(r.note()));
                }));
    }
}
