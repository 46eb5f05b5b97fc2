package org.unidiff.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters and histograms of the service, rendered in the Prometheus text exposition format
 * (version 0.0.4) at {@code /metrics}: queue length, running jobs, jobs done, failed, cancelled
 * and refused, batch sizes, seconds per job and seconds waited in the queue.
 */
public final class Metrics {

    /** The content type of the rendering. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final AtomicLong submitted = new AtomicLong();
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong cancelled = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final java.util.concurrent.ConcurrentHashMap<String, AtomicLong> refused =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final Histogram batchSize = new Histogram(1, 2, 4, 8, 16, 32, 64);
    private final Histogram jobSeconds = new Histogram(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300);
    private final Histogram queueSeconds = new Histogram(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60);

    void submitted() {
        submitted.incrementAndGet();
    }

    void reject() {
        rejected.incrementAndGet();
    }

    /** Counts a request refused with 429 because too many {@code what} (streams, sync-calls) were open. */
    void refused(String what) {
        refused.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
    }

    /** Requests refused because too many of {@code what} were open. */
    public long refusedCount(String what) {
        AtomicLong n = refused.get(what);
        return n == null ? 0 : n.get();
    }

    void batch(int size) {
        batchSize.observe(size);
    }

    void queued(double seconds) {
        queueSeconds.observe(seconds);
    }

    /** Counts a job that just finished, by how it ended. */
    void finished(Job.Snapshot job) {
        switch (job.state()) {
            case DONE -> {
                done.incrementAndGet();
                jobSeconds.observe(job.runSeconds());
            }
            case FAILED -> failed.incrementAndGet();
            case CANCELLED -> cancelled.incrementAndGet();
            default -> throw new IllegalStateException("job " + job.id() + " is not finished: " + job.state());
        }
    }

    /** Jobs done so far. */
    public long done() {
        return done.get();
    }

    /** Jobs failed so far. */
    public long failed() {
        return failed.get();
    }

    /** Jobs cancelled so far. */
    public long cancelled() {
        return cancelled.get();
    }

    /** Submissions refused because the queue was full. */
    public long rejected() {
        return rejected.get();
    }

    /** Mean seconds of a finished job, or 0 before the first. */
    double meanJobSeconds() {
        return jobSeconds.mean();
    }

    /** The Prometheus text rendering, with the current queue length and running jobs. */
    public String render(int queueLength, int running) {
        StringBuilder sb = new StringBuilder(2048);
        gauge(sb, "unidiff_queue_length", "Jobs waiting in the queue.", queueLength);
        gauge(sb, "unidiff_jobs_running", "Jobs in running batches.", running);
        counter(sb, "unidiff_jobs_submitted_total", "Jobs accepted into the queue.", submitted.get());
        sb.append("# HELP unidiff_jobs_finished_total Jobs finished, by outcome.\n")
                .append("# TYPE unidiff_jobs_finished_total counter\n")
                .append("unidiff_jobs_finished_total{outcome=\"done\"} ").append(done.get()).append('\n')
                .append("unidiff_jobs_finished_total{outcome=\"failed\"} ").append(failed.get()).append('\n')
                .append("unidiff_jobs_finished_total{outcome=\"cancelled\"} ").append(cancelled.get()).append('\n');
        counter(sb, "unidiff_jobs_rejected_total", "Submissions refused with 429 because the queue was full.",
                rejected.get());
        sb.append("# HELP unidiff_requests_refused_total Requests refused with 429 because too many were open, by kind.\n")
                .append("# TYPE unidiff_requests_refused_total counter\n");
        for (String kind : java.util.List.of("streams", "sync-calls")) {
            sb.append("unidiff_requests_refused_total{kind=\"").append(kind).append("\"} ")
                    .append(refusedCount(kind)).append('\n');
        }
        batchSize.render(sb, "unidiff_batch_size", "Jobs per batched engine call.");
        jobSeconds.render(sb, "unidiff_job_seconds", "Seconds from the start of a job's batch to its result.");
        queueSeconds.render(sb, "unidiff_queue_wait_seconds", "Seconds a job waited in the queue.");
        return sb.toString();
    }

    private static void gauge(StringBuilder sb, String name, String help, long value) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" gauge\n")
                .append(name).append(' ').append(value).append('\n');
    }

    private static void counter(StringBuilder sb, String name, String help, long value) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" counter\n")
                .append(name).append(' ').append(value).append('\n');
    }

    /** A fixed-bucket histogram; synchronized because observations come from several threads. */
    private static final class Histogram {
        private final double[] bounds;
        private final long[] counts;
        private double sum;
        private long count;

        Histogram(double... bounds) {
            this.bounds = bounds.clone();
            this.counts = new long[bounds.length];
        }

        synchronized void observe(double value) {
            for (int i = 0; i < bounds.length; i++) {
                if (value <= bounds[i]) {
                    counts[i]++;
                }
            }
            sum += value;
            count++;
        }

        synchronized double mean() {
            return count == 0 ? 0 : sum / count;
        }

        synchronized void render(StringBuilder sb, String name, String help) {
            sb.append("# HELP ").append(name).append(' ').append(help).append('\n')
                    .append("# TYPE ").append(name).append(" histogram\n");
            for (int i = 0; i < bounds.length; i++) {
                sb.append(name).append("_bucket{le=\"").append(format(bounds[i])).append("\"} ")
                        .append(counts[i]).append('\n');
            }
            sb.append(name).append("_bucket{le=\"+Inf\"} ").append(count).append('\n')
                    .append(name).append("_sum ").append(format(sum)).append('\n')
                    .append(name).append("_count ").append(count).append('\n');
        }

        private static String format(double v) {
            return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
        }
    }
}
