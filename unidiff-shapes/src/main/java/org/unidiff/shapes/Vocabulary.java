package org.unidiff.shapes;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Every word of the caption grammar, in a fixed order (the order of first appearance when the grammar is read
 * left to right: article, sizes, colours, shapes, position words, background words). The Python training
 * recipe builds its word-level tokenizer from this list, so the order is part of the dataset format.
 */
public final class Vocabulary {

    private static final List<String> WORDS = buildWords();

    private Vocabulary() {
    }

    /** All words, without special tokens, in the fixed order. */
    public static List<String> words() {
        return WORDS;
    }

    /** Whether {@code word} (exact, lower case) is a word of the grammar. */
    public static boolean contains(String word) {
        return WORDS.contains(word);
    }

    /**
     * Splits a caption into lower-case words; throws if any word is outside the vocabulary, naming it.
     */
    public static List<String> tokenize(String caption) {
        String trimmed = caption.strip().toLowerCase(Locale.ROOT);
        List<String> words = trimmed.isEmpty() ? List.of() : List.of(trimmed.split("\\s+"));
        for (String word : words) {
            if (!contains(word)) {
                throw new IllegalArgumentException("word '" + word + "' of \"" + caption
                        + "\" is not in the shapes-world vocabulary " + WORDS);
            }
        }
        return words;
    }

    private static List<String> buildWords() {
        Set<String> words = new LinkedHashSet<>();
        words.add("a");
        for (Size size : Size.values()) {
            words.add(size.word());
        }
        for (Color color : Color.values()) {
            words.add(color.word());
        }
        for (Shape shape : Shape.values()) {
            words.add(shape.word());
        }
        for (Position position : Position.values()) {
            words.addAll(List.of(position.phrase().split(" ")));
        }
        words.add("on");
        words.add("a");
        for (Background background : Background.values()) {
            words.add(background.word());
        }
        words.add("background");
        return List.copyOf(new ArrayList<>(words));
    }
}
