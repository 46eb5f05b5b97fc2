package org.unidiff.runtime.manifest;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
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
    private static final Pattern VARIANT_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

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
        inRange("image.height", m.image().height(), 1, ManifestLimits.MAX_IMAGE_SIDE);
        inRange("image.width", m.image().width(), 1, ManifestLimits.MAX_IMAGE_SIDE);

        present("latent", m.latent());
        inRange("latent.channels", m.latent().channels(), 1, ManifestLimits.MAX_LATENT_CHANNELS);
        inRange("latent.height", m.latent().height(), 1, ManifestLimits.MAX_LATENT_SIDE);
        inRange("latent.width", m.latent().width(), 1, ManifestLimits.MAX_LATENT_SIDE);
        positiveFinite("latent.scaling_factor", m.latent().scalingFactor());
        atMost("latent.scaling_factor", m.latent().scalingFactor(), ManifestLimits.MAX_SCALING_FACTOR);

        BundleFamily family = validateFamily(m);
        if (family.hasText()) {
            validateClip(m.clipImage());
            validateText(m.text());
            validateCaption(m.caption());
        }
        validateSchedule(m.schedule());

        if (m.dataType() != null) {
            idInRange("data_type.default", m.dataType().defaultValue(), ManifestLimits.MAX_DATA_TYPE);
        }
        present("group", m.group());
        inRange("group.max_size", m.group().maxSize(), 1, ManifestLimits.MAX_GROUP_SIZE);

        validateDefaults(m.defaults(), m.schedule());
        validateComponents(m.components(), family);
    }

    private static final java.util.regex.Pattern TASK_ID = java.util.regex.Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    /** A known family, and task ids (when listed) each well formed and once. */
    private BundleFamily validateFamily(BundleManifest m) {
        BundleFamily family = BundleFamily.UNIDIFFUSER;
        if (m.family() != null) {
            family = BundleFamily.fromId(m.family()).orElseThrow(() -> fail("family", "one of "
                    + java.util.Arrays.stream(BundleFamily.values()).map(f -> quoted(f.id())).toList(),
                    quoted(m.family())));
        }
        if (m.tasks() != null) {
            // The list is open (a user's task may be named): checked for form, not against a closed list.
            if (m.tasks().isEmpty()) {
                throw fail("tasks", "at least one task id (leave tasks out to serve every task of family \""
                        + family.id() + "\")", "[]");
            }
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (int i = 0; i < m.tasks().size(); i++) {
                String task = m.tasks().get(i);
                if (task == null || !TASK_ID.matcher(task).matches()) {
                    throw fail("tasks[" + i + "]", "a task id: lower-case words joined by hyphens (e.g. \"in-context\")",
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
        inRange("clip_image.dim", clip.dim(), 1, ManifestLimits.MAX_EMBEDDING_DIM);
        ClipPreprocessSpec pre = clip.preprocess();
        present("clip_image.preprocess", pre);
        inRange("clip_image.preprocess.size", pre.size(), 1, ManifestLimits.MAX_IMAGE_SIDE);
        oneOf("clip_image.preprocess.resample", pre.resample(), CLIP_RESAMPLES);
        triple("clip_image.preprocess.mean", pre.mean(), false);
        triple("clip_image.preprocess.std", pre.std(), true);
    }

    private void validateText(TextSpec text) {
        present("text", text);
        inRange("text.tokens", text.tokens(), 1, ManifestLimits.MAX_TEXT_TOKENS);
        inRange("text.dim", text.dim(), 1, ManifestLimits.MAX_EMBEDDING_DIM);
        TokenizerSpec tok = text.tokenizer();
        present("text.tokenizer", tok);
        positive("text.tokenizer.max_length", tok.maxLength());
        // The text encoder takes input_ids [B, L]: the prompt ids must fill exactly the L slots.
        if (!tok.maxLength().equals(text.tokens())) {
            throw fail("text.tokenizer.max_length", "equal to text.tokens (" + text.tokens() + ")",
                    String.valueOf(tok.maxLength()));
        }
        idInRange("text.tokenizer.pad_id", tok.padId(), ManifestLimits.MAX_TOKEN_ID);
        if (tok.bosId() != null) {
            idInRange("text.tokenizer.bos_id", tok.bosId(), ManifestLimits.MAX_TOKEN_ID);
        }
        if (tok.eosId() != null) {
            idInRange("text.tokenizer.eos_id", tok.eosId(), ManifestLimits.MAX_TOKEN_ID);
        }
        int specials = (tok.bosId() != null ? 1 : 0) + (tok.eosId() != null ? 1 : 0);
        if (tok.maxLength() <= specials) {
            throw fail("text.tokenizer.max_length", "more than the " + specials + " special ids",
                    String.valueOf(tok.maxLength()));
        }
    }

    private void validateCaption(CaptionSpec caption) {
        present("caption", caption);
        idInRange("caption.eos_id", caption.eosId(), ManifestLimits.MAX_TOKEN_ID);
        // Beam search keeps beam_size hypotheses of up to max_new_tokens ids and runs the decoder
        // beam_size x max_new_tokens times: both are bounded so a hostile bundle cannot exhaust memory.
        inRange("caption.max_new_tokens", caption.maxNewTokens(), 1, ManifestLimits.MAX_NEW_TOKENS);
        inRange("caption.beam_size", caption.beamSize(), 1, ManifestLimits.MAX_BEAM_SIZE);
    }

    private void validateSchedule(ScheduleSpec s) {
        present("schedule", s);
        present("schedule.type", s.type());
        oneOf("schedule.prediction", s.prediction(), PREDICTIONS);
        // The discrete schedule holds arrays of train_steps values.
        inRange("schedule.train_steps", s.trainSteps(), 1, ManifestLimits.MAX_TRAIN_STEPS);
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
        inRange("defaults.steps", d.steps(), 1, ManifestLimits.MAX_STEPS);
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
        atMost("defaults.guidance_scale", d.guidanceScale(), ManifestLimits.MAX_GUIDANCE);
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
            validateVariants(field, spec.variants());
        }
        for (String key : components.keySet()) {
            if (ComponentKind.fromKey(key).isEmpty()) {
                LOG.warn("bundle '{}': ignoring unknown component 'components.{}'", bundle, key);
            }
        }
    }

    private void validateVariants(String field, Map<String, VariantSpec> variants) {
        if (variants.size() > ManifestLimits.MAX_VARIANTS) {
            throw fail(field + ".variants", "at most " + ManifestLimits.MAX_VARIANTS + " variants",
                    variants.size() + " variants");
        }
        for (Map.Entry<String, VariantSpec> v : variants.entrySet()) {
            String vField = field + ".variants." + v.getKey();
            if (!VARIANT_NAME.matcher(v.getKey()).matches()) {
                throw fail(field + ".variants", "variant names of lower-case letters, digits and '-' (1 to 32, "
                        + "starting with a letter or digit)", quoted(v.getKey()));
            }
            present(vField, v.getValue());
            present(vField + ".path", v.getValue().path());
            if (v.getValue().path().isBlank()) {
                throw fail(vField + ".path", "a relative file path", "an empty string");
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
            if (v == null || !Double.isFinite(v) || (positive && v <= 0)
                    || Math.abs(v) > ManifestLimits.MAX_NORMALIZATION) {
                throw fail(field + "[" + i + "]", (positive ? "a finite number > 0" : "a finite number")
                        + " of magnitude at most " + ManifestLimits.MAX_NORMALIZATION, String.valueOf(v));
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

    private void inRange(String field, Integer value, int min, int max) {
        present(field, value);
        if (value < min || value > max) {
            throw fail(field, min == 1 && max == Integer.MAX_VALUE ? "a positive integer"
                    : "an integer from " + min + " to " + max, String.valueOf(value));
        }
    }

    private void idInRange(String field, Long value, long max) {
        present(field, value);
        if (value < 0) {
            throw fail(field, "an integer >= 0", String.valueOf(value));
        }
        if (value > max) {
            throw fail(field, "an integer from 0 to " + max, String.valueOf(value));
        }
    }

    private void atMost(String field, double value, double max) {
        if (value > max) {
            throw fail(field, "at most " + max, String.valueOf(value));
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
