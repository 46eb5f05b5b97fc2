package org.unidiff.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.unidiff.api.engine.EngineHooks;
import org.unidiff.api.engine.SamplingStage;
import org.unidiff.sampling.noise.NoiseSource;
import org.unidiff.sampling.noise.RecordedNoiseSource;
import org.unidiff.sampling.plan.SampleLatents;

/**
 * Engine hooks that hand out the noise a reference recorded instead of seeded streams, and keep
 * each stage's final latents for comparison.
 *
 * <p>Stage k of the request gets {@code stages.get(k)}, one recording per output; the i-th input
 * image encoded gets {@code images.get(i)}. A request that asks for a stage, an output or an
 * image that was not recorded fails at once, as does one that draws more numbers than were
 * recorded ({@link RecordedNoiseSource}); {@link #unused()} reports numbers left over.
 */
final class ReplayedNoise implements EngineHooks {

    private final List<List<double[]>> stages;
    private final List<double[]> images;
    private final List<RecordedNoiseSource> handedOut = new ArrayList<>();
    private final Map<Integer, List<SampleLatents>> sampled = new LinkedHashMap<>();
    private int imagesUsed;
    private int stagesUsed;

    ReplayedNoise(List<List<double[]>> stages, List<double[]> images) {
        this.stages = List.copyOf(stages);
        this.images = List.copyOf(images);
    }

    @Override
    public List<NoiseSource> samplingNoise(SamplingStage stage, long stageSeed, int outputs) {
        if (stage.index() >= stages.size()) {
            throw new IllegalStateException("stage " + stage.index() + " ('" + stage.name() + "') asked for noise but "
                    + stages.size() + " stage(s) were recorded");
        }
        stagesUsed = Math.max(stagesUsed, stage.index() + 1);
        List<double[]> recorded = stages.get(stage.index());
        if (recorded.size() != outputs) {
            throw new IllegalStateException("stage " + stage.index() + " asked for " + outputs + " streams but "
                    + recorded.size() + " were recorded");
        }
        List<NoiseSource> out = new ArrayList<>(outputs);
        for (double[] values : recorded) {
            RecordedNoiseSource s = RecordedNoiseSource.of(values);
            handedOut.add(s);
            out.add(s);
        }
        return out;
    }

    @Override
    public NoiseSource imageEncodingNoise(long seed) {
        if (imagesUsed >= images.size()) {
            throw new IllegalStateException("input image " + imagesUsed + " asked for VAE noise but "
                    + images.size() + " were recorded");
        }
        RecordedNoiseSource s = RecordedNoiseSource.of(images.get(imagesUsed++));
        handedOut.add(s);
        return s;
    }

    @Override
    public void sampled(SamplingStage stage, List<SampleLatents> latents) {
        sampled.put(stage.index(), latents);
    }

    /** Final latents of stage {@code index}. */
    List<SampleLatents> latents(int index) {
        List<SampleLatents> l = sampled.get(index);
        if (l == null) {
            throw new IllegalStateException("stage " + index + " produced no latents; stages seen: "
                    + sampled.keySet());
        }
        return l;
    }

    /** Human-readable list of recordings not used up (empty when every number was drawn). */
    List<String> unused() {
        List<String> out = new ArrayList<>();
        for (RecordedNoiseSource s : handedOut) {
            if (s.remaining() != 0) {
                out.add(s + ": " + s.remaining() + " of " + s.size() + " numbers left");
            }
        }
        if (stagesUsed != stages.size()) {
            out.add((stages.size() - stagesUsed) + " recorded stage(s) never asked for");
        }
        if (imagesUsed != images.size()) {
            out.add((images.size() - imagesUsed) + " recorded image noise stream(s) never asked for");
        }
        return out;
    }
}
