package org.unidiff.shapes;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads a caption of the shapes-world grammar back into the attributes it states:
 *
 * <pre>
 * caption    := "a" [size] [color] shape [position] [background]
 * position   := "at the top left" | "at the top" | ... | "in the center" | ... | "at the bottom right"
 * background := "on a" ("black" | "gray" | "white") "background"
 * </pre>
 *
 * <p>It scores generated captions, so it is strict: clause order, word spelling and the absence of extra words
 * or punctuation are all checked. It only forgives what a tokenizer round trip may change: letter case,
 * leading and trailing whitespace, and runs of whitespace between words.
 */
public final class CaptionParser {

    private static final List<List<String>> POSITION_WORDS = Arrays.stream(Position.values())
            .map(p -> List.of(p.phrase().split(" ")))
            .toList();

    private CaptionParser() {
    }

    /** Parses {@code text}; never throws for bad input, a {@link ParseResult.Rejected} says what was wrong. */
    public static ParseResult parse(String text) {
        if (text == null) {
            return new ParseResult.Rejected(null, "caption is null");
        }
        String trimmed = text.strip().toLowerCase(Locale.ROOT);
        if (trimmed.isEmpty()) {
            return new ParseResult.Rejected(text, "caption is empty");
        }
        String[] words = trimmed.split("\\s+");
        return new Cursor(text, words).caption();
    }

    /** The attributes {@code text} states, or empty if it is not a caption of the grammar. */
    public static Optional<CaptionAttributes> attributes(String text) {
        return parse(text).attributes();
    }

    /** Recursive-descent state over the words of one caption. */
    private static final class Cursor {
        private final String text;
        private final String[] words;
        private int index;

        Cursor(String text, String[] words) {
            this.text = text;
            this.words = words;
        }

        ParseResult caption() {
            if (!words[0].equals("a")) {
                return reject("expected the caption to start with 'a'");
            }
            index = 1;
            Optional<Size> size = Optional.empty();
            Optional<Color> color = Optional.empty();
            if (index < words.length && isSize(words[index])) {
                size = Optional.of(Size.fromWord(words[index++]));
            }
            if (index < words.length && isColor(words[index])) {
                color = Optional.of(Color.fromWord(words[index++]));
            }
            if (index >= words.length || !isShape(words[index])) {
                return reject("expected a shape (circle, square, triangle, diamond)"
                        + (size.isEmpty() && color.isEmpty() ? ", size or colour" : ""));
            }
            Shape shape = Shape.fromWord(words[index++]);
            Optional<Position> position = position();
            Optional<Background> background = Optional.empty();
            if (index < words.length) {
                if (index + 4 <= words.length && words[index].equals("on") && words[index + 1].equals("a")
                        && isBackground(words[index + 2]) && words[index + 3].equals("background")) {
                    background = Optional.of(Background.fromWord(words[index + 2]));
                    index += 4;
                } else {
                    return reject(position.isEmpty()
                            ? "expected a position phrase, 'on a {black|gray|white} background' or the end"
                            : "expected 'on a {black|gray|white} background' or the end");
                }
            }
            if (index < words.length) {
                return reject("expected the end of the caption");
            }
            return new ParseResult.Parsed(new CaptionAttributes(size, color, shape, position, background));
        }

        private Optional<Position> position() {
            // Longest phrase first so "at the top left" is not read as "at the top" plus a stray word.
            Position best = null;
            int bestLength = 0;
            for (Position candidate : Position.values()) {
                List<String> phrase = POSITION_WORDS.get(candidate.ordinal());
                if (phrase.size() > bestLength && matchesAt(phrase)) {
                    best = candidate;
                    bestLength = phrase.size();
                }
            }
            if (best == null) {
                return Optional.empty();
            }
            index += bestLength;
            return Optional.of(best);
        }

        private boolean matchesAt(List<String> phrase) {
            if (index + phrase.size() > words.length) {
                return false;
            }
            for (int i = 0; i < phrase.size(); i++) {
                if (!words[index + i].equals(phrase.get(i))) {
                    return false;
                }
            }
            return true;
        }

        private ParseResult reject(String expectation) {
            String found = index < words.length ? "'" + words[index] + "'" : "the end";
            return new ParseResult.Rejected(text, expectation + " at word " + (index + 1) + ", found " + found
                    + " in \"" + text + "\"");
        }
    }

    private static boolean isSize(String word) {
        return Arrays.stream(Size.values()).anyMatch(v -> v.word().equals(word));
    }

    private static boolean isColor(String word) {
        return Arrays.stream(Color.values()).anyMatch(v -> v.word().equals(word));
    }

    private static boolean isShape(String word) {
        return Arrays.stream(Shape.values()).anyMatch(v -> v.word().equals(word));
    }

    private static boolean isBackground(String word) {
        return Arrays.stream(Background.values()).anyMatch(v -> v.word().equals(word));
    }
}
