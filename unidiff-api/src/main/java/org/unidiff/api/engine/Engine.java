package org.unidiff.api.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.unidiff.api.core.DefaultBundle;
import org.unidiff.api.core.ExecutionProviderUnavailableException;
import org.unidiff.api.core.InvalidRequestException;
import org.unidiff.api.core.ModelBundleException;
import org.unidiff.api.core.RunControl;
import org.unidiff.api.core.SamplingOptions;
import org.unidiff.api.core.UnidiffOptions;
import org.unidiff.runtime.Bundle;
import org.unidiff.runtime.BundleException;
import org.unidiff.runtime.ort.ExecutionProviderException;
import org.unidiff.runtime.manifest.BundleManifest;
import org.unidiff.sampling.schedule.NoiseSchedule;
import org.unidiff.sampling.solver.SamplerKind;

/**
 * The one engine every task runs on: resolves options against the bundle, derives every seed
 * ({@link SeedRules}), and hands batches of requests to their {@link Recipe}, which encodes
 * conditions, solves its plan and decodes through a {@link RecipeContext}.
 *
 * <h2>Many requests in one call</h2>
 * {@link #runAll} takes several requests of one recipe. Requests whose shared settings agree
 * (steps, sampler, guidance, data type, and the recipe's {@link Recipe#batchKey batch key}) run
 * as one batch: each sampling stage is one solve whose transformer calls hold the rows of all of
 * them. Requests that disagree are split into agreeing batches (in order of first appearance),
 * never refused; a batch larger than {@link #MAX_OUTPUTS_PER_SOLVE} outputs is cut into several.
 * Each request's result is the one it gets alone with the same seed: every output draws only from
 * its own noise stream and reads only its own conditions. What may differ is the last bits: ONNX
 * Runtime's CPU kernels can round a row differently when a call holds more rows (bit for bit on the
 * random test bundle, within 1.3e-5 in the latents of the default model).
 *
 * <p>Thread-safe: concurrent calls share nothing but the bundle's sessions (each component
 * serializes its own session calls); no lock is held across a call except the read side of the
 * close lock, which other calls share. Closing waits for running calls.
 */
public final class Engine implements AutoCloseable {

    /** The most outputs (of all requests together) one solve takes: bounds the batch buffers. */
    public static final int MAX_OUTPUTS_PER_SOLVE = SamplingOptions.MAX_OUTPUTS;

    /** The most requests one {@link #runAll} call takes. */
    public static final int MAX_REQUESTS_PER_CALL = 1024;

    private final Bundle bundle;
    private final BundleManifest manifest;
    private final NoiseSchedule schedule;
    private final EngineHooks hooks;
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private Engine(Bundle bundle, EngineHooks hooks) {
        this.bundle = bundle;
        this.manifest = bundle.manifest();
        this.schedule = manifest.schedule().toNoiseSchedule();
        this.hooks = Objects.requireNonNull(hooks, "hooks");
    }

    /**
     * Opens and validates a bundle (the bundled default when {@code options.bundle()} is null).
     *
     * @throws ModelBundleException if the bundle breaks the contract
     * @throws ExecutionProviderUnavailableException if CUDA was asked for, cannot load, and no fallback was allowed
     */
    public static Engine open(UnidiffOptions options) {
        return open(options, EngineHooks.SEEDED);
    }

    /** What errors call the bundled default model (its files live in a cache folder the user never named). */
    static final String DEFAULT_BUNDLE_NAME = "the bundled default model";

    /** Opens a bundle with hooks that observe every call (benchmarks, golden tests). */
    public static Engine open(UnidiffOptions options, EngineHooks hooks) {
        UnidiffOptions o = options == null ? UnidiffOptions.defaults() : options;
        Path dir = o.bundleIfSet().orElseGet(DefaultBundle::locate);
        Objects.requireNonNull(hooks, "hooks");
        try {
            return new Engine(Bundle.load(dir, o.execution(), o.variant()), hooks);
        } catch (BundleException e) {
            // The default model is unpacked to a cache folder the user never named: call it by what they asked for.
            throw apiError(e, o.bundleIfSet().isPresent() ? e.bundle() : DEFAULT_BUNDLE_NAME);
        } catch (ExecutionProviderException e) {
            throw new ExecutionProviderUnavailableException(e.getMessage(), e);
        }
    }

    /** The model's manifest: sizes, defaults, group limit. */
    public BundleManifest manifest() {
        return manifest;
    }

    /** The model-file variant loaded where the bundle declares it, if one was asked for. */
    public Optional<String> variant() {
        return bundle.variant();
    }

    /**
     * Runs one request.
     *
     * @throws InvalidRequestException if the request is null or bad
     */
    public <Q, R> R run(Recipe<Q, R> recipe, Q request, RunControl control) {
        if (request == null) {
            throw new InvalidRequestException("request", "a request" + (recipe == null ? ""
                    : " for " + recipe.task().id()), null);
        }
        return runAll(recipe, List.of(request), control).get(0);
    }

    /**
     * Runs several requests of one recipe, batching those whose settings agree; results in
     * request order. Every request is checked before any model work, so a bad one fails the call
     * with an error naming {@code requests[i]}.
     *
     * @throws InvalidRequestException if a request is bad or there are none or too many
     */
    public <Q, R> List<R> runAll(Recipe<Q, R> recipe, List<Q> requests, RunControl control) {
        if (recipe == null) {
            throw new InvalidRequestException("recipe", "a recipe (one of Recipes, or your own)", null);
        }
        try {
            return runChecked(recipe, requests, control);
        } catch (BundleException e) {
            // A component that refuses its inputs at run time: the bundle's fault, reported in the API's type.
            throw apiError(e, e.bundle());
        }
    }

