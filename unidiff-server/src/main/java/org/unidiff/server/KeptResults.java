package org.unidiff.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Which finished jobs a server still keeps for {@code GET /api/jobs/{id}}: at most
 * {@link ServerConfig#maxFinishedJobs()}, none older than {@link ServerConfig#resultTtl()}, and
 * results of at most {@code maxKeptResultBytes} together (oldest dropped first). A result's size
 * is measured as its JSON (base64 images dominate). Filed from a job's finish callback (under the
 * job's monitor), trimmed under the scheduler's lock.
 */
final class KeptResults {

    private final ServerConfig config;
    private final ObjectMapper mapper;
    private final ServerClock clock;
    private final ConcurrentLinkedDeque<Finished> order = new ConcurrentLinkedDeque<>();
    private final AtomicLong bytes = new AtomicLong();

    KeptResults(ServerConfig config, ObjectMapper mapper, ServerClock clock) {
        this.config = config;
        this.mapper = mapper;
        this.clock = clock;
    }

    /** Files a job that just finished. */
    void add(Job.Snapshot job) {
        long size = resultBytes(job);
        bytes.addAndGet(size);
        order.addLast(new Finished(job.id(), job.finishedAt(), size));
    }

    /** Drops finished jobs beyond the count, age or byte limit, oldest first, calling {@code forget} with each id. */
    void trim(Consumer<String> forget) {
        Instant oldest = clock.now().minus(config.resultTtl());
        for (Finished head; (head = order.peekFirst()) != null; ) {
            if (order.size() > config.maxFinishedJobs() || head.at().isBefore(oldest)
                    || bytes.get() > config.limits().maxKeptResultBytes()) {
                order.pollFirst();
                bytes.addAndGet(-head.bytes());
                forget.accept(head.id());
            } else {
                break;
            }
        }
    }

    private long resultBytes(Job.Snapshot job) {
        if (job.result() == null) {
            return 0;
        }
        try {
            return mapper.writeValueAsBytes(job.result()).length;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return 0;
        }
    }

    /** A finished job's id, when it finished, and the bytes its kept result holds. */
    private record Finished(String id, Instant at, long bytes) {
    }
}
