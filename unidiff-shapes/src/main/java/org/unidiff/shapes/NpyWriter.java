package org.unidiff.shapes;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Writes the header of a NumPy {@code .npy} file, format version 1.0, for a C-ordered uint8 array; the caller
 * then streams the array's bytes in row-major order. Layout: the magic {@code \x93NUMPY}, the version bytes
 * 1 and 0, a little-endian uint16 header length, then the header dict in Python literal syntax padded with
 * spaces and ended by a newline so that the data starts at a multiple of 64 bytes.
 */
public final class NpyWriter {

    /** Alignment of the data start, as NumPy itself writes it. */
    static final int ALIGNMENT = 64;

    private NpyWriter() {
    }

    /** The complete header bytes for a uint8 array of the given shape. */
    public static byte[] uint8Header(int... shape) {
        if (shape.length == 0 || Arrays.stream(shape).anyMatch(d -> d < 0)) {
            throw new IllegalArgumentException("shape must have at least one non-negative dimension, got "
                    + Arrays.toString(shape));
        }
        String dims = Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining(", "));
        if (shape.length == 1) {
            dims += ",";
        }
        String dict = "{'descr': '|u1', 'fortran_order': False, 'shape': (" + dims + "), }";
        int preamble = 10;
        int unpadded = preamble + dict.length() + 1;
        int padded = (unpadded + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
        String header = dict + " ".repeat(padded - unpadded) + "\n";
        byte[] text = header.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[preamble + text.length];
        out[0] = (byte) 0x93;
        System.arraycopy("NUMPY".getBytes(StandardCharsets.US_ASCII), 0, out, 1, 5);
        out[6] = 1;
        out[7] = 0;
        out[8] = (byte) (text.length & 0xFF);
        out[9] = (byte) (text.length >>> 8);
        System.arraycopy(text, 0, out, preamble, text.length);
        return out;
    }

    /** Writes the header for a uint8 array of the given shape to {@code out}. */
    public static void writeUint8Header(OutputStream out, int... shape) throws IOException {
        out.write(uint8Header(shape));
    }
}
