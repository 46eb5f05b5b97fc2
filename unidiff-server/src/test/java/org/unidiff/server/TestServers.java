package org.unidiff.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.unidiff.api.core.DefaultBundle;
import org.unidiff.api.Unidiff;
import org.unidiff.api.core.UnidiffOptions;

/** The model shared by the server tests (opened once per test JVM) and a small HTTP client. */
final class TestServers {

    static final ObjectMapper MAPPER = new ObjectMapper();
    private static Unidiff shared;

    private TestServers() {
    }

    /** The bundled default model, opened once; the JVM's exit releases it. */
    static synchronized Unidiff model() {
        if (shared == null) {
            shared = Unidiff.open(UnidiffOptions.defaults());
        }
        return shared;
    }

    /** The shared model as a server's model, serving every built-in task it can. */
    static ServedModel served() {
        return ServedModel.of("shapes", model(), bundleDir(), org.unidiff.api.tasks.TaskRegistry.builtIn());
    }

    static Path bundleDir() {
        return DefaultBundle.locate();
    }

    /** A test configuration: loopback, any free port, short timings. */
    static ServerConfig config() {
        return ServerConfig.defaults().withAddress("127.0.0.1", 0)
                .withTimings(Duration.ofMillis(200), Duration.ofMillis(100), Duration.ofSeconds(10));
    }

    static UnidiffServer start(ServerConfig config) {
        return UnidiffServer.start(model(), bundleDir(), config, org.unidiff.api.tasks.TaskRegistry.builtIn());
    }

    /** A 64 x 64 PNG of a red disc on black, in base64. */
    static String redCirclePng() {
        BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.BLACK);
        g.fillRect(0, 0, 64, 64);
        g.setColor(Color.RED);
        g.fillOval(16, 16, 32, 32);
        g.dispose();
        return Pngs.encode(image);
    }

    /** A response: status, headers and the body parsed as JSON (null if it is not JSON). */
    record Reply(int status, HttpResponse<String> raw, JsonNode json) {
        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        String contentType() {
            return header("Content-Type");
        }
    }

    /** An HTTP client for one server. */
    static class Client {
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        private final String base;
        private final String token;

        Client(UnidiffServer server) {
            this(server, null);
        }

        Client(UnidiffServer server, String token) {
            this(server.port(), token);
        }

        Client(int port, String token) {
            this.base = "http://127.0.0.1:" + port;
            this.token = token;
        }

        Reply get(String path) {
            return send(request(path).GET());
        }

        Reply delete(String path) {
            return send(request(path).DELETE());
        }

        Reply post(String path, String body) {
            return send(request(path).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)));
        }

        Reply post(String path, JsonNode body) {
            return post(path, body.toString());
        }

        HttpRequest.Builder request(String path) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            return b;
        }

        Reply send(HttpRequest.Builder b) {
            try {
                HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                JsonNode json = null;
                try {
                    json = r.body().isBlank() ? null : MAPPER.readTree(r.body());
                } catch (IOException notJson) {
                    json = null;
                }
                return new Reply(r.statusCode(), r, json);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /**
         * Follows the job's event stream until an event's job satisfies {@code condition} (the
         * server pushes every change, so nothing polls), at most {@code seconds}.
         *
         * @return that event's job document
         */
        JsonNode awaitEvent(String id, java.util.function.Predicate<JsonNode> condition, double seconds) {
            HttpRequest r = request("/api/jobs/" + id + "/events").timeout(Duration.ofMillis((long) (seconds * 1000)))
                    .GET().build();
            try {
                HttpResponse<java.util.stream.Stream<String>> lines = http.send(r, HttpResponse.BodyHandlers.ofLines());
                if (lines.statusCode() != 200) {
                    throw new AssertionError("events of job " + id + ": HTTP " + lines.statusCode());
                }
                // The stream sends a keep-alive comment at least every 2 s, so this bound is checked.
                long end = System.nanoTime() + (long) (seconds * 1e9);
                try (java.util.stream.Stream<String> stream = lines.body()) {
                    return stream.peek(l -> {
                        if (System.nanoTime() > end) {
                            throw new AssertionError("job " + id + ": no awaited event within " + seconds + " s");
                        }
                    }).filter(l -> l.startsWith("data: ")).map(l -> {
                        try {
                            return MAPPER.readTree(l.substring(6));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }).filter(condition).findFirst().orElseThrow(
                            () -> new AssertionError("the events of job " + id + " ended before the awaited one"));
                }
            } catch (java.net.http.HttpTimeoutException e) {
                throw new AssertionError("job " + id + ": no awaited event within " + seconds + " s", e);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** Waits (on the job's events) until the job is finished, at most {@code seconds}; its document. */
        JsonNode awaitJob(String id, double seconds) {
            return awaitEvent(id, j -> j.path("status").asText().matches("done|failed|cancelled"), seconds);
        }

        /** Waits (on the job's events) until the job has started, at most {@code seconds}. */
        JsonNode awaitRunning(String id, double seconds) {
            return awaitEvent(id, j -> !j.path("status").asText().equals("queued"), seconds);
        }

        String base() {
            return base;
        }
    }
}
