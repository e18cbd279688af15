package org.knng.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The numpy element types knng reads, as {@code .npy} vectors (and HDF5 datasets, named as numpy
 * names them) and as the arrays of a scipy {@code .npz} graph: their size, and how one stored
 * value becomes a float32 or an integer. Every reader decodes through here, so a value means the
 * same whichever file it is in: float64 and 64-bit integers are rounded once, to the nearest
 * float32, as numpy's {@code astype(np.float32)} rounds them.
 */
enum NumpyType {
  F2(2, false), F4(4, false), F8(8, false), B1(1, true), I1(1, true), U1(1, true), I2(2, true),
  U2(2, true), I4(4, true), U4(4, true), I8(8, true), U8(8, true);

  /** Bytes per value. */
  final int bytes;
  /** Whether the values are integers (booleans being 0 and 1). */
  final boolean integer;

  NumpyType(int bytes, boolean integer) {
    this.bytes = bytes;
    this.integer = integer;
  }

  /**
   * @param descr a numpy dtype string, with or without its byte-order mark ({@code <f4}, {@code
   *     |u1}, {@code ?}, {@code f8})
   * @return its type, or null if knng reads no such type
   */
  static NumpyType of(String descr) {
    String type = descr.isEmpty() || "<>=|".indexOf(descr.charAt(0)) < 0 ? descr : descr.substring(1);
    switch (type) {
      case "f2": return F2;
      case "f4": return F4;
      case "f8": return F8;
      case "b1": case "?": return B1;
      case "i1": return I1;
      case "u1": return U1;
      case "i2": return I2;
      case "u2": return U2;
      case "i4": return I4;
      case "u4": return U4;
      case "i8": return I8;
      case "u8": return U8;
      default: return null;
    }
  }

  /**
   * @param descr a numpy dtype string
   * @return the byte order its mark names: {@code <} little-endian, {@code >} big-endian, else
   *     (no mark, {@code =}, or {@code |} for single bytes) the machine's
   */
  static ByteOrder order(String descr) {
    char mark = descr.isEmpty() ? '=' : descr.charAt(0);
    return mark == '>' ? ByteOrder.BIG_ENDIAN
        : mark == '<' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.nativeOrder();
  }

  /**
   * The value at byte {@code index} of {@code b} (in the buffer's byte order), as the nearest
   * float32. A finite float64 beyond the float32 range becomes infinite ({@link #beyondFloat}
   * tells such values apart).
   *
   * @param b the buffer
   * @param index where the value starts
   * @return the value
   */
  float floatAt(ByteBuffer b, int index) {
    switch (this) {
      case F2: return halfToFloat(b.getShort(index));
      case F4: return b.getFloat(index);
      case F8: return (float) b.getDouble(index);
      case U8: return unsignedToFloat(b.getLong(index));
      default: return longAt(b, index); // the other integers: exact, then rounded once
    }
  }