    private <Q, R> List<R> runChecked(Recipe<Q, R> recipe, List<Q> requests, RunControl control) {
        RunControl c = control == null ? RunControl.NONE : control;
        if (requests == null || requests.isEmpty()) {
            throw new InvalidRequestException("requests", "at least one request", "none");
        }
        if (requests.size() > MAX_REQUESTS_PER_CALL) {
            throw new InvalidRequestException("requests", "at most " + MAX_REQUESTS_PER_CALL + " per call",
                    requests.size());
        }
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("this engine is closed");
            }
            String task = recipe.task().id();
            if (recipe.family() != manifest.bundleFamily() || !manifest.serves(task)) {
                throw new InvalidRequestException("task", "a task model '" + manifest.name() + "' serves ("
                        + manifest.servedTasksInWords() + "; this recipe runs on the " + recipe.family().id()
                        + " family)", task);
            }
            List<ResolvedOptions> resolved = new ArrayList<>(requests.size());
            RecipeContext checker = new RecipeContext(bundle, schedule, hooks, c, 1);
            for (int i = 0; i < requests.size(); i++) {
                Q q = requests.get(i);
                if (q == null) {
                    throw new InvalidRequestException("requests[" + i + "]", "a request", null);
                }
                try {
                    resolved.add(resolve(recipe.options(q)));
                    recipe.check(q, checker);
                } catch (InvalidRequestException e) {
                    throw requests.size() == 1 ? e : e.inRequest(i);
                }
            }
            Object[] results = new Object[requests.size()];
            for (List<Integer> indices : batches(recipe, requests, resolved)) {
                List<Q> qs = new ArrayList<>(indices.size());
                List<ResolvedOptions> os = new ArrayList<>(indices.size());
                for (int i : indices) {
                    qs.add(requests.get(i));
                    os.add(resolved.get(i));
                }
                Batch<Q> batch = new Batch<>(qs, os);
                List<R> out = recipe.run(batch, new RecipeContext(bundle, schedule, hooks, c, batch.size()));
                if (out.size() != batch.size()) {
                    throw new IllegalStateException("recipe " + recipe.task() + " returned " + out.size()
                            + " results for " + batch.size() + " requests");
                }
                for (int k = 0; k < indices.size(); k++) {
                    results[indices.get(k)] = out.get(k);
                }
            }
            @SuppressWarnings("unchecked")
            List<R> list = (List<R>) Arrays.asList(results);
            return List.copyOf(list);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** The runtime's report of a contract break in the API's type, the bundle called {@code bundleName}. */
    private static ModelBundleException apiError(BundleException e, String bundleName) {
        return new ModelBundleException(bundleName, e.component(), e.field(), e.expected(), e.found(), e);
    }

    /** Groups request indices by shared settings and batch key, then cuts groups at the output bound. */
    private static <Q> List<List<Integer>> batches(Recipe<Q, ?> recipe, List<Q> requests,
                                                   List<ResolvedOptions> resolved) {
        Map<List<Object>, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            List<Object> key = new ArrayList<>(resolved.get(i).sharedSettings());
            key.add(recipe.batchKey(requests.get(i)));
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
        }
        List<List<Integer>> out = new ArrayList<>();
        for (List<Integer> group : groups.values()) {
            List<Integer> current = new ArrayList<>();
            int outputs = 0;
            for (int i : group) {
                int n = resolved.get(i).outputs();
                if (!current.isEmpty() && outputs + n > MAX_OUTPUTS_PER_SOLVE) {
                    out.add(current);
                    current = new ArrayList<>();
                    outputs = 0;
                }
                current.add(i);
                outputs += n;
            }
            out.add(current);
        }
        return out;
    }

    /** Fills bundle defaults into the request's options and checks them against the bundle. */
    ResolvedOptions resolve(SamplingOptions o) {
        SamplerKind sampler;
        String name = o.sampler() != null ? o.sampler() : manifest.defaults().sampler();
        try {
            sampler = SamplerKind.parse(name);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("sampler", "one of " + SamplerKind.validNames(), name);
        }
        int steps = o.steps() != null ? o.steps() : manifest.defaults().steps();
        double guidance = o.guidanceScale() != null ? o.guidanceScale() : manifest.defaults().guidanceScale();
        Long dataType = null;
        if (manifest.dataTypeDefault().isPresent()) {
            dataType = o.dataType() != null ? o.dataType().longValue() : manifest.dataTypeDefault().get();
        } else if (o.dataType() != null) {
            throw new InvalidRequestException("dataType", "unset: model '" + manifest.name()
                    + "' takes no data_type input", o.dataType());
        }
        return new ResolvedOptions(o.seed(), steps, sampler, guidance, o.outputs(), dataType);
    }

    /**
     * The words of {@code text} the model's tokenizer does not know, in order, each once; empty for
     * image-only families, which take no text.
     */
    public List<String> unknownWords(String text) {
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("this engine is closed");
            }
            return manifest.bundleFamily().hasText() ? bundle.textEncoder().unknownWords(text) : List.of();
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** Releases the bundle's sessions, after running calls finish. Idempotent. */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                bundle.close();
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        lifecycle.readLock().lock();
        try {
            return closed;
        } finally {
            lifecycle.readLock().unlock();
        }
    }
}
