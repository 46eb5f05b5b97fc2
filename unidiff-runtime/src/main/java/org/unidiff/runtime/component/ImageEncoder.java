package org.unidiff.runtime.component;

import ai.onnxruntime.OrtException;
import java.awt.image.BufferedImage;
import org.unidiff.runtime.image.ImageTensors;
import org.unidiff.runtime.image.ResampleFilter;
import org.unidiff.runtime.manifest.BundleManifest;
import org.unidiff.runtime.manifest.ClipPreprocessSpec;
import org.unidiff.runtime.ort.ModelSession;

/** Images to CLIP-style embeddings, with the manifest's preprocessing. */
public final class ImageEncoder {

    private final ComponentSession session;
    private final BundleManifest manifest;

    /** Wraps a checked {@code image_encoder} session. */
    public ImageEncoder(ModelSession session, BundleManifest manifest) {
        this.session = new ComponentSession(session);
        this.manifest = manifest;
    }

    /**
     * Embeds already-normalized pixels.
     *
     * @param pixelValues [B, 3, S, S] normalized as the manifest says
     * @param batch       B
     * @return embeddings [B, Dc]
     */
    public synchronized float[] embed(float[] pixelValues, int batch) {
        int s = manifest.clipImage().preprocess().size();
        ComponentSession.checkBatch("image_encoder pixel_values", pixelValues, batch, 3 * s * s);
        try (ComponentSession.Feed feed = session.feed()) {
            feed.floats("pixel_values", pixelValues, new long[] {batch, 3, s, s});
            return session.runFloats(feed, "image_embeds", new long[] {batch, manifest.clipImage().dim()});
        } catch (OrtException e) {
            throw ComponentSession.failure(session.session(), e);
        }
    }

    /** Prepares images with {@link #preprocess} and embeds them, [B, Dc]. */
    public float[] embed(BufferedImage... images) {
        int n = 3 * manifest.clipImage().preprocess().size() * manifest.clipImage().preprocess().size();
        float[] pixels = new float[images.length * n];
        for (int i = 0; i < images.length; i++) {
            System.arraycopy(preprocess(images[i]), 0, pixels, i * n, n);
        }
        return embed(pixels, images.length);
    }

    /** The manifest's preprocessing of one image: [3, S, S]. */
    public float[] preprocess(BufferedImage image) {
        ClipPreprocessSpec p = manifest.clipImage().preprocess();
        return ImageTensors.clipInput(image, p.size(), ResampleFilter.fromManifestName(p.resample()), p.mean(), p.std());
    }
}
