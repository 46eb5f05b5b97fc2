package org.unidiff.bench;

import java.awt.image.BufferedImage;
import java.util.List;
import org.unidiff.api.GroupRequest;
import org.unidiff.api.GroupSlot;
import org.unidiff.api.ImageToTextRequest;
import org.unidiff.api.JointRequest;
import org.unidiff.api.core.SamplingOptions;
import org.unidiff.api.TextToImageRequest;
import org.unidiff.api.Unidiff;
import org.unidiff.shapes.Background;
import org.unidiff.shapes.Color;
import org.unidiff.shapes.Position;
import org.unidiff.shapes.Renderer;
import org.unidiff.shapes.Scene;
import org.unidiff.shapes.Shape;
import org.unidiff.shapes.Size;

/**
 * The generations the speed benchmark times, each with fixed inputs, run the same way through the Java API and
 * the Python reference (which knows them by {@link #id()}).
 */
public enum SpeedTask {
    /** One image from a full caption. */
    T2I_1("t2i-1", "text->image, batch 1"),
    /** Eight images from one caption in one request. */
    T2I_8("t2i-8", "text->image, batch 8"),
    /** One caption of a rendered scene. */
    CAPTION("caption", "captioning"),
    /** One image and caption pair. */
    JOINT("joint", "joint"),
    /** Four images generated together from four shape/position captions. */
    GROUP_4("group-4", "group of 4");

    /** The prompt of the text to image tasks. */
    public static final String PROMPT = "a large red circle in the center on a black background";

    /** The captions of the group task. */
    public static final List<String> GROUP_CAPTIONS = List.of("a circle at the top left", "a square at the top right",
            "a triangle at the bottom left", "a diamond at the bottom right");

    /** The scene rendered as the captioning input. */
    public static final Scene CAPTION_SCENE = Scene.centered(Background.GRAY, Color.BLUE, Shape.SQUARE, Size.LARGE,
            Position.CENTER);

    private final String id;
    private final String label;

    SpeedTask(String id, String label) {
        this.id = id;
        this.label = label;
    }

    /** The short name shared with the Python reference's output. */
    public String id() {
        return id;
    }

    /** How the task reads in the table. */
    public String label() {
        return label;
    }

    /** Images (or captions, or groups) one run makes. */
    public int outputs() {
        return this == T2I_8 ? 8 : 1;
    }

    /** The group size the task needs (1 for single-image tasks). */
    public int groupSize() {
        return this == GROUP_4 ? GROUP_CAPTIONS.size() : 1;
    }

    /** Runs the task once through the API with the given seed, steps and sampler (null for defaults). */
    public void run(Unidiff unidiff, long seed, Integer steps, String sampler) {
        SamplingOptions options = new SamplingOptions(seed, steps, sampler, null, outputs(), null);
        switch (this) {
            case T2I_1, T2I_8 -> unidiff.textToImage(new TextToImageRequest(PROMPT, options));
            case CAPTION -> unidiff.imageToText(new ImageToTextRequest(captionInput(), options));
            case JOINT -> unidiff.joint(new JointRequest(options));
            case GROUP_4 -> unidiff.group(GroupRequest.of(GROUP_CAPTIONS.stream().map(GroupSlot::generate).toList(),
                    options));
        }
    }

    /** The captioning input image. */
    public static BufferedImage captionInput() {
        return Renderer.renderImage(CAPTION_SCENE);
    }
}
