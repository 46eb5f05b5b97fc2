package org.unidiff.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.unidiff.api.InversionRequest;
import org.unidiff.api.InversionResult;
import org.unidiff.api.core.SamplingOptions;
import org.unidiff.api.Unidiff;
import org.unidiff.api.core.UnidiffOptions;
import org.unidiff.api.tasks.TaskRegistry;
import org.unidiff.server.TestServers.Client;
import org.unidiff.server.TestServers.Reply;
import org.unidiff.testtasks.MirrorTask;

/**
 * One server, both shipped bundles and every installed task: the registry's tasks (a task from
 * outside the library among them, {@link MirrorTask}) served by whichever model serves them, a
 * request naming its model or getting the first that serves its task.
 */
class ServerModelsTest {

    private static final Path IN_CONTEXT = Path.of("..", "models", "incontext", "bundle");
    private static Unidiff inContext;
    private static UnidiffServer server;
    private static Client client;

    @BeforeAll
    static void start() {
        inContext = Unidiff.open(UnidiffOptions.defaults().withBundle(IN_CONTEXT));
        TaskRegistry tasks = TaskRegistry.installed();
        server = UnidiffServer.start(List.of(ServedModel.of("shapes", TestServers.model(), TestServers.bundleDir(), tasks),
                ServedModel.of("lavin", inContext, IN_CONTEXT, tasks)), TestServers.config(), ServerClock.system());
        client = new Client(server);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (inContext != null) {
            inContext.close();
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static BufferedImage png(String b64) throws IOException {
        return ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(b64)));
    }

    @Test
    void modelsListsBothBundlesWithTheirTasks() {
        Reply r = client.get("/api/models");
        assertEquals(200, r.status(), r.raw().body());
        JsonNode models = r.json().path("models");
        assertEquals(2, models.size());
        assertEquals("shapes", models.get(0).path("id").asText());
        assertEquals(List.of("text-to-image", "image-to-text", "joint", "image-only", "text-only", "image-variation",
                "text-variation", "group", "inversion", "interpolation", MirrorTask.ID), texts(models.get(0).path("tasks")));
        assertEquals("lavin", models.get(1).path("id").asText());
        assertEquals("in-context", models.get(1).path("family").asText());
        assertEquals(List.of("in-context"), texts(models.get(1).path("tasks")));
        assertEquals("image", models.get(0).path("taskFields").path(MirrorTask.ID).get(0).path("name").asText());
    }

    @Test
    void aTaskFromOutsideTheLibraryIsServed() throws IOException {
        BufferedImage in = png(TestServers.redCirclePng());
        ObjectNode b = TestServers.MAPPER.createObjectNode().put("task", MirrorTask.ID)
                .put("image", TestServers.redCirclePng()).put("note", "mirror me").put("seed", 2);
        Reply r = client.post("/api/run", b);
        assertEquals(200, r.status(), r.raw().body());
        JsonNode result = r.json().path("result");
        assertEquals(List.of("MIRROR ME"), texts(result.path("texts")));
        assertEquals("shapes", r.json().path("model").asText());
        BufferedImage out = png(result.path("images").get(0).asText());
        BufferedImage want = MirrorTask.mirror(in);
        for (int y = 0; y < want.getHeight(); y++) {
            for (int x = 0; x < want.getWidth(); x++) {
                assertEquals(want.getRGB(x, y), out.getRGB(x, y), "pixel " + x + "," + y);
            }
        }
        assertEquals(MirrorTask.ID, result.path("parameters").path("task").asText());
    }

    @Test
    void inversionIsServedAndEqualsTheLibraryCall() throws IOException {
        ObjectNode b = TestServers.MAPPER.createObjectNode().put("task", "inversion").put("model", "shapes")
                .put("image", TestServers.redCirclePng()).put("steps", 4).put("refinements", 0);
        Reply r = client.post("/api/run", b);
        assertEquals(200, r.status(), r.raw().body());
        InversionResult want = TestServers.model().invert(new InversionRequest(png(TestServers.redCirclePng()), 0, false,
                SamplingOptions.defaults().withSteps(4)));
        JsonNode noise = r.json().path("result").path("noise");
        double[] got = new double[noise.size()];
        for (int i = 0; i < got.length; i++) {
            got[i] = noise.get(i).asDouble();
        }
        assertArrayEquals(want.noise(), got, 0.0);
    }

    @Test
    void aRequestGoesToTheModelItNamesOrTheFirstThatServesItsTask() {
        ObjectNode wrongModel = TestServers.MAPPER.createObjectNode().put("task", "text-to-image").put("model", "lavin")
                .put("prompt", "a red circle");
        Reply r = client.post("/api/run", wrongModel);
        assertEquals(400, r.status(), r.raw().body());
        assertTrue(r.json().path("detail").asText().contains("in-context"), r.raw().body());
        ObjectNode unknown = TestServers.MAPPER.createObjectNode().put("task", "text-to-image").put("model", "sd3")
                .put("prompt", "a red circle");
        Reply u = client.post("/api/run", unknown);
        assertEquals(400, u.status());
        assertTrue(u.json().path("detail").asText().contains("shapes, lavin"), u.raw().body());
        ObjectNode t2i = TestServers.MAPPER.createObjectNode().put("task", "text-to-image").put("prompt", "a red circle")
                .put("steps", 2);
        Reply ok = client.post("/api/run", t2i);
        assertEquals(200, ok.status(), ok.raw().body());
        assertEquals("shapes", ok.json().path("model").asText());
    }
}
