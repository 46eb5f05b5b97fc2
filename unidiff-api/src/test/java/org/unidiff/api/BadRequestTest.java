package org.unidiff.api;

import org.unidiff.api.core.InvalidRequestException;
import org.unidiff.api.core.RunControl;
import org.unidiff.api.core.SamplingOptions;
import org.unidiff.api.core.UnidiffException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every bad request is refused with a message naming the field, and the pipeline stays usable. */
class BadRequestTest {

    private static Unidiff unidiff;
    private static BufferedImage baseline;

    @BeforeAll
    static void open() {
        unidiff = TinyBundle.open();
        baseline = unidiff.textToImage(new TextToImageRequest("a red circle", TinyBundle.fast(1))).image();
    }

    @AfterAll
    static void close() {
        unidiff.close();
    }

    private static void refused(String field, String expectedFragment, Executable call) {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, call);
        assertEquals(field, e.field());
        assertTrue(e.getMessage().contains(expectedFragment), e.getMessage());
        // The pipeline is still usable and unchanged.
        BufferedImage again = unidiff.textToImage(new TextToImageRequest("a red circle", TinyBundle.fast(1))).image();
        assertTrue(TinyBundle.samePixels(baseline, again), "pipeline changed after refusing " + field);
    }

    @Test
    void nullRequestsAndRecipesAreRefusedByName() {
        refused("request", "a request for text-to-image", () -> unidiff.textToImage(null));
        refused("request", "a request for image-to-text", () -> unidiff.imageToText(null, RunControl.NONE));
        refused("request", "a request for in-context", () -> unidiff.inContext(null));
        refused("recipe", "a recipe", () -> unidiff.runAll(null, List.of(new TextToImageRequest("a", null))));
        refused("requests", "at least one request", () -> unidiff.runAll(Recipes.TEXT_TO_IMAGE, null));
    }

    @Test
    void everyRefusalIsAUnidiffException() {
        // One catch for all of the library's own errors.
        UnidiffException e = assertThrows(UnidiffException.class, () -> unidiff.textToImage(null));
        assertTrue(e instanceof InvalidRequestException, e.toString());
    }

    @Test
    void emptyAndBlankPrompts() {
        refused("prompt", "non-empty", () -> new TextToImageRequest("", null));
        refused("prompt", "non-empty", () -> new TextToImageRequest("   ", null));
        refused("prompt", "non-empty", () -> new TextVariationRequest(null, null));
    }

    @Test
    void overLongPromptNamesTheTokenLimit() {
        String longPrompt = "a large red circle on a black background ".repeat(4);
        refused("prompt", "at most 14 tokens", () -> unidiff.textToImage(new TextToImageRequest(longPrompt, null)));
    }

    @Test
    void stepsGuidanceOutputsAndSampler() {
        refused("steps", "from 1 to", () -> SamplingOptions.defaults().withSteps(0));
        refused("steps", "from 1 to", () -> SamplingOptions.defaults().withSteps(1_000_000));
        refused("guidanceScale", "from 0 to 50", () -> SamplingOptions.defaults().withGuidanceScale(Double.NaN));
        refused("guidanceScale", "from 0 to 50", () -> SamplingOptions.defaults().withGuidanceScale(-1));
        refused("guidanceScale", "from 0 to 50",
                () -> SamplingOptions.defaults().withGuidanceScale(Double.POSITIVE_INFINITY));
        refused("guidanceScale", "from 0 to 50", () -> SamplingOptions.defaults().withGuidanceScale(50.01));
        assertEquals(50.0, SamplingOptions.defaults().withGuidanceScale(50.0).guidanceScale());
        refused("outputs", "from 1 to", () -> SamplingOptions.defaults().withOutputs(0));
        refused("sampler", "dpm-solver", () -> unidiff.textToImage(new TextToImageRequest("a circle",
                SamplingOptions.defaults().withSampler("k-lms"))));
        refused("dataType", "takes no data_type", () -> unidiff.textToImage(new TextToImageRequest("a circle",
                SamplingOptions.defaults().withDataType(1))));
    }

    @Test
    void imagesThatAreNotImages() {
        refused("image", "an image", () -> new ImageToTextRequest(null, null));
        refused("image", "an image", () -> new ImageVariationRequest(null, null));
        refused("reference", "an image", () -> GroupSlot.reference(null, "a circle"));
    }

    @Test
    void groupsTooLargeOrWithoutGeneratedSlot() {
        BufferedImage ref = TinyBundle.gradient(64, 64);
        refused("slots", "at least one slot to generate",
                () -> GroupRequest.of(List.of(GroupSlot.reference(ref, "a"), GroupSlot.reference(ref, "b")), null));
        refused("slots", "at least one slot", () -> GroupRequest.of(List.of(), null));
        List<GroupSlot> five = List.of(GroupSlot.generate("a circle"), GroupSlot.generate("a circle"),
                GroupSlot.generate("a circle"), GroupSlot.generate("a circle"), GroupSlot.generate("a circle"));
        refused("slots", "at most 4 slots", () -> unidiff.group(GroupRequest.of(five, TinyBundle.fast(1))));
    }

    @Test
    void closedInstanceRefusesCalls() {
        Unidiff other = TinyBundle.open();
        other.close();
        other.close();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> other.textToImage(new TextToImageRequest("a circle", null)));
        assertTrue(e.getMessage().contains("closed"));
    }
}
