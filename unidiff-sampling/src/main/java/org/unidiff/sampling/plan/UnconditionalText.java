package org.unidiff.sampling.plan;

/**
 * What an unconditional pass feeds in place of a caption (text condition).
 */
public enum UnconditionalText {
    /** Fresh noise at the noise timestep, the reference UniDiffuser choice ({@link Role#MARGINALIZE}). */
    NOISE(Role.MARGINALIZE),
    /** The empty prompt's text latent, clean at t = 0 ({@link Role#EMPTY_CONDITION}); the reference's alternative. */
    EMPTY_PROMPT(Role.EMPTY_CONDITION);

    private final Role role;

    UnconditionalText(Role role) {
        this.role = role;
    }

    /** The role a caption takes in the unconditional pass. */
    public Role role() {
        return role;
    }
}
