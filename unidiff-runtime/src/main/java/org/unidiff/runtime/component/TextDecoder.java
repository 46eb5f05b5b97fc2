package org.unidiff.runtime.component;

import ai.onnxruntime.OrtException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.unidiff.runtime.manifest.BundleManifest;
import org.unidiff.runtime.manifest.CaptionSpec;
import org.unidiff.runtime.ort.ModelSession;
import org.unidiff.runtime.text.BundleTokenizer;
import org.unidiff.runtime.text.CaptionSearch;
import org.unidiff.runtime.text.Hypothesis;
import org.unidiff.runtime.text.NextTokenLogits;

/**
 * Text latents to captions with the caption decoder.
 *
 * <p><b>Position convention.</b> The decoder's prefix (the text latent) is internal and there is
 * no start token, so {@code logits[:, i]} must be the distribution of token {@code i} given the
 * prefix and tokens {@code 0..i-1}: the output of the position <em>before</em> token i (the last
 * prefix position for i = 0). The id at position i is not read for it. To score the token after
 * k generated tokens the runtime feeds k + 1 ids, the last one a placeholder ({@code caption.eos_id}),
 * and reads position k. An exporter of a GPT-style decoder produces this by returning the logits
 * of the sequence positions {@code L-1 .. L+T-2} (prefix length L).
 */
public final class TextDecoder {

    private final ComponentSession session;
    private final BundleManifest manifest;
    private final BundleTokenizer tokenizer;

    /** Wraps a checked {@code text_decoder} session and its tokenizer. */
    public TextDecoder(ModelSession session, BundleManifest manifest, BundleTokenizer tokenizer) {
        this.session = new ComponentSession(session);
        this.manifest = manifest;
        this.tokenizer = tokenizer;
    }

    /**
     * The decoder's raw output.
     *
     * @param textLatents [B, L, Dt]
     * @param batch       B
     * @param ids         [B, T] token ids
     * @param tokens      T (at least 1)
     * @return logits [B, T, V], row-major; V is {@code length / (B * T)}
     */
    public synchronized float[] logits(float[] textLatents, int batch, long[] ids, int tokens) {
        int l = manifest.text().tokens();
        int dt = manifest.text().dim();
        ComponentSession.checkBatch("text_decoder text_latent", textLatents, batch, l * dt);
        if (tokens < 1 || ids.length != (long) batch * tokens) {
            throw new IllegalArgumentException("text_decoder input_ids: expected " + batch + " x " + tokens
                    + " ids (T >= 1), got " + ids.length);
        }
        try (ComponentSession.Feed feed = session.feed()) {
            feed.floats("text_latent", textLatents, new long[] {batch, l, dt});
            feed.longs("input_ids", ids, new long[] {batch, tokens});
            return session.runFloats(feed, "logits", new long[] {batch, tokens, -1});
        } catch (OrtException e) {
            throw ComponentSession.failure(session.session(), e);
        }
    }

    /** Next-token logits for prefixes of one caption, batched over the prefixes (the beams). */
    public NextTokenLogits nextTokenLogits(float[] textLatent) {
        int size = manifest.text().size();
        if (textLatent.length != size) {
            throw new IllegalArgumentException("text latent: expected " + size + " values, got " + textLatent.length);
        }
        long placeholder = manifest.caption().eosId();
        float[] latent = textLatent.clone();
        return prefixes -> {
            int n = prefixes.size();
            int k = prefixes.get(0).length;
            long[] ids = new long[n * (k + 1)];
            float[] latents = new float[n * size];
            for (int i = 0; i < n; i++) {
                long[] p = prefixes.get(i);
                if (p.length != k) {
                    throw new IllegalArgumentException("prefixes must share one length, got " + k + " and " + p.length);
                }
                System.arraycopy(p, 0, ids, i * (k + 1), k);
                ids[i * (k + 1) + k] = placeholder;
                System.arraycopy(latent, 0, latents, i * size, size);
            }
            float[] all = logits(latents, n, ids, k + 1);
            int vocab = all.length / (n * (k + 1));
            float[][] rows = new float[n][];
            for (int i = 0; i < n; i++) {
                int from = (i * (k + 1) + k) * vocab;
                rows[i] = Arrays.copyOfRange(all, from, from + vocab);
            }
            return rows;
        };
    }

    /** The final beams of the manifest's beam search for one text latent [L, Dt], best first. */
    public List<Hypothesis> beamSearch(float[] textLatent) {
        CaptionSpec c = manifest.caption();
        return CaptionSearch.beam(nextTokenLogits(textLatent), c.beamSize(), c.maxNewTokens(), c.eosId());
    }

    /** The caption of one text latent [L, Dt]: the best beam, decoded without special tokens. */
    public String caption(float[] textLatent) {
        return decode(beamSearch(textLatent).get(0));
    }

    /** Captions of a batch of text latents [B, L, Dt], one beam search each. */
    public List<String> captions(float[] textLatents, int batch) {
        int size = manifest.text().size();
        ComponentSession.checkBatch("text latents", textLatents, batch, size);
        List<String> out = new ArrayList<>(batch);
        for (int b = 0; b < batch; b++) {
            out.add(caption(Arrays.copyOfRange(textLatents, b * size, (b + 1) * size)));
        }
        return out;
    }

    /** The greedy caption of one text latent [L, Dt]. */
    public String captionGreedy(float[] textLatent) {
        CaptionSpec c = manifest.caption();
        return decode(CaptionSearch.greedy(nextTokenLogits(textLatent), c.maxNewTokens(), c.eosId()));
    }

    /** A hypothesis's text: tokens before the end token, special tokens left out. */
    public String decode(Hypothesis h) {
        return tokenizer.decode(h.content());
    }
}
