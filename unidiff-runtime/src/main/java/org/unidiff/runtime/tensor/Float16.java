package org.unidiff.runtime.tensor;

import java.nio.FloatBuffer;
import java.nio.ShortBuffer;

/**
 * IEEE 754 binary16 conversions for models exported in half precision (Java 17 has no
 * {@code Float.floatToFloat16}). Float to half rounds to nearest, ties to even, with overflow to
 * infinity, gradual underflow to subnormals and NaN kept NaN (quiet).
 */
public final class Float16 {

    private Float16() {
    }

    /** The binary16 bits nearest to {@code value} (ties to even). */
    public static short fromFloat(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int exponent = (bits >>> 23) & 0xff;
        int mantissa = bits & 0x7fffff;
        if (exponent == 0xff) {
            // Keep the top payload bits and force the quiet bit so a NaN never becomes infinity.
            return (short) (sign | 0x7c00 | (mantissa == 0 ? 0 : 0x200 | (mantissa >>> 13)));
        }
        int e = exponent - 127 + 15;
        if (e >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (e <= 0) {
            // Below 2^-25 (half the smallest subnormal) everything rounds to zero, float subnormals included.
            if (e < -10) {
                return (short) sign;
            }
            int significand = mantissa | 0x800000;
            int shift = 14 - e;
            return (short) (sign | roundShift(significand, shift));
        }
        // A carry out of the mantissa correctly bumps the exponent, up to infinity.
        return (short) (sign | roundShift((e << 23) | mantissa, 13));
    }

    /** The float value of binary16 bits (exact: every half is a float). */
    public static float toFloat(short half) {
        int bits = half & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    /** Converts {@code count} floats from {@code src} (from its position) into halves in {@code dst} (from its position). */
    public static void fromFloats(FloatBuffer src, ShortBuffer dst, int count) {
        int s = src.position();
        int d = dst.position();
        for (int i = 0; i < count; i++) {
            dst.put(d + i, fromFloat(src.get(s + i)));
        }
    }

    /** Converts {@code count} halves from {@code src} (from its position) into floats in {@code dst} (from its position). */
    public static void toFloats(ShortBuffer src, FloatBuffer dst, int count) {
        int s = src.position();
        int d = dst.position();
        for (int i = 0; i < count; i++) {
            dst.put(d + i, toFloat(src.get(s + i)));
        }
    }

    private static int roundShift(int value, int shift) {
        int result = value >>> shift;
        int remainder = value & ((1 << shift) - 1);
        int halfway = 1 << (shift - 1);
        if (remainder > halfway || (remainder == halfway && (result & 1) != 0)) {
            result++;
        }
        return result;
    }
}
