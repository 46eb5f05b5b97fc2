package org.unidiff.api;

import java.awt.image.BufferedImage;

/**
 * One example of an in-context task: an input image and what the task makes of it.
 *
 * @param input  the example's input
 * @param output the example's target (the task applied to the input)
 */
public record ExamplePair(BufferedImage input, BufferedImage output) {

    /** Both images are required. */
    public ExamplePair {
        input = Prompts.requireImage("input", input);
        output = Prompts.requireImage("output", output);
    }
}
