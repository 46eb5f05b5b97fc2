package org.unidiff.api;

/** How reference images of a group enter the transformer. */
public enum ReferenceMode {
    /** Fed clean at t = 0, as UniDiffuser conditions on text (exact for per-image timesteps). */
    CLEAN,
    /** Re-noised to the current time at every step, SDEdit/inpainting style (as GDT likely did). */
    RENOISE
}
