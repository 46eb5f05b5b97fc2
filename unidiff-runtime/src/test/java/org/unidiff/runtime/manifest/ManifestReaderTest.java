package org.unidiff.runtime.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.unidiff.runtime.BundleException;
import org.unidiff.runtime.ComponentKind;
import org.unidiff.runtime.Fixtures;
import org.unidiff.sampling.PredictionType;
import org.unidiff.sampling.schedule.NoiseSchedule;

class ManifestReaderTest {

    @Test
    void readsEveryFieldOfTheFixtureManifest() {
        BundleManifest m = ManifestReader.read(Fixtures.tinyBundle());
        assertEquals("tiny-fixture", m.name());
        assertEquals(8, m.image().height());
        assertEquals(2, m.latent().channels());
        assertEquals(0.5, m.latent().scalingFactor());
        assertEquals(32, m.latent().size());
        assertEquals(4, m.clipImage().dim());
        assertEquals("bicubic", m.clipImage().preprocess().resample());
        assertEquals(List.of(0.5, 0.25, 0.125), m.clipImage().preprocess().std());
        assertEquals(4, m.text().tokenizer().maxLength());
        assertEquals(1L, m.text().tokenizer().bos().getAsLong());
        assertEquals(2L, m.caption().eosId());
        assertEquals(3, m.caption().beamSize());
        assertEquals(PredictionType.EPSILON, m.schedule().predictionType());
        assertEquals(1L, m.dataTypeDefault().orElseThrow());
        assertEquals(2, m.group().maxSize());
        assertEquals(7.0, m.defaults().guidanceScale());
        assertEquals("vae_decoder/model.onnx", m.component(ComponentKind.VAE_DECODER).path());
        assertEquals("text_decoder/tokenizer.json", m.component(ComponentKind.TEXT_DECODER).tokenizerPath());
    }

    @Test
    void scheduleBuildsTheUniDiffuserCheckValues() {
        NoiseSchedule schedule = ManifestReader.read(Fixtures.tinyBundle()).schedule().toNoiseSchedule();
        // Check values of the reference page, section 2.
        assertEquals(0.068265, schedule.alpha(1.0), 1e-6);
        assertEquals(0.029155, schedule.sigma(0.001), 1e-6);
    }

    @Test
    void unknownFieldsAreToleratedAndReported() {
        ObjectNode tree = Fixtures.tinyManifestTree();
        tree.put("future_field", 3);
        ((ObjectNode) tree.get("latent")).putObject("extra").put("deep", true);
        List<String> seen = new ArrayList<>();
        BundleManifest m = ManifestReader.parse(Fixtures.toJson(tree), "b", seen::add);
        assertEquals(2, m.latent().channels());
        assertEquals(java.util.Set.of("/future_field", "/latent/extra"), java.util.Set.copyOf(seen));
    }

    @Test
    void dataTypeMayBeAbsent() {
        ObjectNode tree = Fixtures.tinyManifestTree();
        tree.remove("data_type");
        assertTrue(ManifestReader.parse(Fixtures.toJson(tree), "b", f -> { }).dataTypeDefault().isEmpty());
    }

    @Test
    void malformedJsonNamesTheSyntaxErrorPosition() {
        String broken = Fixtures.toJson(Fixtures.tinyManifestTree()).replaceFirst("\"name\"", "name");
        BundleException e = assertThrows(BundleException.class, () -> ManifestReader.parse(broken, "bundle-x", f -> { }));
        assertEquals("manifest", e.component());
        assertEquals("well-formed JSON", e.expected());
        assertTrue(e.getMessage().contains("bundle-x") && e.getMessage().contains("line 1"), e.getMessage());
    }

    @Test
    void missingManifestFileIsNamed(@TempDir Path dir) {
        BundleException e = assertThrows(BundleException.class, () -> ManifestReader.read(dir));
        assertEquals("unidiff.json", e.field());
        assertEquals("no such file", e.found());
    }

