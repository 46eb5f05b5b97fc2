package org.unidiff.spark;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.unidiff.api.core.ModelBundleException;

/** An executor shares one model per bundle and variant: the variant is part of the key. */
final class ExecutorModelsTest {

    @Test
    void oneModelPerBundleAndVariant() {
        SparkJobOptions plain = SparkJobOptions.defaults();
        SparkJobOptions int8 = plain.withVariant("int8");
        assertSame(ExecutorModels.forJob(plain), ExecutorModels.forJob(plain.withJobSeed(5)));
        assertSame(ExecutorModels.forJob(int8), ExecutorModels.forJob(int8.withBatchSize(2)));
        assertNotSame(ExecutorModels.forJob(plain), ExecutorModels.forJob(int8));
        ModelBundleException e = assertThrows(ModelBundleException.class, () -> ExecutorModels.forJob(plain.withVariant("fp16")));
        assertTrue(e.getMessage().contains("[int8]"), e.getMessage());
    }
}
