package org.unidiff.api;

import org.unidiff.api.core.GenerationParameters;

import java.awt.image.BufferedImage;
import java.util.Optional;

/**
 * An image's noise and caption latent: text-to-image from {@code noise} conditioned on
 * {@code textLatent}, with the same steps, sampler and guidance, draws the image again.
 *
 * @param noise        the image latent at the noisy end of the grid (C*h*w, row-major)
 * @param clipNoise    the CLIP token at the noisy end (Dc): the solved state holds it too
 * @param textLatent   the caption latent the inversion was conditioned on (L*Dt, row-major)
 * @param imageLatent  the encoded input latent (VAE mean) the inversion started from (C*h*w)
 * @param regenerated  the image drawn back from the noise, when the request asked for it
 * @param latentError  relative RMS error of the regenerated latent against {@code imageLatent}
 *                     ({@code ||regen - start|| / ||start||}); NaN when not regenerated
 * @param parameters   what made it
 */
public record InversionResult(double[] noise, double[] clipNoise, double[] textLatent, double[] imageLatent,
                              Optional<BufferedImage> regenerated, double latentError,
                              GenerationParameters parameters) {

    /** Copies the arrays. */
    public InversionResult {
        noise = noise.clone();
        clipNoise = clipNoise.clone();
        textLatent = textLatent.clone();
        imageLatent = imageLatent.clone();
    }

    @Override
    public double[] noise() {
        return noise.clone();
    }

    @Override
    public double[] clipNoise() {
        return clipNoise.clone();
    }

    @Override
    public double[] textLatent() {
        return textLatent.clone();
    }

    @Override
    public double[] imageLatent() {
        return imageLatent.clone();
    }
}
