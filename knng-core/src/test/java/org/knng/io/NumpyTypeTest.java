package org.knng.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * {@link NumpyType}: each integer type's extremes read exactly as integers and rounded to the
 * nearest float32 (checked against {@link BigInteger}'s exact values), dtype strings as numpy
 * writes them.
 */
class NumpyTypeTest {
  /** Each type, its extremes as two's-complement bits, and their exact values. */
  @Test
  void integerExtremesAreExactAsIntegersAndNearestAsFloats() {
    check("|i1", 1, new long[] {0x80, 0x7F, 0xFF}, "-128", "127", "-1");
    check("|u1", 1, new long[] {0x80, 0xFF}, "128", "255");
    check("<i2", 2, new long[] {0x8000, 0x7FFF}, "-32768", "32767");
    check("<u2", 2, new long[] {0xFFFF}, "65535");
    check(">i4", 4, new long[] {0x80000000L, 0x7FFFFFFF, 0x1000001}, "-2147483648", "2147483647", "16777217");
    check(">u4", 4, new long[] {0xFFFFFFFFL, 0x7FFFFFFF}, "4294967295", "2147483647");
    check("<u8", 8, new long[] {Long.MAX_VALUE, 1L << 62}, "9223372036854775807", "4611686018427387904");
    check("<i8", 8, new long[] {Long.MIN_VALUE, Long.MAX_VALUE, (1L << 53) + 1}, "-9223372036854775808",
        "9223372036854775807", "9007199254740993");
  }

  private static void check(String descr, int bytes, long[] bits, String... exact) {
    NumpyType type = NumpyType.of(descr);
    assertEquals(bytes, type.bytes, descr);
    assertTrue(type.integer, descr);
    for (int i = 0; i < bits.length; i++) {
      ByteBuffer b = ByteBuffer.allocate(8 + bytes).order(NumpyType.order(descr));
      switch (bytes) {
        case 1: b.put(3, (byte) bits[i]); break;
        case 2: b.putShort(3, (short) bits[i]); break;
        case 4: b.putInt(3, (int) bits[i]); break;
        default: b.putLong(3, bits[i]); break;
      }
      BigInteger value = new BigInteger(exact[i]);
      assertEquals(value.longValueExact(), type.longAt(b, 3), descr + " " + exact[i]);
      assertEquals(exact[i], type.integerText(b, 3), descr);
      assertEquals(nearestFloat(value), type.floatAt(b, 3), descr + " " + exact[i]);
    }
  }

  /** uint64 above 2^63: the integer saturates (out of every range), the float is the nearest. */
  @Test
  void uint64AboveLongRange() {
    NumpyType u8 = NumpyType.of("<u8");
    ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    for (String exact : new String[] {"18446744073709551615", "9223372036854775808",
        "9223373136366403584", "9223372586610589697", "9223372586610589696"}) {
      BigInteger value = new BigInteger(exact);
      b.putLong(0, value.longValue());
      assertEquals(Long.MAX_VALUE, u8.longAt(b, 0), exact);
      assertEquals(exact, u8.integerText(b, 0), "messages name the value itself");
      assertEquals(nearestFloat(value), u8.floatAt(b, 0), exact);
    }
  }

  /** The nearest float32 of an integer, ties to even, from its exact decimal value. */
  private static float nearestFloat(BigInteger value) {
    return new java.math.BigDecimal(value).floatValue();
  }

  @Test
  void dtypeStrings() {
    assertEquals(NumpyType.B1, NumpyType.of("?"));
    assertEquals(NumpyType.B1, NumpyType.of("|b1"));
    assertEquals(NumpyType.F2, NumpyType.of(">f2"));
    assertEquals(NumpyType.F8, NumpyType.of("f8"));
    assertFalse(NumpyType.F8.integer);
    assertNull(NumpyType.of("<c8"));
    assertNull(NumpyType.of(""));
    assertEquals(ByteOrder.BIG_ENDIAN, NumpyType.order(">i4"));
    assertEquals(ByteOrder.LITTLE_ENDIAN, NumpyType.order("<i4"));
    assertEquals(ByteOrder.nativeOrder(), NumpyType.order("|u1"));
    assertTrue(NumpyType.beyondFloat(-1e39));
    assertFalse(NumpyType.beyondFloat(3.4e38));
    assertFalse(NumpyType.beyondFloat(Double.POSITIVE_INFINITY));
  }
}
