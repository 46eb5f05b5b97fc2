package org.unidiff.runtime.manifest;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unidiff.runtime.BundleException;
import org.unidiff.runtime.ComponentKind;

/** The field-by-field checks of a parsed manifest; every failure names the field. */
final class ManifestValidator {

    private static final Logger LOG = LoggerFactory.getLogger(ManifestValidator.class);
    private static final Set<String> BETA_SCHEDULES = Set.of("scaled_linear", "linear");
    private static final Set<String> PREDICTIONS = Set.of("epsilon", "data", "sample", "velocity");
    private static final Set<String> CLIP_RESAMPLES = Set.of("bicubic", "bilinear");

    /** The most points an explicit grid may have: bounds what a manifest can make the solver allocate. */
    static final int MAX_GRID_POINTS = 1001;

    private final String bundle;

    ManifestValidator(String bundle) {
        this.bundle = bundle;
    }

    void validate(BundleManifest m) {
        if (!ManifestReader.FORMAT.equals(m.format())) {
            throw fail("format", "\"" + ManifestReader.FORMAT + "\"", quoted(m.format()));
        }
        if (m.version() == null || m.version() != ManifestReader.VERSION) {
            throw fail("version", String.valueOf(ManifestReader.VERSION), String.valueOf(m.version()));
        }
        present("name", m.name());
        present("license", m.license());

        present("image", m.image());
        positive("image.height", m.image().height());
        positive("image.width", m.image().width());

        present("latent", m.latent());
        positive("latent.channels", m.latent().channels());
        positive("latent.height", m.latent().height());
        positive("latent.width", m.latent().width());
        positiveFinite("latent.scaling_factor", m.latent().scalingFactor());

        BundleFamily family = validateFamily(m);
        if (family.hasText()) {
            validateClip(m.clipImage());
            validateText(m.text());
            validateCaption(m.caption());
        }
        validateSchedule(m.schedule());

        if (m.dataType() != null) {
            nonNegative("data_type.default", m.dataType().defaultValue());
        }
        present("group", m.group());
        positive("group.max_size", m.group().maxSize());

        validateDefaults(m.defaults(), m.schedule());
        validateComponents(m.components(), family);
    }

    /** A known family, and tasks (when listed) that the family can serve, each once. */
    private BundleFamily validateFamily(BundleManifest m) {
        BundleFamily family = BundleFamily.UNIDIFFUSER;
        if (m.family() != null) {
            family = BundleFamily.fromId(m.family()).orElseThrow(() -> fail("family", "one of "
                    + java.util.Arrays.stream(BundleFamily.values()).map(f -> quoted(f.id())).toList(),
                    quoted(m.family())));
        }
        if (m.tasks() != null) {
            if (m.tasks().isEmpty()) {
                throw fail("tasks", "at least one task of family \"" + family.id() + "\": " + family.tasks(), "[]");
            }
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (int i = 0; i < m.tasks().size(); i++) {
                String task = m.tasks().get(i);
                if (!family.tasks().contains(task)) {
                    throw fail("tasks[" + i + "]", "a task of family \"" + family.id() + "\": " + family.tasks(),
                            quoted(task));
                }
                if (!seen.add(task)) {
                    throw fail("tasks[" + i + "]", "each task once", quoted(task) + " again");
                }
            }
        }
        if (!family.hasText()) {
            for (String section : new String[] {"clip_image", "text", "caption"}) {
                Object value = switch (section) {
                    case "clip_image" -> m.clipImage();
                    case "text" -> m.text();
                    default -> m.caption();
                };
                if (value != null) {
                    LOG.warn("bundle '{}': {} is ignored, family '{}' has no text or CLIP stream", bundle, section,
                            family.id());
                }
            }
        }
        return family;
    }

