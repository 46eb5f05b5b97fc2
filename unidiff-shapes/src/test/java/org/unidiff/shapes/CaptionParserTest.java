package org.unidiff.shapes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CaptionParserTest {

    @Test
    void readsBackEveryCaptionTheGrammarCanProduce() {
        Map<String, CaptionAttributes> captions = new HashMap<>();
        for (Scene scene : Scene.allCentered()) {
            for (CaptionAttributes stated : Captions.allFor(scene)) {
                CaptionAttributes previous = captions.put(stated.text(), stated);
                if (previous != null) {
                    assertEquals(previous, stated, "one text, two meanings: " + stated.text());
                }
            }
        }
        // Sizes 2+1, colours 6+1, shapes 4, positions 9+1, backgrounds 3+1 (each optional clause may be absent).
        assertEquals(3 * 7 * 4 * 10 * 4, captions.size());
        for (Map.Entry<String, CaptionAttributes> entry : captions.entrySet()) {
            ParseResult result = CaptionParser.parse(entry.getKey());
            assertEquals(Optional.of(entry.getValue()), result.attributes(), entry.getKey());
        }
    }

    @Test
    void fullCaptionMatchesTheSpecExample() {
        Scene scene = Scene.centered(Background.BLACK, Color.RED, Shape.CIRCLE, Size.LARGE, Position.TOP_LEFT);
        assertEquals("a large red circle at the top left on a black background", Captions.full(scene));
        CaptionAttributes stated = CaptionParser.attributes("a circle at the top").orElseThrow();
        assertEquals(Optional.of(Position.TOP), stated.position());
        assertTrue(stated.color().isEmpty() && stated.size().isEmpty() && stated.background().isEmpty());
        assertEquals(2, stated.statedCount());
        assertFalse(stated.agreesWith(scene), "the scene is at the top left, not the top");
        assertTrue(stated.agreesWith(Scene.centered(Background.WHITE, Color.BLUE, Shape.CIRCLE, Size.SMALL, Position.TOP)));
    }

    @Test
    void forgivesCaseAndWhitespaceOnly() {
        CaptionAttributes stated = CaptionParser.attributes(
                "  A Large RED circle \t AT the top LEFT on a Black background \n").orElseThrow();
        assertEquals(CaptionAttributes.full(
                Scene.centered(Background.BLACK, Color.RED, Shape.CIRCLE, Size.LARGE, Position.TOP_LEFT)), stated);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "   ", "a", "circle", "large red circle", "the red circle", "an orange circle",
        "a red large circle", "a circle red", "a circle circle", "a red", "a large",
        "a circle at the top left left", "a circle at top", "a circle in the centre", "a circle at the middle",
        "a circle on a background", "a circle on a pink background", "a red circle on a black",
        "a circle on a black background at the top", "a circle.", "a red circle, at the top",
        "a circle on a black background background", "a small large circle", "a red blue circle",
        "a circle on the top", "a circle at the left", "a circle on a gray background on a gray background"
    })
    void rejectsTextOutsideTheGrammar(String text) {
        ParseResult result = CaptionParser.parse(text);
        assertInstanceOf(ParseResult.Rejected.class, result, "should not parse: '" + text + "'");
        assertFalse(result.parses());
        String reason = ((ParseResult.Rejected) result).reason();
        assertTrue(reason.startsWith("caption is empty") || reason.contains("expected"), reason);
    }

    @Test
    void rejectionNamesTheOffendingWord() {
        ParseResult.Rejected rejected = (ParseResult.Rejected) CaptionParser.parse("a red large circle");
        assertTrue(rejected.reason().contains("word 3") && rejected.reason().contains("'large'"), rejected.reason());
        assertInstanceOf(ParseResult.Rejected.class, CaptionParser.parse(null));
    }

    @Test
    void vocabularyHoldsExactlyTheWordsOfTheGrammarInAFixedOrder() {
        Set<String> used = new HashSet<>();
        for (Scene scene : Scene.allCentered()) {
            for (CaptionAttributes stated : Captions.allFor(scene)) {
                used.addAll(Vocabulary.tokenize(stated.text()));
            }
        }
        assertEquals(used, new HashSet<>(Vocabulary.words()));
        assertEquals(26, Vocabulary.words().size());
        assertEquals(List.of("a", "small", "large", "red"), Vocabulary.words().subList(0, 4));
        assertEquals("background", Vocabulary.words().get(25));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Vocabulary.tokenize("a pink circle"));
        assertTrue(e.getMessage().contains("'pink'"), e.getMessage());
    }
}
