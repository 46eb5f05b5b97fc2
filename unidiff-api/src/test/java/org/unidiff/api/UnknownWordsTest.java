package org.unidiff.api;

import org.unidiff.api.core.DefaultBundle;
import org.unidiff.api.core.SamplingOptions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Words the default model does not know reach the result's parameters and its warning. */
class UnknownWordsTest {

    @Test
    void resultsNameTheWordsTheModelDoesNotKnow() {
        assumeTrue(DefaultBundle.available(), "default bundle not found");
        try (Unidiff u = Unidiff.openDefault()) {
            SamplingOptions fast = SamplingOptions.defaults().withSteps(2);
            ImageResult known = u.textToImage(new TextToImageRequest("a large red circle on a black background", fast));
            assertEquals(List.of(), known.parameters().unknownWords());
            assertTrue(known.parameters().warning().isEmpty());

            ImageResult cat = u.textToImage(new TextToImageRequest("a red cat on a black background", fast));
            assertEquals(List.of("cat"), cat.parameters().unknownWords());
            assertTrue(cat.parameters().warning().orElseThrow().contains("'cat'"));
            assertEquals("cat", cat.parameters().asText().get("unknown_words"));

            GroupResult group = u.group(GroupRequest.of(List.of(GroupSlot.generate("a zebra"),
                    GroupSlot.generate("a circle")), fast));
            assertEquals(List.of("zebra"), group.parameters().unknownWords());
        }
    }
}