  /**
   * Decodes {@code count} values from byte 0 of {@code b} (in its byte order) into {@code out},
   * as {@link #floatAt} does one, a loop per type (a file's millions of values are read before the
   * JIT has compiled much: a switch per value made reading 47 million int16 values 0.2 s slower,
   * and uint64 and uint32 0.15 s).
   *
   * @param b the values
   * @param count how many
   * @param out receives them from {@code at}
   * @param at where the first goes
   * @return -1, or the index of the first finite float64 beyond the float32 range (made infinite)
   */
  int floats(ByteBuffer b, int count, float[] out, int at) {
    switch (this) {
      case F4:
        b.asFloatBuffer().get(0, out, at, count);
        return -1;
      case F8:
        for (int i = 0; i < count; i++) {
          double v = b.getDouble(i * Double.BYTES);
          out[at + i] = (float) v;
          if (beyondFloat(v)) {
            return i;
          }
        }
        return -1;
      case U1:
        for (int i = 0; i < count; i++) {
          out[at + i] = b.get(i) & 0xFF;
        }
        return -1;
      case I1:
        for (int i = 0; i < count; i++) {
          out[at + i] = b.get(i);
        }
        return -1;
      case I2:
        for (int i = 0; i < count; i++) {
          out[at + i] = b.getShort(i * 2);
        }
        return -1;
      case U2:
        for (int i = 0; i < count; i++) {
          out[at + i] = b.getShort(i * 2) & 0xFFFF;
        }
        return -1;
      case I4:
        for (int i = 0; i < count; i++) {
          out[at + i] = b.getInt(i * 4);
        }
        return -1;
      case U4:
        for (int i = 0; i < count; i++) {
          out[at + i] = b.getInt(i * 4) & 0xFFFFFFFFL;
        }
        return -1;
      case I8:
        for (int i = 0; i < count; i++) {
          out[at + i] = b.getLong(i * 8);
        }
        return -1;
      case U8:
        for (int i = 0; i < count; i++) {
          out[at + i] = unsignedToFloat(b.getLong(i * 8));
        }
        return -1;
      case F2:
        for (int i = 0; i < count; i++) {
          out[at + i] = halfToFloat(b.getShort(i * 2));
        }
        return -1;
      default: // booleans, value by value
        for (int i = 0; i < count; i++) {
          out[at + i] = floatAt(b, i * bytes);
        }
        return -1;
    }
  }

  /**
   * The integer at byte {@code index} of {@code b}: exact for every type but unsigned 64-bit
   * values above {@link Long#MAX_VALUE}, which are {@link Long#MAX_VALUE} (beyond every range a
   * caller accepts); floating-point values are truncated.
   *
   * @param b the buffer
   * @param index where the value starts
   * @return the value
   */
  long longAt(ByteBuffer b, int index) {
    switch (this) {
      case B1: return b.get(index) != 0 ? 1 : 0;
      case I1: return b.get(index);
      case U1: return b.get(index) & 0xFF;
      case I2: return b.getShort(index);
      case U2: return b.getShort(index) & 0xFFFF;
      case I4: return b.getInt(index);
      case U4: return b.getInt(index) & 0xFFFFFFFFL;
      case I8: return b.getLong(index);
      case U8: {
        long v = b.getLong(index);
        return v < 0 ? Long.MAX_VALUE : v;
      }
      case F8: return (long) b.getDouble(index);
      default: return (long) floatAt(b, index); // float16 and float32
    }
  }

  /**
   * The integer at byte {@code index} of {@code b} as decimal text, for messages: {@link #longAt}'s
   * value, but unsigned 64-bit values above {@link Long#MAX_VALUE} as their own.
   *
   * @param b the buffer
   * @param index where the value starts
   * @return the value's digits
   */
  String integerText(ByteBuffer b, int index) {
    return this == U8 ? Long.toUnsignedString(b.getLong(index)) : Long.toString(longAt(b, index));
  }

  /**
   * @param value a float64 value
   * @return whether it is finite but beyond the float32 range (rounds to infinity)
   */
  static boolean beyondFloat(double value) {
    return Double.isFinite(value) && Float.isInfinite((float) value);
  }

  /**
   * An unsigned 64-bit value as the nearest float32: halved with the lost bit kept as a sticky
   * bit, so that rounding to float32 is the correctly rounded value's.
   *
   * @param v the value's bits
   * @return the value
   */
  static float unsignedToFloat(long v) {
    return v >= 0 ? (float) v : (float) ((v >>> 1) | (v & 1)) * 2f;
  }

  /**
   * An IEEE half-precision value (numpy's float16) as float32, which holds every one exactly
   * ({@code Float.float16ToFloat} from Java 20 on).
   *
   * @param half the value's bits
   * @return the value
   */
  static float halfToFloat(short half) {
    int bits = half & 0xFFFF;
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1F;
    int mantissa = bits & 0x3FF;
    if (exponent == 0x1F) { // infinity or NaN (refused as values, with their row)
      return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
    }
    if (exponent == 0) { // zero or subnormal: mantissa x 2^-24
      float magnitude = mantissa * 0x1p-24f;
      return sign != 0 ? -magnitude : magnitude;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }
}
