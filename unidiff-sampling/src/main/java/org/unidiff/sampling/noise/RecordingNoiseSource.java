package org.unidiff.sampling.noise;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Passes another source's numbers through and keeps a copy, so that a run's noise can be saved
 * and replayed by {@link RecordedNoiseSource} here or by a reference implementation elsewhere.
 */
public final class RecordingNoiseSource implements NoiseSource {

    private final NoiseSource delegate;
    private double[] recorded = new double[64];
    private int size;

    /** Records what {@code delegate} hands out. */
    public RecordingNoiseSource(NoiseSource delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public void fill(double[] target, int offset, int length) {
        delegate.fill(target, offset, length);
        if (size + length > recorded.length) {
            recorded = Arrays.copyOf(recorded, Math.max(size + length, recorded.length * 2));
        }
        System.arraycopy(target, offset, recorded, size, length);
        size += length;
    }

    /** A copy of every number handed out so far, in order. */
    public double[] recorded() {
        return Arrays.copyOf(recorded, size);
    }

    /** Writes what was recorded as a raw little-endian file that {@link RecordedNoiseSource#fromFile} reads. */
    public void write(Path file, RecordedNoiseSource.Format format) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(size * format.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < size; i++) {
            if (format == RecordedNoiseSource.Format.FLOAT32) {
                buffer.putFloat((float) recorded[i]);
            } else {
                buffer.putDouble(recorded[i]);
            }
        }
        Files.write(file, buffer.array());
    }
}
