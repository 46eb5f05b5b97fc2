package org.unidiff.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.unidiff.api.tasks.TaskRegistry;
import org.unidiff.api.ImageResult;
import org.unidiff.api.InContextRequest;
import org.unidiff.api.core.SamplingOptions;
import org.unidiff.api.Unidiff;
import org.unidiff.api.core.UnidiffOptions;
import org.unidiff.api.files.ExampleFolder;
import org.unidiff.api.files.Images;
import org.unidiff.server.TestServers.Client;
import org.unidiff.server.TestServers.Reply;

/**
 * The in-context bundle behind the server: it starts (its manifest has no text section), its model
 * document lists only the task it serves, and an in-context request over HTTP answers exactly what
 * the library answers in-process for the same pairs, query and seed.
 */
class ServerInContextTest {

    private static final Path BUNDLE = Path.of("..", "models", "incontext", "bundle");
    private static final Path EXAMPLES = Path.of("..", "models", "incontext", "examples", "mask");

    @Test
    void anInContextRequestOverHttpAnswersWhatTheLibraryAnswers() throws Exception {
        try (Unidiff unidiff = Unidiff.open(UnidiffOptions.defaults().withBundle(BUNDLE));
             UnidiffServer server = UnidiffServer.start(unidiff, BUNDLE, TestServers.config(), TaskRegistry.builtIn())) {
            Client client = new Client(server);
            JsonNode model = client.get("/api/model").json();
            assertEquals("in-context", model.path("family").asText(), model.toString());
            assertEquals(List.of("in-context"), TestServers.MAPPER.convertValue(model.path("tasks"), List.class));

            List<ExampleFolder.PairFiles> pairs = ExampleFolder.list(EXAMPLES).subList(0, 2);
            Path query = pairs.get(0).input();
            ObjectNode b = TestServers.MAPPER.createObjectNode().put("task", "in-context").put("steps", 4)
                    .put("seed", 9);
            for (ExampleFolder.PairFiles p : pairs) {
                b.withArray("examples").addObject().put("input", base64(p.input())).put("output", base64(p.target()));
            }
            b.put("query", base64(query));
            Reply r = client.post("/api/run", b);
            assertEquals(200, r.status(), r.raw().body());
            JsonNode result = r.json().path("result");
            var served = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder()
                    .decode(result.path("images").get(0).asText())));

            ImageResult local = unidiff.inContext(new InContextRequest(
                    pairs.stream().map(ExampleFolder::read).toList(), Images.read(query),
                    SamplingOptions.defaults().withSteps(4).withSeed(9)));
            assertEquals(local.image().getWidth(), served.getWidth());
            for (int y = 0; y < served.getHeight(); y++) {
                for (int x = 0; x < served.getWidth(); x++) {
                    assertEquals(local.image().getRGB(x, y), served.getRGB(x, y), "pixel " + x + "," + y);
                }
            }

