package org.unidiff.runtime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unidiff.runtime.component.ImageEncoder;
import org.unidiff.runtime.component.JointTransformer;
import org.unidiff.runtime.component.TextDecoder;
import org.unidiff.runtime.component.TextEncoder;
import org.unidiff.runtime.component.VaeDecoder;
import org.unidiff.runtime.component.VaeEncoder;
import org.unidiff.runtime.manifest.BundleManifest;
import org.unidiff.runtime.ort.ExecutionConfig;
import org.unidiff.runtime.ort.ExecutionProvider;
import org.unidiff.runtime.ort.ModelSession;
import org.unidiff.runtime.text.BundleTokenizer;

/**
 * A loaded, checked model bundle: its manifest and its open components. Closing the bundle closes
 * every native session and tokenizer. Components are safe to call from several threads (calls on
 * one component are serialized).
 */
public final class Bundle implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Bundle.class);

    private final Path directory;
    private final String variant;
    private final BundleManifest manifest;
    private final ExecutionProvider provider;
    private final Map<ComponentKind, ModelSession> sessions;
    private final List<BundleTokenizer> tokenizers;
    private final JointTransformer transformer;
    private final VaeEncoder vaeEncoder;
    private final VaeDecoder vaeDecoder;
    private final ImageEncoder imageEncoder;
    private final TextEncoder textEncoder;
    private final TextDecoder textDecoder;
    private boolean closed;

    Bundle(Path directory, BundleManifest manifest, ExecutionProvider provider, Map<ComponentKind, ModelSession> sessions,
           BundleTokenizer textEncoderTokenizer, BundleTokenizer textDecoderTokenizer, String variant) {
        this.directory = directory;
        this.variant = variant;
        this.manifest = manifest;
        this.provider = provider;
        this.sessions = new EnumMap<>(sessions);
        this.tokenizers = new ArrayList<>();
        if (textEncoderTokenizer != null) {
            tokenizers.add(textEncoderTokenizer);
        }
        if (textDecoderTokenizer != null) {
            tokenizers.add(textDecoderTokenizer);
        }
        ModelSession t = sessions.get(ComponentKind.TRANSFORMER);
        this.transformer = t == null ? null : new JointTransformer(t, manifest);
        ModelSession ve = sessions.get(ComponentKind.VAE_ENCODER);
        this.vaeEncoder = ve == null ? null : new VaeEncoder(ve, manifest);
        ModelSession vd = sessions.get(ComponentKind.VAE_DECODER);
        this.vaeDecoder = vd == null ? null : new VaeDecoder(vd, manifest);
        ModelSession ie = sessions.get(ComponentKind.IMAGE_ENCODER);
        this.imageEncoder = ie == null ? null : new ImageEncoder(ie, manifest);
        ModelSession te = sessions.get(ComponentKind.TEXT_ENCODER);
        this.textEncoder = te == null ? null : new TextEncoder(te, manifest, textEncoderTokenizer);
        ModelSession td = sessions.get(ComponentKind.TEXT_DECODER);
        this.textDecoder = td == null ? null : new TextDecoder(td, manifest, textDecoderTokenizer);
    }

    /**
     * Loads and checks every component of a bundle.
     *
     * @throws BundleException if the bundle breaks the contract (nothing stays open)
     * @throws org.unidiff.runtime.ort.ExecutionProviderException if CUDA is requested, cannot load and no fallback is allowed
     */
    public static Bundle load(Path directory, ExecutionConfig config) {
        return BundleLoader.load(directory, config, Set.of(ComponentKind.values()), null);
    }

    /**
     * Loads a bundle with the named variant's file for every component that declares it
     * ({@code components.<key>.variants.<variant>}) and the main file for the others.
     *
     * @param variant a variant name, or null for the main files
     * @throws BundleException if no component declares {@code variant}, or as {@link #load(Path, ExecutionConfig)}
     */
    public static Bundle load(Path directory, ExecutionConfig config, String variant) {
        return BundleLoader.load(directory, config, Set.of(ComponentKind.values()), variant);
    }

    /**
     * Loads a bundle opening only some components; every declared file is still checked.
     *
     * @see #load(Path, ExecutionConfig)
     */
    public static Bundle load(Path directory, ExecutionConfig config, Set<ComponentKind> components) {
        return BundleLoader.load(directory, config, components, null);
    }

    /** The variant whose files were loaded where declared, if one was asked for. */
    public Optional<String> variant() {
        return Optional.ofNullable(variant);
    }

    /** The bundle directory (real path). */
    public Path directory() {
        return directory;
    }

    /** The validated manifest. */
    public BundleManifest manifest() {
        return manifest;
    }

    /** The provider the sessions run on (CPU after an allowed fallback from CUDA). */
    public ExecutionProvider provider() {
        return provider;
    }

    /** The open session of a component, if it was loaded. */
    public Optional<ModelSession> session(ComponentKind kind) {
        return Optional.ofNullable(sessions.get(kind));
    }

    /** The joint noise predictor. */
    public JointTransformer transformer() {
        return require(transformer, ComponentKind.TRANSFORMER);
    }

    /** Image to latent. */
    public VaeEncoder vaeEncoder() {
        return require(vaeEncoder, ComponentKind.VAE_ENCODER);
    }

    /** Latent to image. */
    public VaeDecoder vaeDecoder() {
        return require(vaeDecoder, ComponentKind.VAE_DECODER);
    }

    /** Image to CLIP embedding. */
    public ImageEncoder imageEncoder() {
        return require(imageEncoder, ComponentKind.IMAGE_ENCODER);
    }

    /** Prompt to text latent. */
    public TextEncoder textEncoder() {
        return require(textEncoder, ComponentKind.TEXT_ENCODER);
    }

    /** Text latent to caption. */
    public TextDecoder textDecoder() {
        return require(textDecoder, ComponentKind.TEXT_DECODER);
    }

    private <T> T require(T component, ComponentKind kind) {
        if (closed) {
            throw new IllegalStateException("bundle " + directory + " is closed");
        }
        if (component == null) {
            throw new IllegalStateException("component " + kind.key() + " of bundle " + directory
                    + " was not loaded; include it in the components to load");
        }
        return component;
    }

    /** Closes every session and tokenizer; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (ModelSession s : sessions.values()) {
            s.close();
        }
        for (BundleTokenizer t : tokenizers) {
            t.close();
        }
        LOG.debug("closed bundle {}", directory);
    }
}
