package org.unidiff.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.unidiff.api.tasks.TaskDefinition;
import org.unidiff.api.tasks.TaskRegistry;
import org.unidiff.api.core.SamplingOptions;
import org.unidiff.api.TextOnlyRequest;

/** A job's life on its own: the finish callback's ordering, and times from the given clock. */
class JobTest {

    @SuppressWarnings("unchecked")
    private static Submission<TextOnlyRequest> submission() {
        TaskDefinition<TextOnlyRequest, ?> task = (TaskDefinition<TextOnlyRequest, ?>) TaskRegistry.builtIn()
                .find("text-only").orElseThrow();
        return Submission.of(TestServers.served(), task, new TextOnlyRequest(SamplingOptions.defaults().withSeed(1)));
    }

    @Test
    void theFinishCallbackRunsBeforeAnyReaderCanSeeTheEnd() throws Exception {
        // Deterministic half: the callback runs while the job's monitor is held, and every reader
        // (snapshot, awaitChange, await) takes that monitor.
        AtomicReference<Job> self = new AtomicReference<>();
        AtomicBoolean heldTheMonitor = new AtomicBoolean();
        Job job = new Job("j", submission(), ServerClock.system(),
                s -> heldTheMonitor.set(Thread.holdsLock(self.get()) && s.state() == Job.State.DONE));
        self.set(job);
        assertTrue(job.start(1) != null);
        assertTrue(job.complete(TestServers.MAPPER.createObjectNode()));
        assertTrue(heldTheMonitor.get(), "the callback ran outside the job's monitor");
        assertEquals(null, job.submission(), "a finished job keeps no input");
        assertEquals("text-only", job.snapshot().task());

        // Racing half: a reader woken by the end always finds it counted (fails often with the
        // old order, count after complete).
        for (int i = 0; i < 300; i++) {
            AtomicLong counted = new AtomicLong();
            Job raced = new Job("r" + i, submission(), ServerClock.system(), s -> counted.incrementAndGet());
            CompletableFuture<Long> seen = CompletableFuture.supplyAsync(() -> {
                try {
                    raced.await(s -> s.state().finished(), Duration.ofMinutes(1));
                    return counted.get();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            raced.start(1);
            raced.complete(TestServers.MAPPER.createObjectNode());
            assertEquals(1L, seen.get(1, TimeUnit.MINUTES), "a reader saw the end before it was counted");
        }
    }

    @Test
    void theCallbackRunsOnceWhicheverWayTheJobEnds() {
        AtomicLong calls = new AtomicLong();
        Job job = new Job("j", submission(), ServerClock.system(), s -> calls.incrementAndGet());
        assertTrue(job.cancel("test"));
        assertEquals(false, job.complete(TestServers.MAPPER.createObjectNode()));
        assertEquals(false, job.fail(Problem.internal("late")));
        assertEquals(1, calls.get());
    }

    @Test
    void timesComeFromTheGivenClock() {
        ManualClock clock = new ManualClock();
        Job job = new Job("j", submission(), clock, s -> { });
        clock.advance(Duration.ofSeconds(3));
        job.start(1);
        clock.advance(Duration.ofMillis(1500));
        job.complete(TestServers.MAPPER.createObjectNode());
        Job.Snapshot s = job.snapshot();
        assertEquals(Duration.ofSeconds(3), Duration.between(s.submittedAt(), s.startedAt()));
        assertEquals(1.5, s.runSeconds(), 1e-9);
        assertEquals(Duration.ofMillis(4500), Duration.between(s.submittedAt(), s.finishedAt()));
    }
}
