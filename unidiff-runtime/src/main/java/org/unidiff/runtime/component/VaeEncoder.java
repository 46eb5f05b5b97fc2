package org.unidiff.runtime.component;

import ai.onnxruntime.OrtException;
import java.awt.image.BufferedImage;
import org.unidiff.runtime.image.ImageTensors;
import org.unidiff.runtime.manifest.BundleManifest;
import org.unidiff.runtime.ort.ModelSession;
import org.unidiff.sampling.noise.NoiseSource;

/**
 * Images in [-1, 1] to latents in the diffusion model's scale: {@code scaling_factor * mean}, or
 * the reference's sample {@code scaling_factor * (mean + exp(0.5 * clamp(logvar, -30, 20)) * n)}.
 */
public final class VaeEncoder {

    /** Log-variance clamp of the KL VAE. */
    public static final double LOGVAR_MIN = -30.0;
    /** Log-variance clamp of the KL VAE. */
    public static final double LOGVAR_MAX = 20.0;

    private final ComponentSession session;
    private final BundleManifest manifest;

    /** Wraps a checked {@code vae_encoder} session. */
    public VaeEncoder(ModelSession session, BundleManifest manifest) {
        this.session = new ComponentSession(session);
        this.manifest = manifest;
    }

    /**
     * The encoder's raw output.
     *
     * @param images [B, 3, H, W] in [-1, 1]
     * @param batch  B
     * @return moments [B, 2C, h, w]: C mean channels, then C log-variance channels
     */
    public synchronized float[] moments(float[] images, int batch) {
        int height = manifest.image().height();
        int width = manifest.image().width();
        ComponentSession.checkBatch("vae_encoder images", images, batch, 3 * height * width);
        try (ComponentSession.Feed feed = session.feed()) {
            feed.floats("image", images, new long[] {batch, 3, height, width});
            return session.runFloats(feed, "moments", new long[] {batch, 2L * manifest.latent().channels(),
                    manifest.latent().height(), manifest.latent().width()});
        } catch (OrtException e) {
            throw ComponentSession.failure(session.session(), e);
        }
    }

    /** {@code scaling_factor * mean}, [B, C, h, w]. */
    public float[] encodeMean(float[] images, int batch) {
        return latents(moments(images, batch), batch, null);
    }

    /**
     * The reference's sampled latent, [B, C, h, w]. Noise is drawn from {@code noise} in latent
     * order: image by image, then channel, row, column.
     */
    public float[] encodeSample(float[] images, int batch, NoiseSource noise) {
        return latents(moments(images, batch), batch, noise);
    }

    /** Prepares images with {@link ImageTensors#vaeInput} and encodes their means. */
    public float[] encodeMean(BufferedImage... images) {
        return encodeMean(pixels(images), images.length);
    }

    /** Prepares images with {@link ImageTensors#vaeInput} and samples their latents. */
    public float[] encodeSample(NoiseSource noise, BufferedImage... images) {
        return encodeSample(pixels(images), images.length, noise);
    }

    private float[] pixels(BufferedImage[] images) {
        int height = manifest.image().height();
        int width = manifest.image().width();
        int n = 3 * height * width;
        float[] out = new float[images.length * n];
        for (int i = 0; i < images.length; i++) {
            System.arraycopy(ImageTensors.vaeInput(images[i], width, height), 0, out, i * n, n);
        }
        return out;
    }

    private float[] latents(float[] moments, int batch, NoiseSource noise) {
        int size = manifest.latent().size();
        double scale = manifest.latent().scalingFactor();
        float[] out = new float[batch * size];
        double[] n = noise == null ? null : new double[size];
        for (int b = 0; b < batch; b++) {
            int meanBase = b * 2 * size;
            int logvarBase = meanBase + size;
            if (noise != null) {
                noise.fill(n, 0, size);
            }
            for (int i = 0; i < size; i++) {
                double v = moments[meanBase + i];
                if (noise != null) {
                    double logvar = Math.min(LOGVAR_MAX, Math.max(LOGVAR_MIN, moments[logvarBase + i]));
                    v += Math.exp(0.5 * logvar) * n[i];
                }
                out[b * size + i] = (float) (scale * v);
            }
        }
        return out;
    }
}
