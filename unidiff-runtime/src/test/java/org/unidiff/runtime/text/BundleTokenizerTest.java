package org.unidiff.runtime.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unidiff.runtime.Fixtures;
import org.unidiff.runtime.manifest.TokenizerSpec;

/** Against the fixture's word-level vocabulary: [PAD]=0 [BOS]=1 [EOS]=2 [UNK]=3 a=4 red=5 blue=6 circle=7 square=8 small=9. */
class BundleTokenizerTest {

    private static BundleTokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        tokenizer = BundleTokenizer.load(Fixtures.tinyBundle().resolve("text_encoder/tokenizer.json"));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void wordsMapToTheirIdsWithLowercaseAndUnknown() {
        assertArrayEquals(new long[] {4, 5, 7}, tokenizer.ids("a red circle"));
        assertArrayEquals(new long[] {4, 6, 3, 8}, tokenizer.ids("A  Blue green square"));
    }

    @Test
    void unknownWordsAreReportedAsWrittenOnceEach() {
        assertEquals(java.util.List.of(), tokenizer.unknownWords("  A red circle a BLUE square "));
        assertEquals(java.util.List.of("cat", "green"), tokenizer.unknownWords("a cat  green cat square"));
        assertEquals(java.util.List.of("cat", "dog"), tokenizer.unknownWords("a cat, a (dog)! square."),
                "punctuation around a word is not part of it");
    }

    @Test
    void accentsAndEmojiThatTheNormalizerWouldDropAreUnknown() {
        // The fixture's normalizer may map "r\u00e9d" to unknown pieces or to nothing at all: reported either way.
        assertEquals(java.util.List.of("r\u00e9d", "\ud83d\udc31"), tokenizer.unknownWords("a r\u00e9d \ud83d\udc31 circle"));
    }

    @Test
    void djlUsageReportingIsOffUnlessTheUserChose() {
        String chosen = System.getenv(BundleTokenizer.OPT_OUT_TRACKING);
        assertEquals(chosen == null ? "true" : null, System.getProperty(BundleTokenizer.OPT_OUT_TRACKING));
    }

    @Test
    void fixedFramingAddsBosEosAndPads() {
        TokenizerSpec spec = new TokenizerSpec(6, 0L, 1L, 2L);
        assertArrayEquals(new long[] {1, 4, 5, 7, 2, 0}, tokenizer.encodeFixed("a red circle", spec));
        assertArrayEquals(new long[] {1, 2, 0, 0, 0, 0}, tokenizer.encodeFixed("", spec));
    }

    @Test
    void truncationKeepsTheEndMarker() {
        TokenizerSpec spec = new TokenizerSpec(4, 0L, 1L, 2L);
        assertArrayEquals(new long[] {1, 9, 4, 2}, tokenizer.encodeFixed("small a red circle", spec));
    }

    @Test
    void framingWithoutSpecialIdsAndAnotherPad() {
        TokenizerSpec spec = new TokenizerSpec(5, 2L, null, null);
        assertArrayEquals(new long[] {6, 8, 2, 2, 2}, tokenizer.encodeFixed("blue square", spec));
        assertArrayEquals(new long[] {4, 5, 6, 7, 8}, tokenizer.encodeFixed("a red blue circle square small", spec));
    }

    @Test
    void decodeDropsSpecialTokens() {
        assertEquals("a red circle", tokenizer.decode(new long[] {1, 4, 5, 7, 2, 0, 0}));
    }

    @Test
    void brokenTokenizerFileIsAnIoError(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, "{\"model\": {\"type\": \"NoSuchModel\"}}");
        IOException e = assertThrows(IOException.class, () -> BundleTokenizer.load(file));
        assertEquals(true, e.getMessage().contains(file.toString()), e.getMessage());
    }
}
