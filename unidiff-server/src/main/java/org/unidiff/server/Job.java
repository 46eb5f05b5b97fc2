package org.unidiff.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.unidiff.api.core.CancellationToken;
import org.unidiff.api.core.Progress;

/**
 * One submitted request and what became of it: queued, running, then exactly one of done, failed
 * or cancelled. Readers wait for a change with {@link #awaitChange}; every change bumps a version,
 * so a slow reader gets the latest state instead of a backlog (progress events coalesce; memory
 * stays bounded whatever the reader does).
 *
 * <p>The scheduler's finish callback (metrics, the list of kept results) runs inside the same
 * step that finishes the job, before any reader can see the new state: a client that holds its
 * result always finds it counted.
 */
public final class Job {

    /** Where a job is. */
    public enum State {
        /** Waiting in the queue. */
        QUEUED,
        /** In a running batch. */
        RUNNING,
        /** Finished with a result. */
        DONE,
        /** Finished with an error. */
        FAILED,
        /** Cancelled by a client, a disconnect or shutdown. */
        CANCELLED;

        /** Whether the job is over. */
        public boolean finished() {
            return this == DONE || this == FAILED || this == CANCELLED;
        }
    }

    private final String id;
    private final String task;
    private final String model;
    private final long inputBytes;
    /** The request, dropped when the job finishes: a kept result must not keep its input images. */
    private Submission<?> submission;
    private final Instant submittedAt;
    private final CancellationToken token = new CancellationToken();
    private final ServerClock clock;
    private final Consumer<Snapshot> onFinish;
    private State state = State.QUEUED;
    private long version;
    private Progress progress;
    private int batchSize;
    private Instant startedAt;
    private Instant finishedAt;
    private long startNanos;
    private double runSeconds;
    private ObjectNode result;
    private Problem error;

    /**
     * A queued job.
     *
     * @param onFinish called once, with the final state, before that state is visible to readers
     */
    Job(String id, Submission<?> submission, ServerClock clock, Consumer<Snapshot> onFinish) {
        this.id = Objects.requireNonNull(id, "id");
        this.submission = Objects.requireNonNull(submission, "submission");
        this.task = submission.task().id();
        this.model = submission.model().name();
        this.inputBytes = submission.inputBytes();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.onFinish = Objects.requireNonNull(onFinish, "onFinish");
        this.submittedAt = clock.now();
    }

    /** The job id. */
    public String id() {
        return id;
    }

    /**
     * What was asked, while the job is queued or running; null once it finished (its input is
     * dropped then, so kept results hold no input images).
     */
    public synchronized Submission<?> submission() {
        return submission;
    }

    /** Bytes the job's decoded input images held (counted against the queue's bound until it finishes). */
    public long inputBytes() {
        return inputBytes;
    }

    /** The token that stops this job's run (shared by nobody else). */
    CancellationToken token() {
        return token;
    }

    /** A consistent copy of the job's state. */
    public synchronized Snapshot snapshot() {
        return new Snapshot(id, task, model, state, version, progress, batchSize, submittedAt,
                startedAt, finishedAt, runSeconds, result, error, inputBytes);
    }

    /**
     * Waits until the version differs from {@code seen} or the timeout passes.
     *
     * @return the state then (possibly unchanged after a timeout)
     */
    public synchronized Snapshot awaitChange(long seen, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (version == seen) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                break;
            }
            wait(left);
        }
        return snapshot();
    }

    /**
     * Waits until the job's state satisfies {@code condition}, woken by each change (a test's
     * way to wait for an event instead of polling).
     *
     * @return the first state that satisfied it
     * @throws IllegalStateException if {@code limit} passed first (a bound against hanging)
     */
    synchronized Snapshot await(Predicate<Snapshot> condition, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        Snapshot s = snapshot();
        while (!condition.test(s)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException("job " + id + " did not reach the awaited state within " + limit
                        + "; it is " + s.state());
            }
            wait(Math.max(1, left / 1_000_000));
            s = snapshot();
        }
        return s;
    }

    /** Marks the job running; its submission, or null if it is no longer queued (cancelled meanwhile). */
    synchronized Submission<?> start(int size) {
        if (state != State.QUEUED) {
            return null;
        }
        state = State.RUNNING;
        batchSize = size;
        startedAt = clock.now();
        startNanos = clock.nanoTime();
        changed();
        return submission;
    }

    synchronized void progress(Progress p) {
        if (state == State.RUNNING) {
            progress = p;
            changed();
        }
    }

    /** Finishes with a result; false if the job was already over (cancelled meanwhile). */
    synchronized boolean complete(ObjectNode json) {
        return finish(State.DONE, json, null);
    }

    /** Finishes with an error; false if the job was already over. */
    synchronized boolean fail(Problem problem) {
        return finish(State.FAILED, null, problem);
    }

    /** Finishes as cancelled and stops its run; false if the job was already over. */
    synchronized boolean cancel(String why) {
        token.cancel();
        return finish(State.CANCELLED, null, Problem.cancelled(why));
    }

    synchronized boolean isFinished() {
        return state.finished();
    }

    private boolean finish(State end, ObjectNode json, Problem problem) {
        if (state.finished()) {
            return false;
        }
        state = end;
        result = json;
        error = problem;
        finishedAt = clock.now();
        runSeconds = startedAt == null ? 0 : (clock.nanoTime() - startNanos) / 1e9;
        submission = null;
        // Counted and filed before notifyAll and before this monitor is released: no reader sees
        // the end state before the counters include it.
        onFinish.accept(snapshot());
        changed();
        return true;
    }

    private void changed() {
        version++;
        notifyAll();
    }

    /**
     * The job at one moment.
     *
     * @param id          job id
     * @param task        task name
     * @param model       name of the model that runs it
     * @param state       where it is
     * @param version     bumped on every change
     * @param progress    the latest progress, or null before the first model evaluation
     * @param batchSize   jobs in the batch it ran in (0 before it starts)
     * @param submittedAt when it was queued
     * @param startedAt   when its batch started, or null
     * @param finishedAt  when it finished, or null
     * @param runSeconds  seconds from start to finish (0 if it never started)
     * @param result      the result JSON when done
     * @param error       the problem when failed or cancelled
     * @param inputBytes  bytes the job's decoded input images held while it was queued or running
     */
    public record Snapshot(String id, String task, String model, State state, long version, Progress progress, int batchSize,
                           Instant submittedAt, Instant startedAt, Instant finishedAt, double runSeconds,
                           ObjectNode result, Problem error, long inputBytes) {
    }
}
