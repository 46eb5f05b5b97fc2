package org.unidiff.runtime.component;

import ai.onnxruntime.OrtException;
import java.awt.image.BufferedImage;
import org.unidiff.runtime.image.ImageTensors;
import org.unidiff.runtime.manifest.BundleManifest;
import org.unidiff.runtime.ort.ModelSession;

/** Latents (in the diffusion model's scale) to images in [-1, 1]. */
public final class VaeDecoder {

    private final ComponentSession session;
    private final BundleManifest manifest;

    /** Wraps a checked {@code vae_decoder} session. */
    public VaeDecoder(ModelSession session, BundleManifest manifest) {
        this.session = new ComponentSession(session);
        this.manifest = manifest;
    }

    /**
     * Decodes latents.
     *
     * @param latents [B, C, h, w] as the diffusion model produces them (scaled by scaling_factor)
     * @param batch   B
     * @return images [B, 3, H, W], nominally in [-1, 1] (not clamped)
     */
    public synchronized float[] decode(float[] latents, int batch) {
        int c = manifest.latent().channels();
        int h = manifest.latent().height();
        int w = manifest.latent().width();
        ComponentSession.checkBatch("vae_decoder latents", latents, batch, c * h * w);
        // The decoder takes the VAE's own latent scale, so undo the scaling before the call.
        float inv = (float) (1.0 / manifest.latent().scalingFactor());
        float[] unscaled = new float[latents.length];
        for (int i = 0; i < latents.length; i++) {
            unscaled[i] = latents[i] * inv;
        }
        try (ComponentSession.Feed feed = session.feed()) {
            feed.floats("latent", unscaled, new long[] {batch, c, h, w});
            return session.runFloats(feed, "image",
                    new long[] {batch, 3, manifest.image().height(), manifest.image().width()});
        } catch (OrtException e) {
            throw ComponentSession.failure(session.session(), e);
        }
    }

    /** Decodes latents to 8-bit RGB images. */
    public BufferedImage[] decodeImages(float[] latents, int batch) {
        float[] pixels = decode(latents, batch);
        int height = manifest.image().height();
        int width = manifest.image().width();
        BufferedImage[] out = new BufferedImage[batch];
        for (int b = 0; b < batch; b++) {
            out[b] = ImageTensors.fromSigned(pixels, b * 3 * height * width, width, height);
        }
        return out;
    }
}
