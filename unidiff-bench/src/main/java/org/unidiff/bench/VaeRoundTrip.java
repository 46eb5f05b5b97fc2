package org.unidiff.bench;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.unidiff.runtime.Bundle;
import org.unidiff.runtime.ComponentKind;
import org.unidiff.runtime.ort.ExecutionConfig;
import org.unidiff.shapes.Analyzer;
import org.unidiff.shapes.CaptionAttributes;
import org.unidiff.shapes.Renderer;
import org.unidiff.shapes.Scene;

/**
 * The ceiling the VAE puts on every image task: clean renders encoded to their latent means and decoded again,
 * scored like text-to-image images of their own full captions. No diffusion is involved, so what the analyzer
 * misses here no sampler or transformer can get right.
 */
final class VaeRoundTrip {

    /** Scenes encoded per encoder call. */
    private static final int CHUNK = 16;

    private VaeRoundTrip() {
    }

    /** Opens a bundle with only its VAE encoder and decoder (every file is still checked). */
    static Bundle open(Path directory, ExecutionConfig execution) {
        return Bundle.load(directory, execution, EnumSet.of(ComponentKind.VAE_ENCODER, ComponentKind.VAE_DECODER));
    }

    /**
     * Scores the round trip of each scene's clean render through the bundle's VAE.
     *
     * @param bundle a bundle with its VAE encoder and decoder open
     */
    static PromptAccuracy score(Bundle bundle, List<Scene> scenes) {
        PromptAccuracy accuracy = new PromptAccuracy();
        for (int start = 0; start < scenes.size(); start += CHUNK) {
            List<Scene> chunk = scenes.subList(start, Math.min(scenes.size(), start + CHUNK));
            BufferedImage[] renders = chunk.stream().map(Renderer::renderImage).toArray(BufferedImage[]::new);
            float[] latents = bundle.vaeEncoder().encodeMean(renders);
            BufferedImage[] decoded = bundle.vaeDecoder().decodeImages(latents, renders.length);
            for (int i = 0; i < chunk.size(); i++) {
                accuracy.add(CaptionAttributes.full(chunk.get(i)), Analyzer.analyze(decoded[i]));
            }
        }
        return accuracy;
    }
}
