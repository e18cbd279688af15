package org.knng.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.knng.io.ErrorMessages.assertMessage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.knng.vectors.Vectors;

/**
 * .npy input. Every file here is built byte by byte in the test (header text, padding, data), not
 * with {@link NpyWriter}, so a bug shared by reader and writer cannot hide.
 */
class NpyFormatTest {
  @TempDir Path dir;

  /** 2 x 3 values that every supported dtype can hold exactly (uint8 included). */
  private static final double[] VALUES = {0, 1, 2, 127, 200, 255};
  private static final double[] SIGNED = {-3, 0, 7, -128, 100_000, -2_000_000};

  @ParameterizedTest
  @ValueSource(strings = {"<f4", ">f4", "=f4", "<f8", ">f8", "|u1", "u1", "<u1", "<i4", ">i4", "<i8", ">i8",
      "<f2", ">f2", "<i2", ">i2", "<u2", ">u2", "<u4", ">u4", "<u8", ">u8"})
  void readsEveryDtypeInEitherByteOrder(String descr) throws IOException {
    Path file = Files.write(dir.resolve("a.npy"), npy(1, descr, false, "(2, 3)", data(descr, VALUES)));
    Vectors v = VectorReader.read(file);
    assertEquals(2, v.size());
    assertEquals(3, v.dimension());
    assertArrayEquals(floats(VALUES), v.data());
  }

  @ParameterizedTest
  @ValueSource(strings = {"<f4", ">f8", "<i4", ">i4", "<i8", ">i8"})
  void readsNegativeValues(String descr) throws IOException {
    Path file = Files.write(dir.resolve("s.npy"), npy(1, descr, false, "(3, 2)", data(descr, SIGNED)));
    Vectors v = VectorReader.read(file);
    assertEquals(3, v.size());
    assertEquals(2, v.dimension());
    assertArrayEquals(floats(SIGNED), v.data());
  }

  @ParameterizedTest
  @ValueSource(strings = {"|i1", "<i2", ">i2", "<f2", ">f2"})
  void readsNegativeValuesOfNarrowTypes(String descr) throws IOException {
    double[] values = {-3, 0, 7, -128, 127, -100};
    Path file = Files.write(dir.resolve("n.npy"), npy(1, descr, false, "(2, 3)", data(descr, values)));
    assertArrayEquals(floats(values), VectorReader.read(file).data());
  }

