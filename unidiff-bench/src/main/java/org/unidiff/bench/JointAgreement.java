package org.unidiff.bench;

import java.util.Optional;
import org.unidiff.shapes.Analysis;
import org.unidiff.shapes.CaptionAttributes;
import org.unidiff.shapes.CaptionParser;

/** Joint generation: how often the caption parses and everything it states is what the image shows. */
public final class JointAgreement {

    private final Rate agrees = new Rate();
    private final Rate captionParses = new Rate();
    private final Rate imageValid = new Rate();

    /** Counts one generated pair. */
    public void add(String caption, Analysis image) {
        Optional<CaptionAttributes> stated = CaptionParser.attributes(caption);
        captionParses.add(stated.isPresent());
        imageValid.add(image.isValid());
        agrees.add(stated.isPresent() && image.isValid() && stated.get().agreesWith(image.attributes().get()));
    }

    /** Pairs whose caption parses and agrees with the image. */
    public Rate agrees() {
        return agrees;
    }

    /** Pairs whose caption parses. */
    public Rate captionParses() {
        return captionParses;
    }

    /** Pairs whose image shows a single object. */
    public Rate imageValid() {
        return imageValid;
    }
}
