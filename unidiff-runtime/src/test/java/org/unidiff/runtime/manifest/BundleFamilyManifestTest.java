package org.unidiff.runtime.manifest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.unidiff.runtime.BundleException;
import org.unidiff.runtime.ComponentKind;
import org.unidiff.runtime.Fixtures;
import org.unidiff.sampling.solver.NamedGrids;

/** The manifest's family, served tasks and explicit time grid. */
class BundleFamilyManifestTest {

    /** An in-context manifest: the fixture's sizes, flow schedule, three components, no text sections. */
    private static ObjectNode inContext() {
        ObjectNode tree = Fixtures.tinyManifestTree();
        tree.remove(List.of("clip_image", "text", "caption", "data_type"));
        tree.put("family", "in-context");
        tree.putArray("tasks").add("in-context");
        ObjectNode schedule = tree.putObject("schedule");
        schedule.put("type", "flow").put("train_steps", 1000).put("prediction", "velocity").put("grid", "lavin-dit-20");
        ObjectNode defaults = tree.putObject("defaults");
        defaults.put("sampler", "euler").put("steps", 19).put("guidance_scale", 0.5);
        ObjectNode components = (ObjectNode) tree.get("components");
        components.remove(List.of("image_encoder", "text_encoder", "text_decoder"));
        return tree;
    }

    private static BundleManifest parse(ObjectNode tree) {
        return ManifestReader.parse(tree.toString(), "b", f -> { });
    }

    private static BundleException refused(ObjectNode tree) {
        return assertThrows(BundleException.class, () -> parse(tree));
    }

    @Test
    void version1BundlesAreUniDiffuserAndServeEveryJointTask() {
        BundleManifest m = ManifestReader.read(Fixtures.tinyBundle());
        assertEquals(BundleFamily.UNIDIFFUSER, m.bundleFamily());
        assertTrue(m.serves("image-to-text") && m.serves("group"));
        // Without a list every task of the family is served; whether a task runs on the family is its recipe's to say.
        assertTrue(m.schedule().timeGrid().isEmpty());
    }

    @Test
    void anInContextManifestNeedsNoTextSectionsAndNamesItsGrid() {
        BundleManifest m = parse(inContext());
        assertEquals(BundleFamily.IN_CONTEXT, m.bundleFamily());
        assertTrue(m.serves("in-context"));
        assertFalse(m.serves("text-to-image"));
        assertEquals(java.util.Set.of(ComponentKind.TRANSFORMER, ComponentKind.VAE_ENCODER, ComponentKind.VAE_DECODER),
                m.bundleFamily().components());
        assertArrayEquals(NamedGrids.named("lavin-dit-20").orElseThrow().times(),
                m.schedule().timeGrid().orElseThrow().times(), 0.0);
    }

    @Test
    void listedGridTimesReachTheScheduleExactly() {
        ObjectNode tree = inContext();
        ArrayNode grid = ((ObjectNode) tree.get("schedule")).putArray("grid");
        double[] times = {1.0, 0.93, 0.61, 0.2, 0.0};
        for (double t : times) {
            grid.add(t);
        }
        ((ObjectNode) tree.get("defaults")).put("steps", 4);
        assertArrayEquals(times, parse(tree).schedule().timeGrid().orElseThrow().times(), 0.0);
    }

    @Test
    void badFamiliesTasksAndGridsAreRefusedNamingTheField() {
        ObjectNode family = inContext();
        family.put("family", "lvm");
        assertTrue(refused(family).getMessage().contains("family"));

        ObjectNode task = inContext();
        task.putArray("tasks").add("in-context").add("Image To Text");
        BundleException e = refused(task);
        assertTrue(e.getMessage().contains("tasks[1]") && e.getMessage().contains("Image To Text"), e.getMessage());
        ObjectNode twice = inContext();
        twice.putArray("tasks").add("in-context").add("in-context");
        assertTrue(refused(twice).getMessage().contains("tasks[1]"));

        ObjectNode name = inContext();
        ((ObjectNode) name.get("schedule")).put("grid", "lavin-dit-21");
        assertTrue(refused(name).getMessage().contains("lavin-dit-20"));

        ObjectNode rising = inContext();
        ((ObjectNode) rising.get("schedule")).putArray("grid").add(1.0).add(0.2).add(0.4).add(0.0);
        ((ObjectNode) rising.get("defaults")).put("steps", 3);
        assertTrue(refused(rising).getMessage().contains("schedule.grid[2]"));

        ObjectNode steps = inContext();
        ((ObjectNode) steps.get("defaults")).put("steps", 25);
        assertTrue(refused(steps).getMessage().contains("defaults.steps"));

        ObjectNode vp = Fixtures.tinyManifestTree();
        ((ObjectNode) vp.get("schedule")).put("grid", "lavin-dit-20");
        assertTrue(refused(vp).getMessage().contains("schedule.grid"));

        ObjectNode missing = inContext();
        ((ObjectNode) missing.get("components")).remove("vae_decoder");
        assertTrue(refused(missing).getMessage().contains("components.vae_decoder"));
    }
}