  /**
   * Every float16 bit pattern against its definition, (-1)^s 2^(e-15) (1 + m/1024), or m 2^-24
   * for e = 0, which float32 holds exactly; e = 31 is infinity or NaN.
   */
  @Test
  void everyFloat16IsItsValue() {
    for (int bits = 0; bits < 1 << 16; bits++) {
      int s = bits >>> 15;
      int e = (bits >>> 10) & 0x1F;
      int m = bits & 0x3FF;
      double magnitude = e == 31 ? (m == 0 ? Double.POSITIVE_INFINITY : Double.NaN)
          : e == 0 ? m * Math.pow(2, -24) : Math.pow(2, e - 15) * (1 + m / 1024.0);
      float expected = (float) (s == 1 ? -magnitude : magnitude);
      float got = NumpyType.halfToFloat((short) bits);
      if (Float.isNaN(expected)) {
        assertTrue(Float.isNaN(got), "bits " + bits);
      } else {
        assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(got), "bits " + bits);
      }
    }
  }

  /** uint64 values past 2^63 are rounded to float32 as their exact value is. */
  @Test
  void largeUint64IsRoundedCorrectly() throws IOException {
    long[] raw = {-1L, Long.MIN_VALUE, Long.MIN_VALUE | (1L << 39) | 1, Long.MIN_VALUE | (1L << 39), 5};
    ByteBuffer b = ByteBuffer.allocate(8 * raw.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : raw) {
      b.putLong(v);
    }
    Path file = Files.write(dir.resolve("u8.npy"), npy(1, "<u8", false, "(1, 5)", b.array()));
    float[] got = VectorReader.read(file).data();
    for (int i = 0; i < raw.length; i++) {
      float expected = new java.math.BigInteger(Long.toUnsignedString(raw[i])).floatValue();
      assertEquals(expected, got[i], Long.toUnsignedString(raw[i]));
    }
  }

  /** numpy booleans are 0 and 1, as scikit-learn reads them; any non-zero byte is true. */
  @Test
  void boolVectorsAreZerosAndOnes() throws IOException {
    Path file = Files.write(dir.resolve("b.npy"), npy(1, "|b1", false, "(2, 3)",
        new byte[] {1, 0, 1, 0, 0, 2}));
    assertArrayEquals(new float[] {1, 0, 1, 0, 0, 1}, VectorReader.read(file).data());
  }

  @Test
  void float64IsRoundedToNearestFloat32() throws IOException {
    double[] values = {0.1, 1.0 / 3, 1e-40, 123456789.123};
    Path file = Files.write(dir.resolve("d.npy"), npy(1, "<f8", false, "(1, 4)", data("<f8", values)));
    assertArrayEquals(floats(values), VectorReader.read(file).data());
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void readsVersion2And3Headers(int major) throws IOException {
    Path file = Files.write(dir.resolve("v" + major + ".npy"), npy(major, "<f4", false, "(3, 2)", data("<f4", VALUES)));
    Vectors v = VectorReader.read(file);
    assertEquals(3, v.size());
    assertArrayEquals(floats(VALUES), v.data());
  }

  @Test
  void readsOtherSpellingsOfTheHeaderDict() throws IOException {
    // Python 2 long suffixes, double quotes, no trailing comma, keys in another order.
    String dict = "{\"shape\": (2L, 3L), \"fortran_order\": False, \"descr\": \"<i4\"}";
    Path file = Files.write(dir.resolve("py2.npy"), npyWithDict(1, dict, data("<i4", VALUES)));
    assertArrayEquals(floats(VALUES), VectorReader.read(file).data());
  }

  @Test
  void ignoresBytesAfterTheArray() throws IOException {
    byte[] bytes = npy(1, "<f4", false, "(2, 3)", data("<f4", VALUES));
    Path file = Files.write(dir.resolve("extra.npy"), Arrays.copyOf(bytes, bytes.length + 5));
    assertArrayEquals(floats(VALUES), VectorReader.read(file).data());
  }

  @Test
  void readsFilesLargerThanOneChunk() throws IOException {
    int rows = 100_003;
    int cols = 13; // 1.3 M float64 values: more than one 1 M-value chunk
    double[] values = new double[rows * cols];
    for (int i = 0; i < values.length; i++) {
      values[i] = i * 0.25 - 7;
    }
    Path file = Files.write(dir.resolve("big.npy"), npy(1, ">f8", false, "(" + rows + ", " + cols + ")",
        data(">f8", values)));
    Vectors v = VectorReader.read(file);
    assertEquals(rows, v.size());
    assertArrayEquals(floats(values), v.data());
  }

  @Test
  void fortranOrderIsRefused() throws IOException {
    Path file = Files.write(dir.resolve("f.npy"), npy(1, "<f4", true, "(2, 3)", data("<f4", VALUES)));
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(file)), file,
        "fortran_order is True", "C-order");
  }

  @ParameterizedTest
  @ValueSource(strings = {"<c8", "<c16", "<U5", "|O", "<f16", "<m8", "|S3", "|f4"})
  void unsupportedDtypeIsNamed(String descr) throws IOException {
    Path file = Files.write(dir.resolve("t.npy"), npy(1, descr, false, "(2, 3)", new byte[6 * 16]));
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(file)), file,
        "unsupported dtype '" + descr + "'");
  }

  @Test
  void structuredDtypeIsNamed() throws IOException {
    String dict = "{'descr': [('x', '<f4'), ('y', '<f4')], 'fortran_order': False, 'shape': (2, 3), }";
    Path file = Files.write(dir.resolve("rec.npy"), npyWithDict(1, dict, new byte[48]));
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(file)), file,
        "unsupported dtype [('x', '<f4'), ('y', '<f4')]");
  }

  @ParameterizedTest
  @ValueSource(strings = {"(6,)", "(1, 2, 3)", "()"})
  void shapeThatIsNot2dIsNamed(String shape) throws IOException {
    Path file = Files.write(dir.resolve("s.npy"), npy(1, "<f4", false, shape, data("<f4", VALUES)));
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(file)), file,
        "shape " + shape, "2-D");
  }

  @Test
  void shortDataIsTruncatedAtTheFirstIncompleteRow() throws IOException {
    byte[] bytes = npy(1, "<f8", false, "(3, 2)", data("<f8", VALUES));
    Path file = Files.write(dir.resolve("cut.npy"), Arrays.copyOf(bytes, bytes.length - 20));
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(file)), file,
        "truncated at row 1", "shape (3, 2)", "needs 48 data bytes, the file has 28");
  }

  @Test
  void truncatedHeaderIsReported() throws IOException {
    byte[] bytes = npy(1, "<f4", false, "(2, 3)", data("<f4", VALUES));
    Path file = Files.write(dir.resolve("head.npy"), Arrays.copyOf(bytes, 40));
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(file)), file,
        "header is truncated");
  }

  @Test
  void notNpyAtAllIsReported() throws IOException {
    Path file = Files.writeString(dir.resolve("text.npy"), "1,2,3\n4,5,6\n7,8,9\n");
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(file)), file,
        "not a NumPy .npy file");
  }

  @Test
  void unknownVersionIsReported() throws IOException {
    byte[] bytes = npy(1, "<f4", false, "(2, 3)", data("<f4", VALUES));
    bytes[6] = 4;
    Path file = Files.write(dir.resolve("v4.npy"), bytes);
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(file)), file,
        "unsupported .npy format version 4.0");
  }

  @Test
  void malformedHeaderIsReported() throws IOException {
    Path noShape = Files.write(dir.resolve("noshape.npy"),
        npyWithDict(1, "{'descr': '<f4', 'fortran_order': False, }", new byte[8]));
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(noShape)), noShape,
        "malformed .npy header", "'shape'");
    Path garbage = Files.write(dir.resolve("garbage.npy"), npyWithDict(1, "{'descr': <f4}", new byte[8]));
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(garbage)), garbage,
        "malformed .npy header");
    // A header length that runs into the data: the data's bytes are shown escaped, on one line.
    Path overrun = Files.write(dir.resolve("overrun.npy"), npyWithDict(1,
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), } l\u00bf\u0000>\u0085x\ny",
        new byte[16]));
    String message = assertThrows(InputFormatException.class, () -> VectorReader.read(overrun)).getMessage();
    assertTrue(message.contains("unexpected text after the dict"), message);
    assertTrue(message.endsWith("} l\\xbf\\x00>\\x85x y"), message);
    assertTrue(message.chars().allMatch(c -> c >= 0x20 && c < 0x7f), message);
  }

  @Test
  void noRowsIsEmpty() throws IOException {
    Path file = Files.write(dir.resolve("e.npy"), npy(1, "<f4", false, "(0, 3)", new byte[0]));
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(file)), file,
        "empty file, no vectors");
  }

  @Test
  void tooManyValuesAreRefusedBeforeAllocating() throws IOException {
    Path file = Files.write(dir.resolve("huge.npy"), npy(1, "<f4", false, "(100000, 100000)", new byte[0]));
    // The header promises 40 GB the file does not have (a real file that size is refused as more
    // than one array holds: VectorFileTest).
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(file)), file,
        "truncated at row 0", "needs 40000000000 data bytes");
    // 2^32 x 2^32 overflows a long product: still refused, not wrapped around to a small size.
    Path overflow = Files.write(dir.resolve("overflow.npy"),
        npy(1, "<f4", false, "(4294967296, 4294967296)", new byte[0]));
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(overflow)), overflow,
        "4294967296 x 4294967296 values exceed");
  }

  @Test
  void nanNamesRowAndColumn() throws IOException {
    double[] values = {1, 2, 3, 4, Double.NaN, 6};
    Path file = Files.write(dir.resolve("nan.npy"), npy(1, "<f8", false, "(2, 3)", data("<f8", values)));
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(file)), file,
        "row 1, column 1: value is NaN");
  }

  @Test
  void aFloat64BeyondTheFloat32RangeIsNamedAsSuchNotAsInfinity() throws IOException {
    double[] values = {1, 2, 3, 4, 5, -1e39};
    Path file = Files.write(dir.resolve("huge.npy"), npy(1, ">f8", false, "(2, 3)", data(">f8", values)));
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(file)), file,
        "row 1, column 2: value -1.0E39 is beyond the float32 range");
  }

  // ---- building .npy bytes by hand ----

  /** A .npy file: magic, version, header length, the dict padded to 64 bytes, then the data. */
  static byte[] npy(int major, String descr, boolean fortran, String shape, byte[] data) {
    String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': "
        + shape + ", }";
    return npyWithDict(major, dict, data);
  }

  static byte[] npyWithDict(int major, String dict, byte[] data) {
    int lengthBytes = major == 1 ? 2 : 4;
    int prelude = 6 + 2 + lengthBytes;
    StringBuilder header = new StringBuilder(dict);
    while ((prelude + header.length() + 1) % 64 != 0) {
      header.append(' ');
    }
    header.append('\n');
    byte[] text = header.toString().getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    ByteBuffer b = ByteBuffer.allocate(prelude).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
    if (major == 1) {
      b.putShort((short) text.length);
    } else {
      b.putInt(text.length);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(b.array());
    out.writeBytes(text);
    out.writeBytes(data);
    byte[] all = out.toByteArray();
    assertEquals(0, (prelude + text.length) % 64, "test helper: data must start at a multiple of 64");
    return all;
  }

  /** The values encoded as the dtype says (kind, size and byte order). */
  static byte[] data(String descr, double[] values) {
    ByteOrder order = descr.startsWith(">") ? ByteOrder.BIG_ENDIAN
        : descr.startsWith("<") ? ByteOrder.LITTLE_ENDIAN : ByteOrder.nativeOrder();
    String type = descr.replaceFirst("^[<>=|]", "");
    int size = Integer.parseInt(type.substring(1));
    ByteBuffer b = ByteBuffer.allocate(values.length * size).order(order);
    for (double v : values) {
      switch (type) {
        case "f4":
          b.putFloat((float) v);
          break;
        case "f8":
          b.putDouble(v);
          break;
        case "i1":
        case "u1":
          b.put((byte) (int) v);
          break;
        case "i2":
        case "u2":
          b.putShort((short) (int) v);
          break;
        case "i4":
          b.putInt((int) v);
          break;
        case "u4":
          b.putInt((int) (long) v);
          break;
        case "i8":
        case "u8":
          b.putLong((long) v);
          break;
        case "f2":
          b.putShort(half(v));
          break;
        default:
          throw new IllegalArgumentException(descr);
      }
    }
    return b.array();
  }

  /** The float16 bits of an integer of magnitude at most 2048 (exact in float16). */
  private static short half(double v) {
    if (v == 0) {
      return 0;
    }
    double a = Math.abs(v);
    int e = Math.getExponent(a);
    int m = (int) Math.round((a / Math.pow(2, e) - 1) * 1024);
    return (short) ((v < 0 ? 0x8000 : 0) | ((e + 15) << 10) | m);
  }

  private static float[] floats(double[] values) {
    float[] f = new float[values.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) values[i];
    }
    return f;
  }
}
