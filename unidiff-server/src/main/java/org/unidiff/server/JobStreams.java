package org.unidiff.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import jakarta.servlet.ServletOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The responses that stay open while a job runs: a job's server-sent events and the synchronous
 * calls (plain, kept alive, and the OpenAI route's wait), each kind capped at
 * {@link ServerConfig#maxStreams()} at once so that waiting clients cannot hold every thread.
 */
final class JobStreams {

    private static final Logger LOG = LoggerFactory.getLogger(JobStreams.class);

    private final JobScheduler scheduler;
    private final Metrics metrics;
    private final ServerConfig config;
    private final ObjectMapper mapper;
    private final Semaphore streams;
    private final Semaphore syncCalls;

    JobStreams(JobScheduler scheduler, Metrics metrics, ServerConfig config, ObjectMapper mapper) {
        this.scheduler = scheduler;
        this.metrics = metrics;
        this.config = config;
        this.mapper = mapper;
        this.streams = new Semaphore(config.maxStreams());
        this.syncCalls = new Semaphore(config.maxStreams());
    }

    /**
     * Server-sent events: {@code progress} on each change (coalesced to the latest when the
     * reader is slow), then one of {@code done}, {@code failed}, {@code cancelled} with the full
     * job, then the stream ends. Comments keep the connection alive.
     */
    void events(Context ctx, Job job) throws IOException, InterruptedException {
        if (!streams.tryAcquire()) {
            metrics.refused("streams");
            throw Problem.tooManyStreams(config.maxStreams());
        }
        try {
            ctx.status(200);
            ctx.res().setContentType("text/event-stream;charset=utf-8");
            ctx.res().setHeader("Cache-Control", "no-cache");
            ServletOutputStream out = ctx.res().getOutputStream();
            long seen = -1;
            long keepAlive = Math.max(1000, config.heartbeat().toMillis() * 20);
            while (true) {
                Job.Snapshot s = job.awaitChange(seen, keepAlive);
                if (s.version() == seen) {
                    out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    continue;
                }
                seen = s.version();
                boolean end = s.state().finished();
                String name = end ? s.state().name().toLowerCase(java.util.Locale.ROOT) : "progress";
                String data = mapper.writeValueAsString(JobDocuments.of(mapper, s, end));
                out.write(("id: " + s.version() + "\nevent: " + name + "\ndata: " + data + "\n\n")
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (end) {
                    return;
                }
            }
        } catch (IOException e) {
            // The reader went away; the job goes on (DELETE cancels it).
            LOG.debug("event stream of job {} closed by the client", job.id());
        } finally {
            streams.release();
        }
    }

    /**
     * A synchronous call: answers the finished job with its own status (200 done, or the
     * failure's status with its problem document), however long it runs.
     *
     * <p>With {@code ?keepAlive=true} a call still running after
     * {@link ServerConfig#syncCommitDelay()} is answered 200 at once and kept alive with spaces
     * (JSON allows leading whitespace), so that a client that disconnects is noticed, and its job
     * cancelled, within a keep-alive interval and one model evaluation; the price, which the
     * client opts into, is that a failure after that moment comes as a problem document in a 200
     * (HTTP/1.1 cannot change a status already sent).
     */
    void runSync(Context ctx, Submission<?> submission) throws IOException, InterruptedException {
        if (!"true".equalsIgnoreCase(ctx.queryParam("keepAlive"))) {
            Job.Snapshot s = runToEnd(submission);
            if (s.state() == Job.State.DONE) {
                json(ctx, mapper, 200, JobDocuments.of(mapper, s, true));
            } else {
                problem(ctx, mapper, s.error());
            }
            return;
        }
        if (!syncCalls.tryAcquire()) {
            metrics.refused("sync-calls");
            throw Problem.tooManySyncCalls(config.maxStreams());
        }
        try {
            Job job = scheduler.submit(submission);
            long deadline = System.nanoTime() + config.syncCommitDelay().toNanos();
            Job.Snapshot s = job.snapshot();
            while (!s.state().finished() && System.nanoTime() < deadline) {
                s = job.awaitChange(s.version(), Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            }
            if (s.state().finished()) {
                if (s.state() == Job.State.DONE) {
                    json(ctx, mapper, 200, JobDocuments.of(mapper, s, true));
                } else {
                    problem(ctx, mapper, s.error());
                }
                return;
            }
            ctx.status(200);
            ctx.res().setContentType("application/json");
            ServletOutputStream out = ctx.res().getOutputStream();
            try {
                while (!s.state().finished()) {
                    out.write(' ');
                    out.flush();
                    s = job.awaitChange(s.version(), config.heartbeat().toMillis());
                }
                ObjectNode body = s.state() == Job.State.DONE ? JobDocuments.of(mapper, s, true) : s.error().toJson(mapper, ctx.path());
                out.write(mapper.writeValueAsBytes(body));
                out.flush();
            } catch (IOException e) {
                scheduler.cancel(job.id(), "the client of the synchronous call disconnected");
                LOG.debug("synchronous call of job {}: client gone, job cancelled", job.id());
            }
        } finally {
            syncCalls.release();
        }
    }

    /**
     * Queues a submission and waits for its end without answering early (the OpenAI-style
     * endpoint's way: its clients read the status line as the outcome). Shares the cap of
     * synchronous calls.
     */
    Job.Snapshot runToEnd(Submission<?> submission) throws InterruptedException {
        if (!syncCalls.tryAcquire()) {
            metrics.refused("sync-calls");
            throw Problem.tooManySyncCalls(config.maxStreams());
        }
        try {
            Job job = scheduler.submit(submission);
            return job.await(s -> s.state().finished(), OpenAiImages.WAIT_LIMIT);
        } finally {
            syncCalls.release();
        }
    }

    /** Answers {@code body} as JSON with {@code status}. */
    static void json(Context ctx, ObjectMapper mapper, int status, ObjectNode body) {
        try {
            ctx.status(status).contentType("application/json").result(mapper.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write JSON", e);
        }
    }

    /** Answers a problem document with its status and headers. */
    static void problem(Context ctx, ObjectMapper mapper, Problem p) {
        p.headers().forEach(ctx::header);
        try {
            ctx.status(p.status()).contentType(Problem.MEDIA_TYPE)
                    .result(mapper.writeValueAsString(p.toJson(mapper, ctx.path())));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write a problem document", e);
        }
    }
}
