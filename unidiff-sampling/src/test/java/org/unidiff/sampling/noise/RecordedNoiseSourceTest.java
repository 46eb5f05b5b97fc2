package org.unidiff.sampling.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordedNoiseSourceTest {

    @TempDir
    Path dir;

    @Test
    void replaysInOrderAndCountsWhatWasUsed() {
        RecordedNoiseSource source = RecordedNoiseSource.of(1, 2, 3, 4, 5);
        double[] a = new double[4];
        source.fill(a, 1, 2);
        assertArrayEquals(new double[] {0, 1, 2, 0}, a, 0.0);
        assertArrayEquals(new double[] {3, 4}, source.next(2), 0.0);
        assertEquals(4, source.used());
        assertEquals(1, source.remaining());
    }

    @Test
    void exhaustionIsAClearError() {
        RecordedNoiseSource source = RecordedNoiseSource.of(1, 2, 3);
        source.next(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> source.next(2));
        assertTrue(e.getMessage().contains("recorded noise exhausted: 2 numbers requested at position 2 but only 3"),
                e.getMessage());
        assertEquals(2, source.used(), "a failed request consumes nothing");
    }

    /** Files written independently with explicit little-endian byte order, as numpy's tofile does. */
    @Test
    void readsLittleEndianFloat32AndFloat64Files() throws IOException {
        double[] values = {0.5, -1.25, 3.0e-3, 7};
        ByteBuffer f32 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer f64 = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            f32.putFloat((float) v);
            f64.putDouble(v);
        }
        Path p32 = Files.write(dir.resolve("n.f32"), f32.array());
        Path p64 = Files.write(dir.resolve("n.f64"), f64.array());
        double[] expected32 = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            expected32[i] = (float) values[i];
        }
        assertArrayEquals(expected32, RecordedNoiseSource.fromFile(p32, RecordedNoiseSource.Format.FLOAT32).next(4), 0.0);
        assertArrayEquals(values, RecordedNoiseSource.fromFile(p64, RecordedNoiseSource.Format.FLOAT64).next(4), 0.0);
        // The first float32 0.5 is 00 00 00 3f on disk.
        assertEquals(0x3f, f32.array()[3]);
        Path odd = Files.write(dir.resolve("odd"), new byte[6]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RecordedNoiseSource.fromFile(odd, RecordedNoiseSource.Format.FLOAT32));
        assertTrue(e.getMessage().contains("not a multiple of 4"), e.getMessage());
    }

    @Test
    void aRecordingReplaysTheSameNumbers() throws IOException {
        RecordingNoiseSource recording = new RecordingNoiseSource(SeededNoiseSource.of(42));
        double[] drawn = new double[200];
        recording.fill(drawn, 0, 150);
        recording.fill(drawn, 150, 50);
        assertArrayEquals(drawn, recording.recorded(), 0.0);
        Path file = dir.resolve("rec.f64");
        recording.write(file, RecordedNoiseSource.Format.FLOAT64);
        assertEquals(1600, Files.size(file));
        assertArrayEquals(drawn, RecordedNoiseSource.fromFile(file, RecordedNoiseSource.Format.FLOAT64).next(200), 0.0);
    }
}
