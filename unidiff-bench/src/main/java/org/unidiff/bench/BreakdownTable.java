package org.unidiff.bench;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unidiff.api.ImageToTextRequest;
import org.unidiff.api.TextToImageRequest;
import org.unidiff.api.Unidiff;
import org.unidiff.api.core.SamplingOptions;
import org.unidiff.api.core.UnidiffOptions;
import org.unidiff.shapes.Renderer;

/** The speed benchmark's breakdown table: milliseconds per stage of one call, and what the API adds. */
final class BreakdownTable {

    private static final Logger LOG = LoggerFactory.getLogger(BreakdownTable.class);

    private BreakdownTable() {
    }

    /**
     * Where the Java time of text to image and captioning goes, stage by stage, timed through the
     * engine's hooks beside the plain API call and the solver alone.
     */
    static ResultTable of(Unidiff unidiff, UnidiffOptions options, String samplerName, int resolvedSteps,
                          int warmup, int repeats, long seed) {
        ResultTable table = new ResultTable("Where the Java time goes (ms per call, median)",
                List.of("task", "stage", "median ms", "share"));
        ProfilingHooks hooks = new ProfilingHooks();
        try (Unidiff profiled = Unidiff.open(options, hooks)) {
            boolean same = true;
            for (SpeedTask task : List.of(SpeedTask.T2I_1, SpeedTask.CAPTION)) {
                LOG.info("breakdown: {}", task.id());
                boolean captioning = task == SpeedTask.CAPTION;
                Map<BreakdownStage, Timings> stages = new EnumMap<>(BreakdownStage.class);
                Timings total = new Timings();
                Timings api = new Timings();
                Timings samplerOnly = new Timings();
                for (int i = 0; i < warmup + repeats; i++) {
                    long s = seed + i;
                    // The plain API call, the same call on the engine with clocks in its hooks, and the solver
                    // alone, side by side, so that a slower or busier moment of the machine hits all three alike.
                    SamplingOptions one = new SamplingOptions(s, resolvedSteps, samplerName, null, 1, null);
                    long a0 = System.nanoTime();
                    Object apiOut = call(unidiff, captioning, one);
                    long a1 = System.nanoTime();
                    hooks.reset();
                    Object profiledOut = call(profiled, captioning, one);
                    Map<BreakdownStage, Long> run = hooks.nanos();
                    hooks.reset();
                    hooks.zeroTransformer(true);
                    call(profiled, captioning, one);
                    long samplerAlone = hooks.samplingNanos();
                    hooks.zeroTransformer(false);
                    same &= captioning ? profiledOut.equals(apiOut)
                            : Arrays.equals(Renderer.toBytes((BufferedImage) profiledOut),
                                    Renderer.toBytes((BufferedImage) apiOut));
                    if (i < warmup) {
                        continue;
                    }
                    long sum = 0;
                    for (Map.Entry<BreakdownStage, Long> e : run.entrySet()) {
                        stages.computeIfAbsent(e.getKey(), k -> new Timings()).add(e.getValue());
                        sum += e.getValue();
                    }
                    total.add(sum);
                    api.add(a1 - a0);
                    samplerOnly.add(samplerAlone);
                }
                double totalMs = total.medianMillis();
                for (Map.Entry<BreakdownStage, Timings> e : stages.entrySet()) {
                    double ms = e.getValue().medianMillis();
                    table.addRow(List.of(task.label(), e.getKey().label(), millis(ms),
                            String.format(Locale.ROOT, "%.1f%%", 100 * ms / totalMs)));
                }
                table.addRow(List.of(task.label(), "total of the stages", millis(totalMs), "100%"));
                table.addRow(List.of(task.label(), "the API call, timed beside it", millis(api.medianMillis()),
                        String.format(Locale.ROOT, "%.1f%%", 100 * api.medianMillis() / totalMs)));
                table.addRow(List.of(task.label(), "sampler alone (transformer predicting zeros)",
                        millis(samplerOnly.medianMillis()), ""));
            }
            table.addNote("timed through the engine's hooks (the engine itself, no copy of it); every profiled call "
                    + (same ? "reproduced" : "DID NOT reproduce") + " the API's image or caption for the same seed "
                    + "(a plain instance beside it); shares are of the median total, so they need not add up to 100%");
        }
        return table;
    }

    private static Object call(Unidiff u, boolean captioning, SamplingOptions one) {
        return captioning ? u.imageToText(new ImageToTextRequest(SpeedTask.captionInput(), one)).text()
                : u.textToImage(new TextToImageRequest(SpeedTask.PROMPT, one)).image();
    }

    private static String millis(double ms) {
        return Double.isNaN(ms) ? "-" : String.format(Locale.ROOT, "%.1f", ms);
    }
}
