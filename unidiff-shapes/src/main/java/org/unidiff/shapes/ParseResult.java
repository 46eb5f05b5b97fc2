package org.unidiff.shapes;

import java.util.Objects;
import java.util.Optional;

/** The outcome of {@link CaptionParser#parse(String)}: the stated attributes, or why the text does not parse. */
public sealed interface ParseResult permits ParseResult.Parsed, ParseResult.Rejected {

    /** The stated attributes if the caption parsed, otherwise empty. */
    Optional<CaptionAttributes> attributes();

    /** Whether the caption is a sentence of the grammar. */
    default boolean parses() {
        return attributes().isPresent();
    }

    /**
     * A caption of the grammar.
     *
     * @param stated the attributes it states
     */
    record Parsed(CaptionAttributes stated) implements ParseResult {
        /** Checks the attributes are given. */
        public Parsed {
            Objects.requireNonNull(stated, "stated");
        }

        @Override
        public Optional<CaptionAttributes> attributes() {
            return Optional.of(stated);
        }
    }

    /**
     * Text that is not a caption of the grammar.
     *
     * @param text the text as given
     * @param reason what was wrong, naming the offending word and what the grammar expected there
     */
    record Rejected(String text, String reason) implements ParseResult {
        /** Checks the reason is given. */
        public Rejected {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public Optional<CaptionAttributes> attributes() {
            return Optional.empty();
        }
    }
}
