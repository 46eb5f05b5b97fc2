package org.unidiff.runtime.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Float16Test {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "1.0, 3c00",
        "-2.0, c000",
        "0.5, 3800",
        "65504.0, 7bff",
        // Between 65504 and the next step 65536 (= overflow): below the midpoint stays, the midpoint ties to even = inf.
        "65519.0, 7bff",
        "65520.0, 7c00",
        "1.0E10, 7c00",
        "-1.0E10, fc00",
        "Infinity, 7c00",
        "-Infinity, fc00",
        "0.0, 0000",
        "-0.0, 8000",
        // 2^-14 is the smallest normal; 2^-24 the smallest subnormal; 1023 * 2^-24 the largest subnormal.
        "6.103515625E-5, 0400",
        "5.9604644775390625E-8, 0001",
        "6.0975551605224609375E-5, 03ff",
        // 2^-25 is halfway between 0 and the smallest subnormal: ties to even = 0; just above rounds up.
        "2.98023223876953125E-8, 0000",
        "2.9802326e-8, 0001",
        // 3 * 2^-25 is halfway between subnormals 1 and 2: ties to even = 2.
        "8.94069671630859375E-8, 0002",
        // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: even = 1; 1 + 3 * 2^-11 ties up to 1 + 2^-9.
        "1.00048828125, 3c00",
        "1.00146484375, 3c02",
        "0.1, 2e66",
        "1.0E-30, 0000",
        "1.4E-45, 0000",
    })
    void roundsToNearestEven(float value, String hex) {
        assertEquals(Integer.parseInt(hex, 16), Float16.fromFloat(value) & 0xffff,
                () -> value + " gave " + Integer.toHexString(Float16.fromFloat(value) & 0xffff));
    }

    @Test
    void nanStaysNanBothWays() {
        short h = Float16.fromFloat(Float.NaN);
        assertEquals(0x7c00, h & 0x7c00);
        assertTrue((h & 0x3ff) != 0);
        assertTrue(Float.isNaN(Float16.toFloat(h)));
        // A signalling NaN whose payload sits only in the low bits must not turn into infinity.
        short low = Float16.fromFloat(Float.intBitsToFloat(0x7f800001));
        assertTrue(Float.isNaN(Float16.toFloat(low)));
    }

    @Test
    void everyHalfDecodesToItsDefinitionAndRoundTrips() {
        for (int bits = 0; bits < 0x10000; bits++) {
            int exponent = (bits >>> 10) & 0x1f;
            int mantissa = bits & 0x3ff;
            double sign = (bits & 0x8000) != 0 ? -1 : 1;
            float decoded = Float16.toFloat((short) bits);
            if (exponent == 0x1f) {
                assertEquals(mantissa == 0, Float.isInfinite(decoded), Integer.toHexString(bits));
                continue;
            }
            double expected = exponent == 0
                    ? sign * Math.scalb((double) mantissa, -24)
                    : sign * Math.scalb(1 + mantissa / 1024.0, exponent - 15);
            assertEquals(expected, decoded, 0.0, Integer.toHexString(bits));
            assertEquals(bits, Float16.fromFloat(decoded) & 0xffff, Integer.toHexString(bits));
        }
    }

    /** Against a brute-force nearest search over all finite halves, ties to the even bit pattern. */
    @Test
    void randomFloatsRoundToTheNearestHalf() {
        double[] values = new double[0x7c00];
        for (int bits = 0; bits < 0x7c00; bits++) {
            values[bits] = Float16.toFloat((short) bits);
        }
        SplittableRandom random = new SplittableRandom(7);
        for (int n = 0; n < 200_000; n++) {
            float f = Float.intBitsToFloat(random.nextInt() & 0x7fffffff);
            if (Float.isNaN(f) || f > 70000f) {
                continue;
            }
            int expected = nearest(values, f);
            assertEquals(expected, Float16.fromFloat(f) & 0xffff, () -> "for " + f);
            assertEquals(expected | 0x8000, Float16.fromFloat(-f) & 0xffff, () -> "for " + -f);
        }
    }

    private static int nearest(double[] values, double x) {
        int i = Arrays.binarySearch(values, x);
        if (i >= 0) {
            return i;
        }
        int hi = -i - 1;
        if (hi == values.length) {
            // Past 65504: below the midpoint to 65536 stays at max, from the midpoint on it is infinity.
            return x < 65520 ? values.length - 1 : 0x7c00;
        }
        int lo = hi - 1;
        double dLo = x - values[lo];
        double dHi = values[hi] - x;
        if (dLo < dHi) {
            return lo;
        }
        if (dHi < dLo) {
            return hi;
        }
        return (lo & 1) == 0 ? lo : hi;
    }
}
