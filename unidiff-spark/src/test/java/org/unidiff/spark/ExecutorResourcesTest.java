package org.unidiff.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.unidiff.runtime.ort.ExecutionConfig;
import org.unidiff.runtime.ort.ExecutionProvider;

/** Spark's task resources mapped to the model's execution (no GPU needed: the mapping is pure). */
final class ExecutorResourcesTest {

    @Test
    void cpuThreadsFollowTheTaskCpusUnlessTheJobSaysOtherwise() {
        ExecutionConfig one = ExecutorResources.plan(null, 1, "cpu", List.of());
        assertEquals(ExecutionProvider.CPU, one.provider());
        assertEquals(1, one.threads().intraOpThreads(), "a 1-core task must not use every core of the host");
        assertEquals(1, one.threads().interOpThreads());
        assertEquals(4, ExecutorResources.plan(null, 4, "cpu", List.of()).threads().intraOpThreads());
        assertEquals(3, ExecutorResources.plan(3, 1, "cpu", List.of()).threads().intraOpThreads());
        assertEquals(org.unidiff.runtime.ort.CpuThreads.runtimeDefault(),
                ExecutorResources.plan(null, 0, "cpu", List.of()).threads(), "outside a task: no preference");
        assertEquals(ExecutionProvider.CPU, ExecutorResources.plan(null, 1, "cpu", List.of("0")).provider(),
                "a GPU assigned to a cpu job is not used");
    }

    @Test
    void cudaUsesTheGpuSparkAssignedTheTask() {
        ExecutionConfig c = ExecutorResources.plan(null, 2, "cuda", List.of("3"));
        assertEquals(ExecutionProvider.CUDA, c.provider());
        assertEquals(3, c.cuda().deviceId());
        assertEquals(2, c.threads().intraOpThreads());
        IllegalStateException none = assertThrows(IllegalStateException.class,
                () -> ExecutorResources.plan(null, 1, "cuda", List.of()));
        assertTrue(none.getMessage().contains("spark.task.resource.gpu.amount"), none.getMessage());
        IllegalStateException odd = assertThrows(IllegalStateException.class,
                () -> ExecutorResources.plan(null, 1, "cuda", List.of("gpu-a")));
        assertTrue(odd.getMessage().contains("'gpu-a'"), odd.getMessage());
    }

    @Test
    void badDevicesAndThreadCountsAreRefusedOnTheDriver() {
        assertEquals("cuda", ExecutorResources.device(" CUDA "));
        assertEquals("cpu", ExecutorResources.device(null));
        IllegalArgumentException d = assertThrows(IllegalArgumentException.class,
                () -> SparkJobOptions.defaults().withDevice("gpu"));
        assertTrue(d.getMessage().contains("cpu or cuda"), d.getMessage());
        IllegalArgumentException t = assertThrows(IllegalArgumentException.class,
                () -> SparkJobOptions.defaults().withThreads(0));
        assertTrue(t.getMessage().contains("threads must be from 1"), t.getMessage());
    }
}
