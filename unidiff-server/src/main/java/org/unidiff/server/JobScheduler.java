package org.unidiff.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unidiff.api.core.CancellationToken;
import org.unidiff.api.core.GenerationCancelledException;
import org.unidiff.api.core.InvalidRequestException;
import org.unidiff.api.core.RunControl;
import org.unidiff.api.tasks.TaskDefinition;
import org.unidiff.api.core.SamplingOptions;

/**
 * The bounded job queue and the workers that run it in batches.
 *
 * <p>A worker takes the oldest queued job, then gathers queued jobs with the same
 * {@link Submission#batchKey() batch key} for at most {@link ServerConfig#batchWait()} (or until
 * {@link ServerConfig#maxBatchSize()} jobs or {@link SamplingOptions#MAX_OUTPUTS} outputs), and
 * runs them in one {@link org.unidiff.api.Unidiff#runAll} call of their model: each result is the one its request gets alone.
 * Jobs with other keys stay queued in order. If the engine refuses a batch because one request
 * in it is bad, each job of the batch is run alone so that only the bad one fails.
 *
 * <p>Cancelling a queued job removes it; cancelling a running job finishes it at once and stops
 * its batch within one model evaluation when no other job of the batch still wants a result.
 * Finished jobs are kept for {@link ServerConfig#resultTtl()}, at most
 * {@link ServerConfig#maxFinishedJobs()}.
 *
 * <p>A job is counted in the metrics and filed among the kept results in the step that finishes
 * it, before its client can see the result (see {@link Job}). Times come from a
 * {@link ServerClock} a test can replace.
 */
