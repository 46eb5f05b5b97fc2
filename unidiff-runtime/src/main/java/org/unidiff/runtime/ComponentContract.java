package org.unidiff.runtime;

import java.util.ArrayList;
import java.util.List;
import org.unidiff.runtime.manifest.BundleManifest;

/**
 * The inputs and outputs the bundle contract demands of one component, with the manifest's sizes
 * filled in. Batch, group and token-count dimensions are free; every other size is fixed by the
 * manifest and must match wherever the model declares it.
 *
 * @param kind    the component
 * @param inputs  expected inputs, in contract order
 * @param outputs expected outputs, in contract order
 */
public record ComponentContract(ComponentKind kind, List<Expected> inputs, List<Expected> outputs) {

    /** Freezes the lists. */
    public ComponentContract {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /**
     * One dimension: free ({@code size < 0}) or fixed by a manifest field.
     *
     * @param label the contract's letter for it (B, G, C, ...)
     * @param size  the fixed size, or -1 when any size is allowed
     * @param field the manifest field the size comes from (null for free or constant dimensions)
     */
    public record Dim(String label, long size, String field) {

        static Dim free(String label) {
            return new Dim(label, -1, null);
        }

        static Dim fixed(String label, long size, String field) {
            return new Dim(label, size, field);
        }

        /** Whether any size is allowed. */
        public boolean isFree() {
            return size < 0;
        }
    }

    /**
     * One expected tensor.
     *
     * @param name    its contract name
     * @param integer true for int64 tensors, false for floating ones (float32 or float16)
     * @param dims    its dimensions
     */
    public record Expected(String name, boolean integer, List<Dim> dims) {

        /** Freezes the list. */
        public Expected {
            dims = List.copyOf(dims);
        }

        /** The contract's notation, e.g. {@code [B, C=4, h=8, w=8]}. */
        public String describeShape() {
            List<String> parts = new ArrayList<>();
            for (Dim d : dims) {
                parts.add(d.isFree() ? d.label() : d.label() + "=" + d.size());
            }
            return "[" + String.join(", ", parts) + "]";
        }
    }

    /** The contract of {@code kind} for a validated manifest. */
    public static ComponentContract of(ComponentKind kind, BundleManifest m) {
        Dim b = Dim.free("B");
        Dim g = Dim.free("G");
        Dim c = Dim.fixed("C", m.latent().channels(), "latent.channels");
        Dim h = Dim.fixed("h", m.latent().height(), "latent.height");
        Dim w = Dim.fixed("w", m.latent().width(), "latent.width");
        boolean text = m.bundleFamily().hasText();
        Dim dc = text ? Dim.fixed("Dc", m.clipImage().dim(), "clip_image.dim") : null;
        Dim l = text ? Dim.fixed("L", m.text().tokens(), "text.tokens") : null;
        Dim dt = text ? Dim.fixed("Dt", m.text().dim(), "text.dim") : null;
        Dim rgb = Dim.fixed("3", 3, null);
        Dim imageH = Dim.fixed("H", m.image().height(), "image.height");
        Dim imageW = Dim.fixed("W", m.image().width(), "image.width");
        switch (kind) {
            case TRANSFORMER: {
                if (!text) {
                    // Image-only families (in-context): frames and their times in, every frame's prediction out.
                    return new ComponentContract(kind, List.of(floating("img", b, g, c, h, w), floating("t_img", b, g)),
                            List.of(floating("img_out", b, g, c, h, w)));
                }
                Dim one = Dim.fixed("1", 1, null);
                List<Expected> in = new ArrayList<>(List.of(
                        floating("img", b, g, c, h, w),
                        floating("clip_img", b, g, one, dc),
                        floating("text", b, g, l, dt),
                        floating("t_img", b, g),
                        floating("t_text", b, g)));
                if (m.dataType() != null) {
                    in.add(integer("data_type", b));
                }
                return new ComponentContract(kind, in, List.of(
                        floating("img_out", b, g, c, h, w),
                        floating("clip_img_out", b, g, one, dc),
                        floating("text_out", b, g, l, dt)));
            }
            case VAE_ENCODER:
                return new ComponentContract(kind, List.of(floating("image", b, rgb, imageH, imageW)),
                        List.of(floating("moments", b,
                                Dim.fixed("2C", 2L * m.latent().channels(), "latent.channels (times 2)"), h, w)));
            case VAE_DECODER:
                return new ComponentContract(kind, List.of(floating("latent", b, c, h, w)),
                        List.of(floating("image", b, rgb, imageH, imageW)));
            case IMAGE_ENCODER: {
                Dim s = Dim.fixed("S", m.clipImage().preprocess().size(), "clip_image.preprocess.size");
                return new ComponentContract(kind, List.of(floating("pixel_values", b, rgb, s, s)),
                        List.of(floating("image_embeds", b, dc)));
            }
            case TEXT_ENCODER:
                return new ComponentContract(kind, List.of(integer("input_ids", b, l)),
                        List.of(floating("text_latent", b, l, dt)));
            case TEXT_DECODER:
                return new ComponentContract(kind,
                        List.of(floating("text_latent", b, l, dt), integer("input_ids", b, Dim.free("T"))),
                        List.of(floating("logits", b, Dim.free("T"), Dim.free("V"))));
            default:
                throw new AssertionError(kind);
        }
    }

    private static Expected floating(String name, Dim... dims) {
        return new Expected(name, false, List.of(dims));
    }

    private static Expected integer(String name, Dim... dims) {
        return new Expected(name, true, List.of(dims));
    }
}
