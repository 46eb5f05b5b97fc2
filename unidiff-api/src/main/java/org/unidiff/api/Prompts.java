package org.unidiff.api;

import org.unidiff.api.core.InvalidRequestException;
import org.unidiff.api.core.SamplingOptions;

import java.awt.image.BufferedImage;

/** Checks shared by requests: prompts and images. */
final class Prompts {

    /** Longest prompt accepted before tokenization; the tokenizer then enforces the model's limit. */
    static final int MAX_PROMPT_CHARS = 4096;

    private Prompts() {
    }

    static String requirePrompt(String field, String prompt) {
        if (prompt == null || prompt.isBlank()) {
            throw new InvalidRequestException(field, "a non-empty prompt", prompt);
        }
        if (prompt.length() > MAX_PROMPT_CHARS) {
            throw new InvalidRequestException(field, "at most " + MAX_PROMPT_CHARS + " characters", prompt);
        }
        return prompt.strip();
    }

    static BufferedImage requireImage(String field, BufferedImage image) {
        if (image == null) {
            throw new InvalidRequestException(field, "an image", null);
        }
        if (image.getWidth() < 1 || image.getHeight() < 1) {
            throw new InvalidRequestException(field, "an image of at least 1 x 1 pixels",
                    image.getWidth() + " x " + image.getHeight());
        }
        return image;
    }

    static SamplingOptions orDefaults(SamplingOptions options) {
        return options == null ? SamplingOptions.defaults() : options;
    }
}
