package org.unidiff.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unidiff.api.core.InvalidRequestException;
import org.unidiff.api.core.UnidiffOptions;
import org.unidiff.runtime.ort.ExecutionConfig;
import org.unidiff.runtime.ort.ExecutionProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The shared flags: what they ask for, and each refusal naming its flag. */
class ModelFlagsTest {

    @TempDir
    Path dir;

    @Command(name = "t")
    static final class Holder {
        @Mixin
        ModelFlags flags = new ModelFlags();
    }

    private static ModelFlags parse(String... args) {
        Holder h = new Holder();
        new CommandLine(h).parseArgs(args);
        return h.flags;
    }

    @Test
    void theFlagsBecomeTheLibrarysOptions() throws IOException {
        Files.writeString(dir.resolve("unidiff.json"), "{}");
        UnidiffOptions o = parse("--bundle", dir.toString(), "--cuda", "--device", "1", "--cpu-fallback",
                "--threads", "3", "--variant", "int8").options();
        assertEquals(dir, o.bundle());
        assertEquals("int8", o.variant());
        ExecutionConfig e = o.execution();
        assertEquals(ExecutionProvider.CUDA, e.provider());
        assertEquals(1, e.cuda().deviceId());
        assertTrue(e.allowCpuFallback());
        assertEquals(3, e.threads().intraOpThreads());
        UnidiffOptions plain = parse().options();
        assertNull(plain.bundle());
        assertNull(plain.variant());
        assertFalse(parse().execution.cuda());
        assertEquals(ExecutionProvider.CPU, plain.execution().provider());
    }

    @Test
    void eachRefusalNamesItsFlag() throws IOException {
        assertEquals("--device", refused("--device", "1").field());
        assertEquals("--cpu-fallback", refused("--cpu-fallback").field());
        assertEquals("--device", refused("--cuda", "--device", "-1").field());
        InvalidRequestException threads = refused("--threads", "0");
        assertEquals("--threads", threads.field());
        assertTrue(threads.getMessage().contains("at least 1, found 0"), threads.getMessage());
        assertEquals("--variant", refused("--variant", " ").field());
        InvalidRequestException missing = refused("--bundle", dir.resolve("nowhere").toString());
        assertEquals("--bundle", missing.field());
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
        assertTrue(refused("--bundle", dir.toString()).getMessage().contains("holds no unidiff.json"));
    }

    private static InvalidRequestException refused(String... args) {
        return assertThrows(InvalidRequestException.class, () -> parse(args).options());
    }
}
