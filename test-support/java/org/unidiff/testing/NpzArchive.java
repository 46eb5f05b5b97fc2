package org.unidiff.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The arrays of a NumPy {@code .npz} file (as {@code numpy.savez} writes it: a zip of {@code .npy}
 * files, stored or deflated), for comparing the runtime with outputs computed in Python.
 *
 * <p>Only what the fixtures use is read: C-order little-endian {@code <f4}, {@code <f8},
 * {@code <i8}, {@code |u1} and {@code <U<n>} (UTF-32 strings), format versions 1 to 3. Anything
 * else is refused with the
 * array's name and what was found, so a fixture written differently fails loudly instead of
 * being misread.
 */
public final class NpzArchive {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    private final Map<String, Array> arrays;

    private NpzArchive(Map<String, Array> arrays) {
        this.arrays = Collections.unmodifiableMap(arrays);
    }

    /** One array: its NumPy type string, shape and little-endian bytes. */
    public record Array(String name, String descr, long[] shape, ByteBuffer data) {

        /** Number of elements (1 for a scalar). */
        public int size() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return Math.toIntExact(n);
        }

        /** The values of a {@code <f4} array, row-major. */
        public float[] floats() {
            require("<f4");
            float[] out = new float[size()];
            data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        }

        /** The values of a {@code <f4} or {@code <f8} array as doubles, row-major. */
        public double[] doubles() {
            if (descr.equals("<f4")) {
                float[] f = floats();
                double[] out = new double[f.length];
                for (int i = 0; i < f.length; i++) {
                    out[i] = f[i];
                }
                return out;
            }
            require("<f8");
            double[] out = new double[size()];
            data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(out);
            return out;
        }

        /** The values of a {@code |u1} array (0..255), row-major. */
        public int[] unsignedBytes() {
            require("|u1");
            int[] out = new int[size()];
            ByteBuffer b = data.duplicate();
            for (int i = 0; i < out.length; i++) {
                out[i] = Byte.toUnsignedInt(b.get());
            }
            return out;
        }

        /** The values of a {@code <i8} array, row-major. */
        public long[] longs() {
            require("<i8");
            long[] out = new long[size()];
            data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(out);
            return out;
        }

        /** The values of a {@code <U<n>} array, trailing NULs removed as NumPy does. */
        public String[] strings() {
            if (!descr.startsWith("<U")) {
                throw new IllegalStateException("array '" + name + "': expected unicode strings (<U<n>), found " + descr);
            }
            int width = Integer.parseInt(descr.substring(2));
            String[] out = new String[size()];
            ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < out.length; i++) {
                StringBuilder s = new StringBuilder();
                for (int k = 0; k < width; k++) {
                    int codePoint = b.getInt();
                    if (codePoint != 0) {
                        s.appendCodePoint(codePoint);
                    }
                }
                out[i] = s.toString();
            }
            return out;
        }

        private void require(String expected) {
            if (!descr.equals(expected)) {
                throw new IllegalStateException("array '" + name + "': expected dtype " + expected + ", found " + descr);
            }
        }
    }

    /** Reads every array of an {@code .npz} file. */
    public static NpzArchive read(Path file) {
        Map<String, Array> arrays = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (!e.getName().endsWith(".npy")) {
                    throw new IllegalStateException(file + ": entry " + e.getName() + " is not an .npy array");
                }
                String name = e.getName().substring(0, e.getName().length() - 4);
                try (InputStream in = zip.getInputStream(e)) {
                    arrays.put(name, parseNpy(name, in.readAllBytes()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read npz " + file, e);
        }
        return new NpzArchive(arrays);
    }

    /** Parses one {@code .npy} file's bytes. */
    public static Array parseNpy(String name, byte[] bytes) {
        if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
            throw new IllegalStateException("array '" + name + "': not an .npy file (magic \\x93NUMPY missing)");
        }
        int major = bytes[6];
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength;
        int headerStart;
        if (major == 1) {
            headerLength = Short.toUnsignedInt(b.getShort(8));
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            headerLength = b.getInt(8);
            headerStart = 12;
        } else {
            throw new IllegalStateException("array '" + name + "': .npy format version 1 to 3 expected, found " + major);
        }
        String header = new String(bytes, headerStart, headerLength,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, header, name, "descr");
        if ("True".equals(group(FORTRAN, header, name, "fortran_order"))) {
            throw new IllegalStateException("array '" + name + "': C order expected, found fortran_order True");
        }
        String dims = group(SHAPE, header, name, "shape").trim();
        long[] shape = dims.isEmpty() ? new long[0] : Arrays.stream(dims.split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).mapToLong(Long::parseLong).toArray();
        int dataStart = headerStart + headerLength;
        ByteBuffer data = ByteBuffer.wrap(bytes, dataStart, bytes.length - dataStart).slice();
        Array array = new Array(name, descr, shape, data);
        long expected = (long) array.size() * itemSize(name, descr);
        if (data.remaining() != expected) {
            throw new IllegalStateException("array '" + name + "': " + expected + " data bytes expected for shape "
                    + Arrays.toString(shape) + " of " + descr + ", found " + data.remaining());
        }
        return array;
    }

    private static int itemSize(String name, String descr) {
        if (descr.equals("<f4")) {
            return 4;
        }
        if (descr.equals("<i8") || descr.equals("<f8")) {
            return 8;
        }
        if (descr.equals("|u1")) {
            return 1;
        }
        if (descr.startsWith("<U")) {
            return 4 * Integer.parseInt(descr.substring(2));
        }
        throw new IllegalStateException("array '" + name + "': dtype <f4, <f8, <i8, |u1 or <U<n> expected, found " + descr);
    }

    private static String group(Pattern p, String header, String name, String field) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new IllegalStateException("array '" + name + "': header has no " + field + ": " + header);
        }
        return m.group(1);
    }

    /** The array called {@code name}. */
    public Array get(String name) {
        Array a = arrays.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no array '" + name + "'; the archive holds " + arrays.keySet());
        }
        return a;
    }

    /** The names of all arrays, in file order. */
    public Set<String> names() {
        return arrays.keySet();
    }
}
