package org.knng.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A .npy file taken apart in the test, independently of the production reader: it checks the
 * version 1.0 layout NumPy writes (magic, 64-byte alignment, newline) and exposes the dict entries
 * and the raw data.
 */
final class ParsedNpy {
  private static final Pattern DICT = Pattern.compile(
      "\\{'descr': '([^']*)', 'fortran_order': (True|False), 'shape': (\\([^)]*\\)), \\} *\\n");

  /** e.g. {@code <i4} */
  final String descr;
  /** as written, e.g. {@code (2, 3)} */
  final String shape;
  final boolean fortranOrder;
  /** the bytes after the header */
  final byte[] data;

  ParsedNpy(byte[] file) {
    byte[] magic = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    assertArrayEquals(magic, Arrays.copyOf(file, 6), "magic");
    assertEquals(1, file[6], "major version");
    assertEquals(0, file[7], "minor version");
    int headerLength = ByteBuffer.wrap(file, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xFFFF;
    assertEquals(0, (10 + headerLength) % 64, "data must start at a multiple of 64 bytes");
    String header = new String(file, 10, headerLength, StandardCharsets.ISO_8859_1);
    Matcher m = DICT.matcher(header);
    assertTrue(m.matches(), () -> "header not as NumPy writes it: '" + header + "'");
    descr = m.group(1);
    fortranOrder = m.group(2).equals("True");
    shape = m.group(3);
    data = Arrays.copyOfRange(file, 10 + headerLength, file.length);
  }

  int[] int32() {
    assertEquals("<i4", descr);
    int[] out = new int[data.length / 4];
    ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(out);
    assertEquals(data.length, out.length * 4L, "data length");
    return out;
  }

  long[] int64() {
    assertEquals("<i8", descr);
    long[] out = new long[data.length / 8];
    ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(out);
    assertEquals(data.length, out.length * 8L, "data length");
    return out;
  }

  float[] float32() {
    assertEquals("<f4", descr);
    float[] out = new float[data.length / 4];
    ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    assertEquals(data.length, out.length * 4L, "data length");
    return out;
  }
}
