package org.unidiff.api.tasks;

import java.awt.image.BufferedImage;

/**
 * How an image field's text becomes an image: base64 PNG in an HTTP body, a file path in a Spark
 * table or on the command line. The decoder enforces the pixel bound before it decodes.
 */
@FunctionalInterface
public interface ImageDecoder {

    /**
     * @param field     the field's full name, for errors ({@code examples[2].input})
     * @param text      the field's value
     * @param maxPixels most pixels the image may have
     * @throws org.unidiff.api.core.InvalidRequestException (or the front end's own refusal) naming the field
     */
    BufferedImage decode(String field, String text, long maxPixels);
}
