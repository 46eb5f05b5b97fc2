package org.unidiff.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.unidiff.api.Unidiff;
import org.unidiff.api.core.UnidiffOptions;
import org.unidiff.runtime.ort.ExecutionConfig;

/**
 * The whole quality run on the API's random tiny bundle with a few samples: every metric reports on exactly the
 * number of items asked for, however they are split into requests. (A random model scores near zero; the
 * scoring itself is tested on known images in {@link ScoringTest}.)
 */
class QualityRunnerTest {

    static final Path TINY = Path.of("..", "unidiff-api", "src", "test", "resources", "random-tiny-bundle");

    private static Unidiff unidiff;

    @BeforeAll
    static void open() {
        unidiff = Unidiff.open(UnidiffOptions.defaults().withBundle(TINY));
    }

    @AfterAll
    static void close() {
        unidiff.close();
    }

    @Test
    void everyMetricCountsTheItemsAskedFor() {
        QualitySettings settings = new QualitySettings(3, 2, null, 5, 7, 3, 2, List.of(0.0, 7.0));
        List<MetricRow> rows = new QualityRunner(unidiff, settings, () -> VaeRoundTrip.open(TINY, ExecutionConfig.cpu()))
                .run(EnumSet.allOf(QualityMetric.class));
        Map<String, MetricRow> byName = rows.stream().collect(Collectors.toMap(r -> r.task() + ": " + r.metric(),
                Function.identity(), (a, b) -> a));
        assertEquals(5, byName.get("text->image: all stated attributes").count());
        assertEquals(5, byName.get("text->image held-out: all stated attributes").count());
        assertEquals(5, byName.get("captioning: parses").count());
        assertEquals(5, byName.get("captioning held-out: parses, all stated attributes right").count());
        assertEquals(5, byName.get("joint: caption parses and agrees with image").count());
        assertEquals(5, byName.get("joint via text: caption parses and agrees with image").count());
        assertEquals(7, byName.get("image only: valid (one object)").count());
        assertEquals(7, byName.get("image only via text: valid (one object)").count());
        assertEquals(7, byName.get("image only: distinct scenes").count());
        assertEquals(Verdict.NONE, byName.get("image only: distinct scenes").verdict(), "target stated for 300");
        assertEquals(5, byName.get("text only: captions that parse").count());
        assertEquals(5, byName.get("image variation: keeps all five").count());
        assertEquals(3, byName.get("grouped: all images share unstated color").count());
        assertTrue(byName.get("grouped with reference: unstated style equals the reference's").count() >= 3,
                "at least one generated image per group");
        assertEquals(5, byName.get("guidance: all attributes at scale 7 (default)").count());
        assertEquals(byName.get("text->image: all stated attributes").value(),
                byName.get("guidance: all attributes at scale 7 (default)").value(), "the default scale is reused");
        assertEquals(5, byName.get("VAE round trip: all stated attributes").count(), "one render per scene");
        assertEquals(5, byName.get("VAE round trip: shape accuracy").count());
        assertEquals(5, byName.get("inversion: regeneration keeps all five").count(), "one render per item");
        assertEquals(5, byName.get("inversion:   latent error at 10 steps, 0 refinements").count());
        assertEquals(4, byName.get("interpolation: first and last frames match their inputs").count(),
                "2 pairs (half the samples), 2 endpoints each");
        assertEquals(2 * (InterpolationBench.FRAMES - 2), byName.get("interpolation: middle frames show one object")
                .count());
        List<MetricRow> withoutVae = new QualityRunner(unidiff, settings).run(EnumSet.of(QualityMetric.VAE));
        assertEquals(0, withoutVae.get(withoutVae.size() - 1).count(), "no VAE bundle: nothing counted");
        for (MetricRow r : rows) {
            assertTrue(r.verdict() != Verdict.PASS || r.value() >= 0, r.toString());
        }
    }

    @Test
    void guidanceOptionReachesEveryMetricButTheSweep() {
        QualitySettings at0 = new QualitySettings(3, 2, null, 4, 4, 2, 2, List.of(0.0, 7.0), 0.0);
        Map<String, Double> values = new QualityRunner(unidiff, at0).run(EnumSet.of(QualityMetric.T2I,
                QualityMetric.GUIDANCE)).stream().collect(Collectors.toMap(r -> r.task() + ": " + r.metric(),
                MetricRow::value, (a, b) -> a));
        assertEquals(values.get("guidance: all attributes at scale 0"), values.get("text->image: all stated attributes"),
                "text->image at --guidance 0 is the sweep's scale-0 row");
        assertTrue(values.containsKey("guidance: all attributes at scale 7 (default)"), "the sweep keeps its scales");
        assertThrows(IllegalArgumentException.class,
                () -> new QualitySettings(3, 2, null, 4, 4, 2, 2, List.of(0.0, 7.0), -1.0));
    }
}
