package org.unidiff.bench;

/** Where the time of one Java generation goes, as the speed breakdown splits it. */
public enum Stage {
    /** Tokenizer and text encoder session. */
    TEXT_ENCODER("text encoder"),
    /** VAE encoder and CLIP image encoder sessions on an input image, with their preprocessing. */
    IMAGE_ENCODERS("VAE + CLIP image encoders"),
    /** The joint transformer's calls: input tensors, the ONNX Runtime run and pinned outputs. */
    TRANSFORMER("transformer"),
    /** Everything the solver run does besides the transformer: noise, guidance, batch packing, updates. */
    SAMPLER("sampler and guidance"),
    /** VAE decoder session and the conversion of its output to images. */
    VAE_DECODER("VAE decoder"),
    /** Caption beam search: text decoder sessions and the search itself. */
    TEXT_DECODER("text decoder (beam search)"),
    /** Copies between the components' float arrays and the sampler's double arrays. */
    CONVERSIONS("float/double conversions");

    private final String label;

    Stage(String label) {
        this.label = label;
    }

    /** How the stage reads in the table. */
    public String label() {
        return label;
    }
}
