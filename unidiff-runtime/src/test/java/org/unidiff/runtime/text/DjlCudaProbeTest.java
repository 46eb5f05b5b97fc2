package org.unidiff.runtime.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.unidiff.runtime.Fixtures;

/**
 * Loading a tokenizer leaves DJL's CUDA probe quiet: asking it for the GPU count (what DJL's
 * loader does) prints nothing, where it warned twice on every machine without a CUDA driver.
 */
class DjlCudaProbeTest {

    @Test
    void theGpuProbeWritesNothingOnceATokenizerIsLoaded() throws IOException {
        try (BundleTokenizer t = BundleTokenizer.load(Fixtures.tinyBundle().resolve("text_encoder/tokenizer.json"))) {
            assertEquals(Boolean.FALSE, DjlCudaProbe.logging(), "the probe's logging flag is off");
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            PrintStream old = System.err;
            // slf4j-simple (this module's test binding, INFO and up) writes each line to System.err as it is then.
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            try {
                ai.djl.util.cuda.CudaUtils.getGpuCount();
            } finally {
                System.setErr(old);
            }
            assertFalse(err.toString(StandardCharsets.UTF_8).contains("GPU"), err.toString(StandardCharsets.UTF_8));
        }
    }
}
