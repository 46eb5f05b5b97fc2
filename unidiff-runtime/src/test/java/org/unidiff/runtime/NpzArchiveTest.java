package org.unidiff.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unidiff.testing.NpzArchive;

/** The test-side .npz reader against files written by hand here and values NumPy printed. */
class NpzArchiveTest {

    /** An .npy v1 file: magic, version, header padded with spaces to a multiple of 64, data. */
    private static byte[] npy(String header, byte[] data) {
        String padded = header;
        while ((10 + padded.length() + 1) % 64 != 0) {
            padded += " ";
        }
        padded += "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + padded.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        b.putShort((short) padded.length());
        b.put(padded.getBytes(StandardCharsets.ISO_8859_1));
        b.put(data);
        return b.array();
    }

    private static byte[] littleEndianFloats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    @Test
    void readsHandWrittenArraysOfEachSupportedType(@TempDir Path dir) throws IOException {
        ByteBuffer longs = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-3).putLong(1L << 40);
        ByteBuffer text = ByteBuffer.allocate(2 * 3 * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int cp : new int[] {'a', 'b', 0, 0x1F600, 0, 0}) {
            text.putInt(cp);
        }
        Path file = dir.resolve("a.npz");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            zip.putNextEntry(new ZipEntry("x.y.npy"));
            zip.write(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
                    littleEndianFloats(1f, -2.5f, 3f, 0f, Float.MIN_VALUE, 1e30f)));
            zip.putNextEntry(new ZipEntry("ids.npy"));
            zip.write(npy("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", longs.array()));
            zip.putNextEntry(new ZipEntry("s.npy"));
            zip.write(npy("{'descr': '<U3', 'fortran_order': False, 'shape': (2,), }", text.array()));
            zip.putNextEntry(new ZipEntry("scalar.npy"));
            zip.write(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", littleEndianFloats(7f)));
        }
        NpzArchive npz = NpzArchive.read(file);
        assertEquals(List.of("x.y", "ids", "s", "scalar"), List.copyOf(npz.names()));
        assertArrayEquals(new long[] {2, 3}, npz.get("x.y").shape());
        assertArrayEquals(new float[] {1f, -2.5f, 3f, 0f, Float.MIN_VALUE, 1e30f}, npz.get("x.y").floats());
        assertArrayEquals(new long[] {-3, 1L << 40}, npz.get("ids").longs());
        assertArrayEquals(new String[] {"ab", "\uD83D\uDE00"}, npz.get("s").strings());
        assertArrayEquals(new float[] {7f}, npz.get("scalar").floats());
        assertThrows(IllegalStateException.class, () -> npz.get("ids").floats(), "wrong dtype is refused");
        assertThrows(IllegalArgumentException.class, () -> npz.get("missing"));
    }

    @Test
    void refusesWhatItWouldMisread() {
        byte[] four = littleEndianFloats(1f, 2f, 3f, 4f);
        IllegalStateException fortran = assertThrows(IllegalStateException.class, () -> NpzArchive.parseNpy("f",
                npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", four)));
        assertTrue(fortran.getMessage().contains("fortran_order"), fortran.getMessage());
        IllegalStateException bigEndian = assertThrows(IllegalStateException.class, () -> NpzArchive.parseNpy("b",
                npy("{'descr': '>f4', 'fortran_order': False, 'shape': (4,), }", four)));
        assertTrue(bigEndian.getMessage().contains(">f4"), bigEndian.getMessage());
        IllegalStateException shortData = assertThrows(IllegalStateException.class, () -> NpzArchive.parseNpy("s",
                npy("{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }", four)));
        assertTrue(shortData.getMessage().contains("20 data bytes expected"), shortData.getMessage());
        assertThrows(IllegalStateException.class, () -> NpzArchive.parseNpy("m", new ByteArrayOutputStream().toByteArray()));
    }

    /** Values printed by NumPy from the fixture written by models/tests/make_tiny_v1_fixture.py. */
    @Test
    void readsTheTinyV1ParityFileAsNumPyDoes() {
        NpzArchive npz = NpzArchive.read(Fixtures.resource("/tiny-v1-parity.npz"));
        NpzArchive.Array ids = npz.get("clip_tokenizer.ids");
        assertArrayEquals(new long[] {5, 8}, ids.shape());
        long[] firstRow = Arrays.copyOf(ids.longs(), 8);
        assertArrayEquals(new long[] {538, 353, 515, 516, 518, 520, 539, 539}, firstRow);
        assertEquals("A  RED\tdog, with hat!", npz.get("clip_tokenizer.prompts").strings()[1]);
        NpzArchive.Array tImg = npz.get("transformer.t_img");
        assertArrayEquals(new long[] {2, 3}, tImg.shape());
        assertEquals(323.26996f, tImg.floats()[0], 1e-4f);
        assertEquals(9.641051f, tImg.floats()[5], 1e-6f);
        assertArrayEquals(new long[] {2, 3, 320}, npz.get("text_decoder.logits").shape());
    }
}