            // A task of the other family is refused by name, with the task this model serves.
            Reply wrong = client.post("/api/run", TestServers.MAPPER.createObjectNode().put("task", "text-to-image")
                    .put("prompt", "a red circle"));
            assertEquals(400, wrong.status(), wrong.raw().body());
            assertTrue(wrong.raw().body().contains("in-context"), wrong.raw().body());
        }
    }

    @Test
    void aServerWithNoAdapterForTheModelsTasksRefusesToStart() {
        TaskRegistry onlyGroup = TaskRegistry.empty().with(TaskRegistry.builtIn().find("group").orElseThrow());
        try (Unidiff unidiff = Unidiff.open(UnidiffOptions.defaults().withBundle(BUNDLE))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> UnidiffServer.start(unidiff, BUNDLE, TestServers.config(), onlyGroup).close());
            assertTrue(e.getMessage().contains("serving [in-context]") && e.getMessage().contains("serves none"),
                    e.getMessage());
        }
    }

    @Test
    void shippedExampleFoldersAreListedAndServedAsTheRequestsExamples() throws Exception {
        ExampleSets sets = ExampleSets.read(EXAMPLES.getParent(), TestServers.MAPPER);
        try (Unidiff unidiff = Unidiff.open(UnidiffOptions.defaults().withBundle(BUNDLE));
             UnidiffServer server = UnidiffServer.start(List.of(ServedModel.of("ic", unidiff, BUNDLE,
                     TaskRegistry.builtIn()).withExamples(sets)), TestServers.config(), ServerClock.system())) {
            Client client = new Client(server);
            JsonNode model = client.get("/api/models").json().path("models").get(0);
            assertEquals(List.of("background_black", "mask", "move_top_right", "recolor_green"),
                    TestServers.MAPPER.convertValue(model.path("exampleSets"), List.class));
            Reply set = client.get("/api/models/ic/examples/mask");
            assertEquals(200, set.status(), set.raw().body());
            JsonNode examples = set.json().path("examples");
            List<ExampleFolder.PairFiles> files = ExampleFolder.list(EXAMPLES);
            assertEquals(files.size(), examples.size());
            for (int i = 0; i < files.size(); i++) {
                assertEquals(base64(files.get(i).input()), examples.get(i).path("input").asText(), "pair " + i);
                assertEquals(base64(files.get(i).target()), examples.get(i).path("output").asText(), "pair " + i);
            }
            Reply unknown = client.get("/api/models/ic/examples/no-such-set");
            assertEquals(404, unknown.status());
            assertTrue(unknown.raw().body().contains("it offers background_black, mask, move_top_right, recolor_green"),
                    unknown.raw().body());
            assertEquals(404, client.get("/api/models/other/examples/mask").status());
        }
    }

    @Test
    void exampleFoldersThatCannotBeServedAreRefusedAtStart(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        IllegalArgumentException notFolder = assertThrows(IllegalArgumentException.class,
                () -> ExampleSets.read(dir.resolve("missing"), TestServers.MAPPER));
        assertTrue(notFolder.getMessage().contains("is not a folder"), notFolder.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> ExampleSets.read(dir, TestServers.MAPPER));
        assertTrue(empty.getMessage().contains("holds no example folder"), empty.getMessage());
        Path half = Files.createDirectories(dir.resolve("half"));
        Files.copy(EXAMPLES.resolve("pair1_input.png"), half.resolve("a_input.png"));
        IllegalArgumentException halfPair = assertThrows(IllegalArgumentException.class,
                () -> ExampleSets.read(dir, TestServers.MAPPER));
        assertTrue(halfPair.getMessage().contains("'a' has an _input.png but no _target.png"), halfPair.getMessage());
        Files.write(half.resolve("a_target.png"), new byte[] {1, 2, 3});
        IllegalArgumentException notImage = assertThrows(IllegalArgumentException.class,
                () -> ExampleSets.read(dir, TestServers.MAPPER));
        assertTrue(notImage.getMessage().contains("a_target.png"), notImage.getMessage());

        // Sets for a model without the in-context task are refused, naming what it serves.
        ExampleSets sets = ExampleSets.read(EXAMPLES.getParent(), TestServers.MAPPER);
        IllegalArgumentException noTask = assertThrows(IllegalArgumentException.class,
                () -> ServedModel.of("shapes", TestServers.model(), TestServers.bundleDir(), TaskRegistry.builtIn())
                        .withExamples(sets));
        assertTrue(noTask.getMessage().contains("does not serve in-context"), noTask.getMessage());
    }

    @Test
    void serveRefusesExampleFoldersNoModelCanUse() {
        java.io.StringWriter err = new java.io.StringWriter();
        ServerMain main = new ServerMain(new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(err, true));
        int code = new picocli.CommandLine(main).execute("--port", "0", "--examples", EXAMPLES.getParent().toString());
        assertEquals(2, code);
        assertTrue(err.toString().contains("no model serves in-context"), err.toString());
    }

    private static String base64(Path file) throws java.io.IOException {
        return Base64.getEncoder().encodeToString(Files.readAllBytes(file));
    }

}