    /** Each row: a JSON pointer to replace, its new JSON value (or "REMOVE"), the field and found text named. */
    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
        "/format                          | '\"other\"'          | format                          | \"other\"",
        "/version                         | 2                    | version                         | 2",
        "/schedule/type                   | '\"cosine-ish\"'     | schedule.type                   | \"cosine-ish\"",
        "/schedule/beta_schedule          | '\"squaredcos\"'     | schedule.beta_schedule          | \"squaredcos\"",
        "/schedule/prediction             | '\"noise\"'          | schedule.prediction             | \"noise\"",
        "/schedule/beta_end               | 0.0001               | schedule.beta_end               | beta_start 8.5E-4, beta_end 1.0E-4",
        "/latent/channels                 | 0                    | latent.channels                 | 0",
        "/latent/channels                 | REMOVE               | latent.channels                 | none (missing or null)",
        "/latent/scaling_factor           | -0.18                | latent.scaling_factor           | -0.18",
        "/image/width                     | -8                   | image.width                     | -8",
        "/clip_image/preprocess/resample  | '\"lanczos\"'        | clip_image.preprocess.resample  | \"lanczos\"",
        "/clip_image/preprocess/mean      | '[0.5, 0.5]'         | clip_image.preprocess.mean      | 2 values",
        "/clip_image/preprocess/std       | '[0.5, 0, 0.5]'      | clip_image.preprocess.std[1]    | 0.0",
        "/text/tokenizer/max_length       | 5                    | text.tokenizer.max_length       | 5",
        "/text/tokenizer/pad_id           | -1                   | text.tokenizer.pad_id           | -1",
        "/caption/beam_size               | 0                    | caption.beam_size               | 0",
        "/group/max_size                  | 0                    | group.max_size                  | 0",
        "/defaults/sampler                | '\"plms\"'           | defaults.sampler                | \"plms\"",
        "/defaults/steps                  | 2000                 | defaults.steps                  | 2000",
        "/defaults/guidance_scale         | -1                   | defaults.guidance_scale         | -1.0",
        "/components/vae_encoder          | REMOVE               | components.vae_encoder          | none (missing or null)",
        "/components/text_encoder/path    | '\"\"'               | components.text_encoder.path    | an empty string",
        // Hostile numbers: each would size a buffer or a search before any model runs.
        "/caption/beam_size               | 1000000              | caption.beam_size               | 1000000",
        "/caption/max_new_tokens          | 1000000000           | caption.max_new_tokens          | 1000000000",
        "/schedule/train_steps            | 2000000000           | schedule.train_steps            | 2000000000",
        "/group/max_size                  | 100000               | group.max_size                  | 100000",
        "/image/height                    | 1000000              | image.height                    | 1000000",
        "/latent/width                    | 65536                | latent.width                    | 65536",
        "/latent/channels                 | 100000               | latent.channels                 | 100000",
        "/latent/scaling_factor           | 1e300                | latent.scaling_factor           | 1.0E300",
        "/clip_image/dim                  | 1000000              | clip_image.dim                  | 1000000",
        "/clip_image/preprocess/size      | 1000000              | clip_image.preprocess.size      | 1000000",
        "/clip_image/preprocess/mean      | '[0.5, 1e300, 0.5]'  | clip_image.preprocess.mean[1]   | 1.0E300",
        "/text/dim                        | 1000000              | text.dim                        | 1000000",
        "/text/tokenizer/bos_id           | 10000000000          | text.tokenizer.bos_id           | 10000000000",
        "/caption/eos_id                  | 10000000000          | caption.eos_id                  | 10000000000",
        "/data_type/default               | 10000000000          | data_type.default               | 10000000000",
        "/defaults/guidance_scale         | 1e9                  | defaults.guidance_scale         | 1.0E9",
    })
    void invalidFieldsAreRefusedByName(String pointer, String value, String field, String found) {
        BundleException e = assertThrows(BundleException.class,
                () -> ManifestReader.parse(Fixtures.toJson(mutate(pointer, value)), "b", f -> { }));
        assertEquals("manifest", e.component());
        assertEquals(field, e.field(), e.getMessage());
        assertEquals(found, e.found(), e.getMessage());
    }

    @Test
    void aHostileValueIsRefusedWithTheBundleTheFieldTheRangeAndTheValue() {
        BundleException e = assertThrows(BundleException.class,
                () -> ManifestReader.parse(Fixtures.toJson(mutate("/caption/beam_size", "1000000")), "evil", f -> { }));
        assertEquals("an integer from 1 to " + ManifestLimits.MAX_BEAM_SIZE, e.expected());
        assertTrue(e.getMessage().contains("evil") && e.getMessage().contains("caption.beam_size")
                && e.getMessage().contains("1000000"), e.getMessage());
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
        "/latent/channels   | 2.5        | latent.channels",
        "/latent/channels   | '\"2\"'    | latent.channels",
        "/clip_image/dim    | '[4]'      | clip_image.dim",
        "/image             | 8          | image",
    })
    void wrongJsonTypesNameTheField(String pointer, String value, String field) {
        BundleException e = assertThrows(BundleException.class,
                () -> ManifestReader.parse(Fixtures.toJson(mutate(pointer, value)), "b", f -> { }));
        assertEquals(field, e.field(), e.getMessage());
    }

    private static ObjectNode mutate(String pointer, String value) {
        ObjectNode tree = Fixtures.tinyManifestTree();
        int slash = pointer.lastIndexOf('/');
        ObjectNode parent = (ObjectNode) tree.at(pointer.substring(0, slash));
        String key = pointer.substring(slash + 1);
        if ("REMOVE".equals(value)) {
            parent.remove(key);
        } else {
            JsonNode node = Fixtures.parseJson(value);
            parent.set(key, node);
        }
        return tree;
    }
}
