package org.unidiff.api.engine;

/** The parts of a request the engine times for {@link EngineHooks#timed(Phase, long)}. */
public enum Phase {
    /** Prompt tokenization and the text encoder. */
    TEXT_ENCODER,
    /** VAE encoder and CLIP image encoder of input images. */
    IMAGE_ENCODERS,
    /** One solve: every transformer call, guidance and solver arithmetic. */
    SAMPLING,
    /** VAE decoder. */
    VAE_DECODER,
    /** Caption decoder (beam search). */
    TEXT_DECODER
}