    /** An explicit grid: a known name, or 2 to {@value #MAX_GRID_POINTS} finite, strictly decreasing times in range. */
    private void validateGrid(ScheduleSpec s) {
        GridSpec grid = s.grid();
        if (grid == null) {
            return;
        }
        if (!ScheduleSpec.FLOW.equals(s.type())) {
            throw fail("schedule.grid", "no grid for schedule type \"" + s.type() + "\" (grids are for \""
                    + ScheduleSpec.FLOW + "\" schedules)", "a grid");
        }
        if (grid.name() != null) {
            if (org.unidiff.sampling.solver.NamedGrids.named(grid.name()).isEmpty()) {
                throw fail("schedule.grid", "a list of times or one of "
                        + org.unidiff.sampling.solver.NamedGrids.names(), quoted(grid.name()));
            }
            return;
        }
        java.util.List<Double> t = grid.times();
        if (t == null) {
            throw fail("schedule.grid", "a grid name or a list of times", "another JSON value");
        }
        if (t.size() < 2 || t.size() > MAX_GRID_POINTS) {
            throw fail("schedule.grid", "2 to " + MAX_GRID_POINTS + " times", t.size() + " times");
        }
        for (int i = 0; i < t.size(); i++) {
            Double v = t.get(i);
            if (v == null || !(v >= 0 && v <= 1)) {
                throw fail("schedule.grid[" + i + "]", "a number in [0, 1]", String.valueOf(v));
            }
            if (i > 0 && !(v < t.get(i - 1))) {
                throw fail("schedule.grid[" + i + "]", "less than the time before it (" + t.get(i - 1)
                        + "): grids run from noise (1) to data (0)", String.valueOf(v));
            }
        }
    }

    private void validateClip(ClipImageSpec clip) {
        present("clip_image", clip);
        positive("clip_image.dim", clip.dim());
        ClipPreprocessSpec pre = clip.preprocess();
        present("clip_image.preprocess", pre);
        positive("clip_image.preprocess.size", pre.size());
        oneOf("clip_image.preprocess.resample", pre.resample(), CLIP_RESAMPLES);
        triple("clip_image.preprocess.mean", pre.mean(), false);
        triple("clip_image.preprocess.std", pre.std(), true);
    }

    private void validateText(TextSpec text) {
        present("text", text);
        positive("text.tokens", text.tokens());
        positive("text.dim", text.dim());
        TokenizerSpec tok = text.tokenizer();
        present("text.tokenizer", tok);
        positive("text.tokenizer.max_length", tok.maxLength());
        // The text encoder takes input_ids [B, L]: the prompt ids must fill exactly the L slots.
        if (!tok.maxLength().equals(text.tokens())) {
            throw fail("text.tokenizer.max_length", "equal to text.tokens (" + text.tokens() + ")",
                    String.valueOf(tok.maxLength()));
        }
        nonNegative("text.tokenizer.pad_id", tok.padId());
        if (tok.bosId() != null) {
            nonNegative("text.tokenizer.bos_id", tok.bosId());
        }
        if (tok.eosId() != null) {
            nonNegative("text.tokenizer.eos_id", tok.eosId());
        }
        int specials = (tok.bosId() != null ? 1 : 0) + (tok.eosId() != null ? 1 : 0);
        if (tok.maxLength() <= specials) {
            throw fail("text.tokenizer.max_length", "more than the " + specials + " special ids",
                    String.valueOf(tok.maxLength()));
        }
    }

    private void validateCaption(CaptionSpec caption) {
        present("caption", caption);
        nonNegative("caption.eos_id", caption.eosId());
        positive("caption.max_new_tokens", caption.maxNewTokens());
        positive("caption.beam_size", caption.beamSize());
    }

    private void validateSchedule(ScheduleSpec s) {
        present("schedule", s);
        present("schedule.type", s.type());
        oneOf("schedule.prediction", s.prediction(), PREDICTIONS);
        positive("schedule.train_steps", s.trainSteps());
        if (ScheduleSpec.VP_DISCRETE.equals(s.type())) {
            oneOf("schedule.beta_schedule", s.betaSchedule(), BETA_SCHEDULES);
            positiveFinite("schedule.beta_start", s.betaStart());
            positiveFinite("schedule.beta_end", s.betaEnd());
            if (!(s.betaStart() < s.betaEnd() && s.betaEnd() < 1)) {
                throw fail("schedule.beta_end", "beta_start < beta_end < 1",
                        "beta_start " + s.betaStart() + ", beta_end " + s.betaEnd());
            }
            if (s.trainSteps() < 2) {
                throw fail("schedule.train_steps", "at least 2", String.valueOf(s.trainSteps()));
            }
        } else if (!ScheduleSpec.FLOW.equals(s.type())) {
            throw fail("schedule.type", "\"" + ScheduleSpec.VP_DISCRETE + "\" or \"" + ScheduleSpec.FLOW + "\"",
                    quoted(s.type()));
        }
        validateGrid(s);
    }