public final class JobScheduler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JobScheduler.class);

    private final ServerConfig config;
    private final Metrics metrics;
    private final ObjectMapper mapper;
    private final ServerClock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Job> queue = new ArrayDeque<>();
    private final Map<String, Job> jobs = new HashMap<>();
    /** Finished jobs in order; appended under a job's monitor, so not under {@link #lock}. */
    private final KeptResults kept;
    private final Map<Job, RunningBatch> batchOf = new HashMap<>();
    private final Set<RunningBatch> runningBatches = new HashSet<>();
    private final List<Thread> workers = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicLong heldBytes = new java.util.concurrent.atomic.AtomicLong();
    private volatile Instant outOfMemory;
    private int running;
    private long submissions;
    private Job lastSubmitted;
    private boolean accepting = true;
    private boolean stopped;

    /** Starts the workers, on the system clock. */
    public JobScheduler(ServerConfig config, Metrics metrics, ObjectMapper mapper) {
        this(config, metrics, mapper, ServerClock.system());
    }

    /** Starts the workers, reading time from {@code clock}. */
    public JobScheduler(ServerConfig config, Metrics metrics, ObjectMapper mapper, ServerClock clock) {
        this.config = config;
        this.metrics = metrics;
        this.mapper = mapper;
        this.clock = clock;
        this.kept = new KeptResults(config, mapper, clock);
        for (int i = 0; i < config.workers(); i++) {
            Thread t = new Thread(this::work, "unidiff-worker-" + i);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
    }

    /**
     * Queues a submission.
     *
     * @throws Problem 429 with Retry-After when the queue is full, 503 when shutting down
     */
    public Job submit(Submission<?> submission) {
        lock.lock();
        try {
            purge();
            if (!accepting) {
                throw Problem.shuttingDown();
            }
            if (queue.size() >= config.queueCapacity()) {
                metrics.reject();
                throw Problem.queueFull(config.queueCapacity(), retryAfterSeconds());
            }
            long need = submission.inputBytes();
            long held = heldBytes.get();
            if (need > 0 && held + need > config.limits().maxHeldInputBytes()) {
                // Images are held from submission to the end of the job: bound them in bytes too.
                metrics.reject();
                throw Problem.inputMemoryFull(held, need, config.limits().maxHeldInputBytes(), retryAfterSeconds());
            }
            heldBytes.addAndGet(need);
            Job job = new Job(UUID.randomUUID().toString(), submission, clock, this::finished);
            queue.addLast(job);
            jobs.put(job.id(), job);
            submissions++;
            lastSubmitted = job;
            metrics.submitted();
            changed.signalAll();
            return job;
        } finally {
            lock.unlock();
        }
    }

    /** The job with that id, if it exists and has not expired. */
    public Optional<Job> find(String id) {
        lock.lock();
        try {
            purge();
            return Optional.ofNullable(jobs.get(id));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Cancels a job: a queued one leaves the queue, a running one finishes now and its batch
     * stops within one model evaluation unless other jobs of the batch still run.
     *
     * @return false if there is no such job
     */
    public boolean cancel(String id, String why) {
        Job job;
        RunningBatch batch;
        lock.lock();
        try {
            job = jobs.get(id);
            if (job == null) {
                return false;
            }
            queue.remove(job);
            batch = batchOf.get(job);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        job.cancel(why);
        if (batch != null) {
            batch.cancelIfAllFinished();
        }
        return true;
    }

    /** Up to {@code limit} known jobs in {@code state} (null: any), newest first. */
    public List<Job.Snapshot> list(Job.State state, int limit) {
        List<Job> known;
        lock.lock();
        try {
            purge();
            known = new ArrayList<>(jobs.values());
        } finally {
            lock.unlock();
        }
        // Snapshots outside the scheduler's lock: a job's monitor is never taken under it here.
        return known.stream().map(Job::snapshot).filter(s -> state == null || s.state() == state)
                .sorted(java.util.Comparator.comparing(Job.Snapshot::submittedAt).reversed()
                        .thenComparing(Job.Snapshot::id))
                .limit(limit).toList();
    }

    /** Jobs waiting in the queue. */
    public int queueLength() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until no job is queued or running (for tests and benchmarks: an event, not a guess).
     *
     * @return false if {@code limit} passed first
     */
    public boolean awaitIdle(Duration limit) throws InterruptedException {
        long left = limit.toNanos();
        lock.lock();
        try {
            while (!queue.isEmpty() || running > 0) {
                if (left <= 0) {
                    return false;
                }
                left = changed.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** How many jobs were accepted so far (to wait for the next with {@link #awaitSubmission}). */
    public long submissions() {
        lock.lock();
        try {
            return submissions;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits, woken by each submission, until more than {@code seen} jobs were accepted (tests and
     * tools find the job a synchronous call queued this way).
     *
     * @return the job accepted last, or empty if {@code limit} passed first
     */
    public Optional<Job> awaitSubmission(long seen, Duration limit) throws InterruptedException {
        long left = limit.toNanos();
        lock.lock();
        try {
            while (submissions <= seen) {
                if (left <= 0) {
                    return Optional.empty();
                }
                left = changed.awaitNanos(left);
            }
            return Optional.of(lastSubmitted);
        } finally {
            lock.unlock();
        }
    }

    /** Jobs in running batches. */
    public int running() {
        lock.lock();
        try {
            return running;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Graceful stop: refuses new jobs, lets queued and running ones finish until
     * {@code deadline}, then cancels what is left and stops the workers.
     *
     * @return the number of jobs cancelled at the deadline
     */
    public int shutdown(Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        List<Job> leftover = new ArrayList<>();
        lock.lock();
        try {
            accepting = false;
            changed.signalAll();
            while ((!queue.isEmpty() || running > 0) && System.nanoTime() < end) {
                changed.awaitNanos(Math.max(1, end - System.nanoTime()));
            }
            leftover.addAll(queue);
            queue.clear();
            for (RunningBatch b : runningBatches) {
                leftover.addAll(b.jobs);
            }
            stopped = true;
            changed.signalAll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
        int cancelled = 0;
        for (Job job : leftover) {
            if (job.cancel("the server is shutting down")) {
                cancelled++;
            }
        }
        List<RunningBatch> batches;
        lock.lock();
        try {
            batches = List.copyOf(runningBatches);
        } finally {
            lock.unlock();
        }
        // Outside the lock: a job's monitor is never taken while the scheduler's lock is held.
        batches.forEach(RunningBatch::cancelIfAllFinished);
        for (Thread t : workers) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return cancelled;
    }

    /** Stops at once: {@link #shutdown} with no time to finish. */
    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }

    private void work() {
        while (true) {
            List<Job> batch;
            try {
                batch = nextBatch();
            } catch (InterruptedException e) {
                return;
            }
            if (batch == null) {
                return;
            }
            RunningBatch rb = new RunningBatch(batch);
            lock.lock();
            try {
                runningBatches.add(rb);
                batch.forEach(j -> batchOf.put(j, rb));
            } finally {
                lock.unlock();
            }
            try {
                runBatch(rb);
            } finally {
                lock.lock();
                try {
                    runningBatches.remove(rb);
                    batch.forEach(batchOf::remove);
                    running -= batch.size();
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /** Waits for a job, then gathers compatible ones for a bounded time; null when stopped. */
    private List<Job> nextBatch() throws InterruptedException {
        lock.lock();
        try {
            while (queue.isEmpty() && !stopped) {
                changed.await();
            }
            if (queue.isEmpty()) {
                return null;
            }
            Job first = queue.pollFirst();
            List<Job> batch = new ArrayList<>();
            batch.add(first);
            int outputs = first.submission().outputs();
            long deadline = System.nanoTime() + config.batchWait().toNanos();
            while (batch.size() < config.maxBatchSize()) {
                for (Iterator<Job> it = queue.iterator(); it.hasNext() && batch.size() < config.maxBatchSize(); ) {
                    Job j = it.next();
                    int n = j.submission().outputs();
                    if (j.submission().batchKey().equals(first.submission().batchKey())
                            && outputs + n <= SamplingOptions.MAX_OUTPUTS) {
                        it.remove();
                        batch.add(j);
                        outputs += n;
                    }
                }
                long left = deadline - System.nanoTime();
                if (batch.size() >= config.maxBatchSize() || left <= 0 || !accepting) {
                    break;
                }
                changed.awaitNanos(left);
            }
            running += batch.size();
            return batch;
        } finally {
            lock.unlock();
        }
    }

    private void runBatch(RunningBatch rb) {
        List<Job> live = new ArrayList<>();
        List<Submission<?>> asked = new ArrayList<>();
        for (Job j : rb.jobs) {
            Submission<?> s = j.start(rb.jobs.size());
            if (s != null) {
                live.add(j);
                asked.add(s);
                metrics.queued(Duration.between(j.snapshot().submittedAt(), clock.now()).toNanos() / 1e9);
            }
        }
        if (live.isEmpty()) {
            return;
        }
        metrics.batch(live.size());
        RunControl control = new RunControl(p -> live.forEach(j -> j.progress(p)), rb.token);
        try {
            List<ObjectNode> results = runTyped(asked, control);
            // Healthy again before any client sees a result: one that then asks /api/health must find it so.
            outOfMemory = null;
            for (int i = 0; i < live.size(); i++) {
                live.get(i).complete(results.get(i));
            }
        } catch (GenerationCancelledException e) {
            for (Job j : live) {
                j.cancel("cancelled");
            }
        } catch (InvalidRequestException e) {
            if (live.size() > 1) {
                // One bad request refuses the whole call before any model work: run each alone so
                // that only the bad one fails.
                for (int i = 0; i < live.size(); i++) {
                    runAlone(live.get(i), asked.get(i));
                }
            } else {
                failAll(live, Problem.invalid(e.field(), e.getMessage()));
            }
        } catch (OutOfMemoryError e) {
            failOutOfMemory(live, asked.get(0).task().id(), e);
        } catch (RuntimeException e) {
            LOG.warn("batch of {} {} jobs failed", live.size(), asked.get(0).task().id(), e);
            failAll(live, Problem.internal("generation failed (" + e.getClass().getSimpleName()
                    + "); the server log has the details"));
        }
    }

    private void runAlone(Job job, Submission<?> asked) {
        CancellationToken token = job.token();
        RunControl control = new RunControl(job::progress, token);
        try {
            ObjectNode result = runTyped(List.of(asked), control).get(0);
            outOfMemory = null;
            job.complete(result);
        } catch (GenerationCancelledException e) {
            job.cancel("cancelled");
        } catch (InvalidRequestException e) {
            failAll(List.of(job), Problem.invalid(e.field(), e.getMessage()));
        } catch (OutOfMemoryError e) {
            failOutOfMemory(List.of(job), asked.task().id(), e);
        } catch (RuntimeException e) {
            LOG.warn("job {} failed", job.id(), e);
            failAll(List.of(job), Problem.internal("generation failed (" + e.getClass().getSimpleName()
                    + "); the server log has the details"));
        }
    }

    /** Out of memory: the server's state, so 503 for the jobs, an error in the log, and health degraded. */
    private void failOutOfMemory(List<Job> failed, String task, OutOfMemoryError e) {
        outOfMemory = clock.now();
        LOG.error("out of memory running a batch of {} {} jobs; they are answered 503 and health reports degraded"
                + " until a batch succeeds", failed.size(), task, e);
        failAll(failed, Problem.outOfMemory("running the model"));
    }

    /** When the last out-of-memory error happened, or null if none since the last successful batch. */
    public Instant outOfMemorySince() {
        return outOfMemory;
    }

    /** Bytes of decoded input images that queued and running jobs hold now. */
    public long heldInputBytes() {
        return heldBytes.get();
    }

    private void failAll(List<Job> failed, Problem problem) {
        for (Job j : failed) {
            j.fail(problem);
        }
    }

    private List<ObjectNode> runTyped(List<Submission<?>> batch, RunControl control) {
        return runWith(batch.get(0).task(), batch, control);
    }

    private <Q, R> List<ObjectNode> runWith(TaskDefinition<Q, R> task, List<Submission<?>> batch,
                                            RunControl control) {
        List<Q> requests = new ArrayList<>(batch.size());
        for (Submission<?> s : batch) {
            @SuppressWarnings("unchecked")
            Q q = (Q) s.request();
            requests.add(q);
        }
        // One batch is one model's: the model is part of the batch key.
        List<R> results = task.run(batch.get(0).model().unidiff(), requests, control);
        List<ObjectNode> out = new ArrayList<>(results.size());
        for (R r : results) {
            ObjectNode n = mapper.createObjectNode();
            JsonResults.putParameters(n, task.parameters(r));
            task.write(r, new JsonResults(n));
            out.add(n);
        }
        return out;
    }

    /**
     * The finish callback of every job, run under that job's monitor before its end state is
     * visible: counts it and files it among the kept results. Takes no lock of the scheduler's
     * (the lock order is scheduler lock, then job monitor).
     */
    private void finished(Job.Snapshot job) {
        metrics.finished(job);
        heldBytes.addAndGet(-job.inputBytes());   // its input is dropped with the end state
        kept.add(job);
    }

    /** Drops finished jobs beyond the count limit or older than the time limit. Under the lock. */
    private void purge() {
        kept.trim(jobs::remove);
    }

    /** Seconds a refused client should wait: the queue's share of batches at the mean job time. */
    private int retryAfterSeconds() {
        double batches = Math.ceil(queue.size() / (double) config.maxBatchSize());
        double seconds = batches * Math.max(metrics.meanJobSeconds(), 0.1);
        return (int) Math.max(1, Math.min(60, Math.ceil(seconds)));
    }

    /** The jobs of one engine call and the token that stops it. */
    private static final class RunningBatch {
        private final List<Job> jobs;
        private final CancellationToken token = new CancellationToken();

        RunningBatch(List<Job> jobs) {
            this.jobs = List.copyOf(jobs);
        }

        /** Stops the engine call when no job of it still wants a result. */
        void cancelIfAllFinished() {
            if (jobs.stream().allMatch(Job::isFinished)) {
                token.cancel();
            }
        }
    }
}
