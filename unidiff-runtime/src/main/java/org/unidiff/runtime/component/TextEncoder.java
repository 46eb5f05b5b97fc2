package org.unidiff.runtime.component;

import ai.onnxruntime.OrtException;
import java.util.List;
import org.unidiff.runtime.manifest.BundleManifest;
import org.unidiff.runtime.ort.ModelSession;
import org.unidiff.runtime.text.BundleTokenizer;

/** Prompts to text latents [B, L, Dt]. */
public final class TextEncoder {

    private final ComponentSession session;
    private final BundleManifest manifest;
    private final BundleTokenizer tokenizer;

    /** Wraps a checked {@code text_encoder} session and its tokenizer. */
    public TextEncoder(ModelSession session, BundleManifest manifest, BundleTokenizer tokenizer) {
        this.session = new ComponentSession(session);
        this.manifest = manifest;
        this.tokenizer = tokenizer;
    }

    /** The prompt's ids framed by the manifest: exactly L ids. */
    public long[] tokenize(String prompt) {
        return tokenizer.encodeFixed(prompt, manifest.text().tokenizer());
    }

    /** How many content tokens fit in the text context: max_length less the BOS and EOS the manifest adds. */
    public int contentCapacity() {
        var spec = manifest.text().tokenizer();
        return spec.maxLength() - (spec.bosId() != null ? 1 : 0) - (spec.eosId() != null ? 1 : 0);
    }

    /** How many content tokens the prompt has before framing; more than {@link #contentCapacity()} would be cut. */
    public int contentTokens(String prompt) {
        return tokenizer.ids(prompt).length;
    }

    /** The prompt's words the tokenizer does not know (see {@link BundleTokenizer#unknownWords(String)}). */
    public List<String> unknownWords(String prompt) {
        return tokenizer.unknownWords(prompt);
    }

    /** Encodes prompts, [B, L, Dt]. */
    public float[] encode(List<String> prompts) {
        int l = manifest.text().tokens();
        long[] ids = new long[prompts.size() * l];
        for (int i = 0; i < prompts.size(); i++) {
            System.arraycopy(tokenize(prompts.get(i)), 0, ids, i * l, l);
        }
        return encodeIds(ids, prompts.size());
    }

    /**
     * Encodes framed ids.
     *
     * @param ids   [B, L]
     * @param batch B
     */
    public synchronized float[] encodeIds(long[] ids, int batch) {
        int l = manifest.text().tokens();
        if (batch < 1 || ids.length != (long) batch * l) {
            throw new IllegalArgumentException("text_encoder input_ids: expected " + batch + " x " + l
                    + " ids, got " + ids.length);
        }
        try (ComponentSession.Feed feed = session.feed()) {
            feed.longs("input_ids", ids, new long[] {batch, l});
            return session.runFloats(feed, "text_latent", new long[] {batch, l, manifest.text().dim()});
        } catch (OrtException e) {
            throw ComponentSession.failure(session.session(), e);
        }
    }
}
