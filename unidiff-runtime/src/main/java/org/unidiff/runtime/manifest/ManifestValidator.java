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

        validateClip(m.clipImage());
        validateText(m.text());
        validateCaption(m.caption());
        validateSchedule(m.schedule());

        if (m.dataType() != null) {
            nonNegative("data_type.default", m.dataType().defaultValue());
        }
        present("group", m.group());
        positive("group.max_size", m.group().maxSize());

        validateDefaults(m.defaults(), m.schedule());
        validateComponents(m.components());
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
    }

    private void validateDefaults(DefaultsSpec d, ScheduleSpec schedule) {
        present("defaults", d);
        oneOf("defaults.sampler", d.sampler(), ManifestReader.KNOWN_SAMPLERS);
        positive("defaults.steps", d.steps());
        if (d.steps() > schedule.trainSteps()) {
            throw fail("defaults.steps", "at most schedule.train_steps (" + schedule.trainSteps() + ")",
                    String.valueOf(d.steps()));
        }
        present("defaults.guidance_scale", d.guidanceScale());
        if (!(d.guidanceScale() >= 0) || Double.isInfinite(d.guidanceScale())) {
            throw fail("defaults.guidance_scale", "a finite number >= 0", String.valueOf(d.guidanceScale()));
        }
    }

    private void validateComponents(Map<String, ComponentSpec> components) {
        present("components", components);
        for (ComponentKind kind : ComponentKind.values()) {
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
