package org.unidiff.shapes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NpyWriterTest {

    @Test
    void headerIsTheVersionOneLayoutPaddedTo64Bytes() {
        byte[] header = NpyWriter.uint8Header(3, 64, 64, 3);
        // 10 preamble bytes + 118-byte dict text: 128 bytes in all.
        String dict = "{'descr': '|u1', 'fortran_order': False, 'shape': (3, 64, 64, 3), }";
        assertEquals(128, header.length);
        assertEquals(118, (header[8] & 0xFF) | (header[9] & 0xFF) << 8);
        String text = new String(header, 10, 118, StandardCharsets.US_ASCII);
        assertEquals(dict + " ".repeat(118 - dict.length() - 1) + "\n", text);
    }

    @Test
    void oneDimensionalShapesKeepThePythonTupleComma() {
        String text = new String(NpyWriter.uint8Header(5), StandardCharsets.US_ASCII);
        assertEquals(true, text.contains("'shape': (5,)"));
        assertEquals(0, NpyWriter.uint8Header(5).length % 64);
    }

    @Test
    void rejectsNegativeOrMissingDimensions() {
        assertThrows(IllegalArgumentException.class, () -> NpyWriter.uint8Header());
        assertThrows(IllegalArgumentException.class, () -> NpyWriter.uint8Header(2, -1));
    }
}
