package org.unidiff.runtime;

import ai.onnxruntime.OrtException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unidiff.runtime.manifest.BundleManifest;
import org.unidiff.runtime.manifest.ComponentSpec;
import org.unidiff.runtime.manifest.ManifestReader;
import org.unidiff.runtime.ort.ExecutionConfig;
import org.unidiff.runtime.ort.ModelSession;
import org.unidiff.runtime.ort.SessionFactory;
import org.unidiff.runtime.ort.TensorSignature;
import org.unidiff.runtime.text.BundleTokenizer;

/**
 * Loads a bundle in an order that fails cheaply first: manifest, then every path, then the
 * execution provider, tokenizers and sessions. Whatever was opened before a failure is closed.
 */
final class BundleLoader {

    private static final Logger LOG = LoggerFactory.getLogger(BundleLoader.class);

    private BundleLoader() {
    }

    static Bundle load(Path directory, ExecutionConfig config, Set<ComponentKind> wanted, String variant) {
        String bundle = directory.toString();
        Path root;
        try {
            root = directory.toRealPath();
        } catch (IOException e) {
            throw new BundleException(bundle, "bundle", "directory", "an existing bundle directory", e.toString(), e);
        }
        if (!Files.isDirectory(root)) {
            throw new BundleException(bundle, "bundle", "directory", "a directory", "a file");
        }
        BundleManifest manifest = ManifestReader.read(root);
        BundlePaths paths = new BundlePaths(bundle, root);
        Map<ComponentKind, Path> models = new EnumMap<>(ComponentKind.class);
        Map<ComponentKind, Path> tokenizerFiles = new EnumMap<>(ComponentKind.class);
        java.util.Set<ComponentKind> kinds = manifest.bundleFamily().components();
        checkVariantExists(bundle, manifest, kinds, variant);
        Map<ComponentKind, ComponentSpec> specs = new EnumMap<>(ComponentKind.class);
        for (ComponentKind kind : kinds) {
            ComponentSpec declared = manifest.component(kind);
            ComponentSpec spec = declared.forVariant(variant);
            specs.put(kind, spec);
            String field = "components." + kind.key();
            models.put(kind, paths.resolveFile(spec.path(), kind.key(),
                    spec == declared ? field + ".path" : field + ".variants." + variant + ".path"));
            if (kind.hasTokenizer()) {
                // The tokenizer is the component's, whichever model file a variant picks.
                tokenizerFiles.put(kind, paths.resolveFile(declared.tokenizerPath(), kind.key(),
                        declared.tokenizer() != null ? field + ".tokenizer" : "tokenizer (beside the model)"));
            }
        }

        SessionFactory factory = SessionFactory.create(config);
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            Map<ComponentKind, BundleTokenizer> tokenizers = new EnumMap<>(ComponentKind.class);
            for (Map.Entry<ComponentKind, Path> e : tokenizerFiles.entrySet()) {
                if (!wanted.contains(e.getKey())) {
                    continue;
                }
                BundleTokenizer tokenizer = loadTokenizer(bundle, e.getKey(), e.getValue());
                opened.add(tokenizer);
                tokenizers.put(e.getKey(), tokenizer);
            }
            Map<ComponentKind, ModelSession> sessions = new EnumMap<>(ComponentKind.class);
            for (ComponentKind kind : kinds) {
                if (!wanted.contains(kind)) {
                    continue;
                }
                ModelSession session = open(bundle, kind, models.get(kind), factory);
                opened.add(session);
                ContractChecker.check(bundle, ComponentContract.of(kind, manifest), session);
                noteTypes(bundle, kind, specs.get(kind), session);
                sessions.put(kind, session);
            }
            LOG.info("loaded bundle '{}' ({}) from {} on {}{}", manifest.name(), manifest.license(), root,
                    factory.effectiveProvider(), variant == null ? "" : ", variant '" + variant + "'");
            return new Bundle(root, manifest, factory.effectiveProvider(), sessions,
                    tokenizers.get(ComponentKind.TEXT_ENCODER), tokenizers.get(ComponentKind.TEXT_DECODER), variant);
        } catch (RuntimeException | Error e) {
            closeAll(opened, e);
            throw e;
        }
    }

    /** A named variant must exist for at least one component; otherwise the name is a mistake. */
    private static void checkVariantExists(String bundle, BundleManifest manifest, Set<ComponentKind> kinds,
                                           String variant) {
        if (variant == null) {
            return;
        }
        TreeSet<String> declared = new TreeSet<>();
        for (ComponentKind kind : kinds) {
            declared.addAll(manifest.component(kind).variants().keySet());
        }
        if (!declared.contains(variant)) {
            throw new BundleException(bundle, "bundle", "variant",
                    declared.isEmpty() ? "no variant (the manifest declares none)" : "one of " + declared,
                    "\"" + variant + "\"");
        }
    }

    private static BundleTokenizer loadTokenizer(String bundle, ComponentKind kind, Path file) {
        try {
            return BundleTokenizer.load(file);
        } catch (IOException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new BundleException(bundle, kind.key(), "tokenizer", "a Hugging Face tokenizer.json",
                    "a file the tokenizers library refuses: " + cause.getMessage(), e);
        }
    }

    private static ModelSession open(String bundle, ComponentKind kind, Path model, SessionFactory factory) {
        try {
            return factory.open(bundle + "/" + kind.key(), model);
        } catch (OrtException e) {
            throw new BundleException(bundle, kind.key(), "model " + model.getFileName(),
                    "an ONNX model ONNX Runtime can load", e.getMessage(), e);
        }
    }

    private static void noteTypes(String bundle, ComponentKind kind, ComponentSpec spec, ModelSession session) {
        List<String> types = new ArrayList<>();
        for (TensorSignature s : session.inputs().values()) {
            types.add(s.name() + ":" + s.elementType().map(Object::toString).orElse("?"));
        }
        LOG.debug("bundle '{}', component '{}' (precision {}): inputs {}", bundle, kind.key(),
                spec.precision() == null ? "unstated" : spec.precision(), types);
    }

    private static void closeAll(List<AutoCloseable> opened, Throwable failure) {
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception e) {
                failure.addSuppressed(e);
            }
        }
    }
}
