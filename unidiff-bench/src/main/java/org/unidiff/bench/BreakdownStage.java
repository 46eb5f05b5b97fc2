package org.unidiff.bench;

/** Where the time of one Java generation goes, as the speed breakdown splits it. */
public enum BreakdownStage {
    /** Tokenizer and text encoder session. */
    TEXT_ENCODER("text encoder"),
    /** VAE encoder and CLIP image encoder sessions on an input image, with their preprocessing. */
    IMAGE_ENCODERS("VAE + CLIP image encoders"),
    /** The joint transformer's calls: input tensors, the ONNX Runtime run and pinned outputs. */
    TRANSFORMER("transformer"),
    /** Everything the solver run does besides the transformer: noise, guidance, batch packing, updates. */
    SAMPLER("sampler and guidance"),
    /** VAE decoder session, the latents' conversion to floats and of its output to images. */
    VAE_DECODER("VAE decoder"),
    /** Caption beam search: text decoder sessions and the search itself. */
    TEXT_DECODER("text decoder (beam search)");

    private final String label;

    BreakdownStage(String label) {
        this.label = label;
    }

    /** How the stage reads in the table. */
    public String label() {
        return label;
    }
}
