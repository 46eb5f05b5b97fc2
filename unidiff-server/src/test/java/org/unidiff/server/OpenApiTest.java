package org.unidiff.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.unidiff.server.TestServers.Client;
import org.unidiff.server.TestServers.Reply;

/** The served OpenAPI description and the server's routes are the same set, and each described route answers. */
class OpenApiTest {

    @Test
    void theDescriptionListsExactlyTheRoutesAndEachAnswers() {
        try (UnidiffServer server = TestServers.start(TestServers.config())) {
            Client client = new Client(server);
            Reply doc = client.get("/api/openapi.json");
            assertEquals(200, doc.status());
            assertEquals("3.1.0", doc.json().path("openapi").asText());
            Set<String> described = new TreeSet<>();
            for (Iterator<Map.Entry<String, JsonNode>> paths = doc.json().path("paths").fields(); paths.hasNext(); ) {
                Map.Entry<String, JsonNode> p = paths.next();
                for (Iterator<String> methods = p.getValue().fieldNames(); methods.hasNext(); ) {
                    String m = methods.next();
                    if (!m.equals("parameters")) {
                        described.add(m.toUpperCase(Locale.ROOT) + " " + p.getKey());
                    }
                }
            }
            assertEquals(new TreeSet<>(server.registeredRoutes()), described, "routes and the description differ");
            for (String route : described) {
                String method = route.substring(0, route.indexOf(' '));
                String path = route.substring(route.indexOf(' ') + 1).replace("{id}", "no-such-job")
                        .replace("{model}", "no-such-model").replace("{name}", "no-such-set");
                Reply r = switch (method) {
                    case "GET" -> client.get(path);
                    case "POST" -> client.post(path, "{}");
                    case "DELETE" -> client.delete(path);
                    default -> throw new AssertionError(method);
                };
                assertNotEquals(405, r.status(), route);
                boolean jobPath = path.contains("no-such-job");
                // An unknown job (or example set) is a 404 of the route itself (a problem naming the job), never "no such path".
                if (jobPath) {
                    assertEquals("urn:unidiff:problem:no-such-job", r.json().path("type").asText(), route);
                } else if (path.contains("no-such-set")) {
                    assertEquals("urn:unidiff:problem:no-such-example-set", r.json().path("type").asText(), route);
                } else {
                    assertNotEquals(404, r.status(), route);
                }
            }
        }
    }
}