    private void validateDefaults(DefaultsSpec d, ScheduleSpec schedule) {
        present("defaults", d);
        oneOf("defaults.sampler", d.sampler(), ManifestReader.KNOWN_SAMPLERS);
        positive("defaults.steps", d.steps());
        // Discrete schedules cannot take more steps than training steps; for flow, train_steps is a time scale.
        if (ScheduleSpec.VP_DISCRETE.equals(schedule.type()) && d.steps() > schedule.trainSteps()) {
            throw fail("defaults.steps", "at most schedule.train_steps (" + schedule.trainSteps() + ")",
                    String.valueOf(d.steps()));
        }
        if (schedule.grid() != null) {
            int gridSteps = schedule.timeGrid().orElseThrow().steps();
            if (d.steps() != gridSteps) {
                throw fail("defaults.steps", "the " + gridSteps + " steps of schedule.grid", String.valueOf(d.steps()));
            }
        }
        present("defaults.guidance_scale", d.guidanceScale());
        if (!(d.guidanceScale() >= 0) || Double.isInfinite(d.guidanceScale())) {
            throw fail("defaults.guidance_scale", "a finite number >= 0", String.valueOf(d.guidanceScale()));
        }
    }

    private void validateComponents(Map<String, ComponentSpec> components, BundleFamily family) {
        present("components", components);
        for (ComponentKind kind : family.components()) {
            String field = "components." + kind.key();
            ComponentSpec spec = components.get(kind.key());
            present(field, spec);
            present(field + ".path", spec.path());
            if (spec.path().isBlank()) {
                throw fail(field + ".path", "a relative file path", "an empty string");
            }
            if (spec.tokenizer() != null && !kind.hasTokenizer()) {
                LOG.warn("bundle '{}': {}.tokenizer is ignored, {} takes no text", bundle, field, kind.key());
            }
        }
        for (String key : components.keySet()) {
            if (ComponentKind.fromKey(key).isEmpty()) {
                LOG.warn("bundle '{}': ignoring unknown component 'components.{}'", bundle, key);
            }
        }
    }

    private void triple(String field, List<Double> values, boolean positive) {
        present(field, values);
        if (values.size() != 3) {
            throw fail(field, "3 values (R, G, B)", values.size() + " values");
        }
        for (int i = 0; i < 3; i++) {
            Double v = values.get(i);
            if (v == null || !Double.isFinite(v) || (positive && v <= 0)) {
                throw fail(field + "[" + i + "]", positive ? "a finite number > 0" : "a finite number",
                        String.valueOf(v));
            }
        }
    }

    private void oneOf(String field, String value, Set<String> allowed) {
        present(field, value);
        if (!allowed.contains(value)) {
            throw fail(field, "one of " + allowed.stream().sorted().map(ManifestValidator::quoted).toList(),
                    quoted(value));
        }
    }

    private void positive(String field, Integer value) {
        present(field, value);
        if (value <= 0) {
            throw fail(field, "a positive integer", String.valueOf(value));
        }
    }

    private void nonNegative(String field, Long value) {
        present(field, value);
        if (value < 0) {
            throw fail(field, "an integer >= 0", String.valueOf(value));
        }
    }

    private void positiveFinite(String field, Double value) {
        present(field, value);
        if (!(value > 0) || Double.isInfinite(value)) {
            throw fail(field, "a finite number > 0", String.valueOf(value));
        }
    }

    private void present(String field, Object value) {
        if (value == null) {
            throw fail(field, "a value", "none (missing or null)");
        }
    }

    private BundleException fail(String field, String expected, String found) {
        return new BundleException(bundle, "manifest", field, expected, found);
    }

    private static String quoted(String s) {
        return s == null ? "none" : "\"" + s + "\"";
    }
}
