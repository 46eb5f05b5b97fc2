package org.unidiff.api.tasks;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Where a task writes its result's outputs, whatever keeps them: a JSON object (base64 PNGs),
 * a folder (PNG files), a Spark row (image files and arrays). Each output has a name; the same
 * names appear on every front end ({@code images}, {@code texts}, {@code groups}, ...).
 */
public interface ResultSink {

    /** A list of images. */
    void images(String name, List<BufferedImage> images);

    /** Images in groups (one list per group). */
    void imageGroups(String name, List<List<BufferedImage>> groups);

    /** Frames to be shown as a looping animation (a GIF in JSON, files and tables). */
    void animation(String name, List<BufferedImage> frames);

    /** A list of texts. */
    void texts(String name, List<String> texts);

    /** A vector of numbers (latents, noise). */
    void numbers(String name, double[] values);
}
