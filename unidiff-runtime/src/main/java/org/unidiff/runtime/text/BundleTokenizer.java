package org.unidiff.runtime.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.unidiff.runtime.manifest.TokenizerSpec;

/**
 * A Hugging Face {@code tokenizer.json} of a bundle (through DJL's native tokenizers), with the
 * manifest's fixed-length framing: {@code [bos?] tokens [eos?] pad...}, exactly {@code max_length} ids.
 *
 * <p>The framing comes from the manifest, not from the tokenizer's own post-processor, padding or
 * truncation settings (they are switched off), so two bundles with the same manifest frame prompts
 * the same way whatever their tokenizer files say.
 */
public final class BundleTokenizer implements AutoCloseable {

    /** ASCII punctuation at the start or end of a word (a reported word is the word itself). */
    private static final java.util.regex.Pattern EDGE_PUNCTUATION =
            java.util.regex.Pattern.compile("^\\p{Punct}+|\\p{Punct}+$");

    private static final String RUST_FLAVOR = "RUST_FLAVOR";
    /** DJL's switch for its usage reporting, read from the environment or a system property. */
    static final String OPT_OUT_TRACKING = "OPT_OUT_TRACKING";

    static {
        // DJL reports usage (and probes the cloud metadata address to do so) unless told not to;
        // a library should not phone home for its users. Whoever set the switch either way wins.
        if (System.getenv(OPT_OUT_TRACKING) == null && System.getProperty(OPT_OUT_TRACKING) == null) {
            System.setProperty(OPT_OUT_TRACKING, "true");
        }
        // DJL picks a CUDA build of its native tokenizer library when it sees a GPU and downloads it
        // from its own CDN; only the CPU build ships inside the Maven jar, and tokenizing needs no GPU.
        if (System.getenv(RUST_FLAVOR) == null && System.getProperty(RUST_FLAVOR) == null) {
            System.setProperty(RUST_FLAVOR, "cpu");
        }
        // DJL's loader then probes for CUDA anyway and warns twice on machines without a driver.
        DjlCudaProbe.silence();
    }

    private final Path file;
    private final HuggingFaceTokenizer tokenizer;
    private final OptionalLong unknownId;

    private BundleTokenizer(Path file, HuggingFaceTokenizer tokenizer, OptionalLong unknownId) {
        this.file = file;
        this.tokenizer = tokenizer;
        this.unknownId = unknownId;
    }

    /**
     * Loads a {@code tokenizer.json}.
     *
     * @throws IOException if the file cannot be read or is not a valid tokenizer
     */
    public static BundleTokenizer load(Path tokenizerJson) throws IOException {
        try {
            HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(tokenizerJson)
                    .optAddSpecialTokens(false)
                    .optPadding(false)
                    .optTruncation(false)
                    .build();
            return new BundleTokenizer(tokenizerJson, tokenizer, UnknownToken.id(tokenizerJson));
        } catch (RuntimeException e) {
            // The native side reports parse errors as runtime exceptions.
            throw new IOException("cannot load tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    /** The tokenizer file. */
    public Path file() {
        return file;
    }

    /** The ids of {@code text}, no special tokens, no padding, no truncation. */
    public long[] ids(String text) {
        Encoding encoding = tokenizer.encode(text, false, false);
        return encoding.getIds();
    }

    /**
     * The words of {@code text} (split at white space) that this tokenizer does not know, in order,
     * each once: a word is unknown when it maps to the unknown token, or when it has letters,
     * digits or non-ASCII characters (accents, emoji) and maps to no token at all (the normalizer
     * dropped it). Punctuation alone is not reported, and punctuation around a word is not part
     * of it ({@code "cat,"} reports {@code cat}). Empty when every word is known, or when the
     * tokenizer has no unknown token (byte-level tokenizers know every string).
     */
    public List<String> unknownWords(String text) {
        Set<String> unknown = new LinkedHashSet<>();
        for (String written : text.strip().split("\\s+")) {
            // Punctuation around a word is not part of it: "cat," is the word cat.
            String word = EDGE_PUNCTUATION.matcher(written).replaceAll("");
            if (word.isEmpty()) {
                continue;
            }
            long[] wordIds = ids(word);
            boolean hasUnknown = unknownId.isPresent()
                    && Arrays.stream(wordIds).anyMatch(id -> id == unknownId.getAsLong());
            boolean dropped = wordIds.length == 0 && word.codePoints()
                    .anyMatch(c -> Character.isLetterOrDigit(c) || c > 0x7f);
            if (hasUnknown || (dropped && unknownId.isPresent())) {
                unknown.add(word);
            }
        }
        return List.copyOf(unknown);
    }

    /**
     * Exactly {@code spec.maxLength()} ids: BOS if the manifest has one, the text's ids truncated to
     * the room left, EOS if the manifest has one, then {@code pad_id} up to the length.
     */
    public long[] encodeFixed(String text, TokenizerSpec spec) {
        long[] content = ids(text);
        int length = spec.maxLength();
        int room = length - (spec.bosId() != null ? 1 : 0) - (spec.eosId() != null ? 1 : 0);
        long[] out = new long[length];
        Arrays.fill(out, spec.padId());
        int i = 0;
        if (spec.bosId() != null) {
            out[i++] = spec.bosId();
        }
        int kept = Math.min(room, content.length);
        System.arraycopy(content, 0, out, i, kept);
        i += kept;
        if (spec.eosId() != null) {
            out[i] = spec.eosId();
        }
        return out;
    }

    /** The text of {@code ids}, special tokens (BOS, EOS, PAD, ...) left out. */
    public String decode(long[] ids) {
        return tokenizer.decode(ids, true);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
