package org.unidiff.sampling.noise;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Replays numbers recorded elsewhere, e.g. the noise a Python reference drew, so that both
 * implementations see identical noise and their outputs can be compared number for number.
 *
 * <p>Files are raw little-endian arrays without a header ({@code numpy.ndarray.tofile} on a
 * {@code <f4} or {@code <f8} array writes exactly this). Asking for more numbers than were
 * recorded is an error, never a silent wrap-around, because a replay that ran out means the two
 * sides disagree on the draw order.
 */
public final class RecordedNoiseSource implements NoiseSource {

    /** The element type of a recorded file. */
    public enum Format {
        /** 4-byte IEEE floats, little-endian. */
        FLOAT32(Float.BYTES),
        /** 8-byte IEEE doubles, little-endian. */
        FLOAT64(Double.BYTES);

        private final int bytes;

        Format(int bytes) {
            this.bytes = bytes;
        }

        /** Bytes per number. */
        public int bytes() {
            return bytes;
        }
    }

    private final double[] values;
    private final String origin;
    private int position;

    private RecordedNoiseSource(double[] values, String origin) {
        this.values = values;
        this.origin = origin;
    }

    /** Replays {@code values} (copied) from the first. */
    public static RecordedNoiseSource of(double... values) {
        return new RecordedNoiseSource(values.clone(), values.length + " given numbers");
    }

    /**
     * Replays a raw little-endian file of the given format.
     *
     * @throws IOException              if the file cannot be read
     * @throws IllegalArgumentException if its size is not a multiple of the element size
     */
    public static RecordedNoiseSource fromFile(Path file, Format format) throws IOException {
        Objects.requireNonNull(format, "format");
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length % format.bytes() != 0) {
            throw new IllegalArgumentException("recorded noise file " + file + " has " + bytes.length
                    + " bytes, which is not a multiple of " + format.bytes() + " (" + format + ")");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        double[] values = new double[bytes.length / format.bytes()];
        for (int i = 0; i < values.length; i++) {
            values[i] = format == Format.FLOAT32 ? buffer.getFloat() : buffer.getDouble();
        }
        return new RecordedNoiseSource(values, file + " (" + format + ")");
    }

    /** How many numbers have been replayed so far. */
    public int used() {
        return position;
    }

    /** How many recorded numbers are left. */
    public int remaining() {
        return values.length - position;
    }

    /** How many numbers were recorded. */
    public int size() {
        return values.length;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException if fewer than {@code length} numbers are left
     */
    @Override
    public void fill(double[] target, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, target.length);
        if (length > remaining()) {
            throw new IllegalStateException("recorded noise exhausted: " + length + " numbers requested at position "
                    + position + " but only " + values.length + " were recorded in " + origin
                    + "; the replayed draw order does not match the recording");
        }
        System.arraycopy(values, position, target, offset, length);
        position += length;
    }

    @Override
    public String toString() {
        return "RecordedNoiseSource[" + origin + ", used " + position + "]";
    }
}
