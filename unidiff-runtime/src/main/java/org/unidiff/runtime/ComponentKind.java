package org.unidiff.runtime;

import java.util.Optional;

/** The six ONNX components of a bundle, with their manifest keys and default layout. */
public enum ComponentKind {
    /** The joint noise predictor. */
    TRANSFORMER("transformer", false),
    /** Image to latent moments. */
    VAE_ENCODER("vae_encoder", false),
    /** Latent to image. */
    VAE_DECODER("vae_decoder", false),
    /** Image to CLIP-style embedding. */
    IMAGE_ENCODER("image_encoder", false),
    /** Token ids to text latent; has a tokenizer. */
    TEXT_ENCODER("text_encoder", true),
    /** Text latent and tokens to next-token logits; has a tokenizer. */
    TEXT_DECODER("text_decoder", true);

    private final String key;
    private final boolean hasTokenizer;

    ComponentKind(String key, boolean hasTokenizer) {
        this.key = key;
        this.hasTokenizer = hasTokenizer;
    }

    /** The key of this component in the manifest's {@code components} object and its folder name. */
    public String key() {
        return key;
    }

    /** Whether the component comes with a {@code tokenizer.json}. */
    public boolean hasTokenizer() {
        return hasTokenizer;
    }

    /** The model path the contract's layout gives this component. */
    public String defaultModelPath() {
        return key + "/model.onnx";
    }

    /** The component for a manifest key, if it is one of the six. */
    public static Optional<ComponentKind> fromKey(String key) {
        for (ComponentKind kind : values()) {
            if (kind.key.equals(key)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
