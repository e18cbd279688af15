package org.knng.vectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Vectors}: row-major storage, copying vs wrapping, and rejection of malformed input with a
 * message naming the row (and column, for non-finite values).
 */
class VectorsTest {

  private static void assertMessageContains(Throwable e, String... parts) {
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' should mention '" + part + "'");
    }
  }

  @Test
  void ofCopiesRowsIntoOneRowMajorArray() {
    float[][] rows = {{1, 2, 3}, {4, 5, 6}};
    Vectors v = Vectors.of(rows);
    assertEquals(2, v.size());
    assertEquals(3, v.dimension());
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, v.data());
    assertEquals(6f, v.get(1, 2));
    assertArrayEquals(new float[] {4, 5, 6}, v.row(1));
    rows[0][0] = 99;
    assertEquals(1f, v.get(0, 0), "of() copies the input rows");
    v.row(0)[1] = 42;
    assertEquals(2f, v.get(0, 1), "row() returns a copy");
  }

  @Test
  void wrapUsesTheArrayWithoutCopying() {
    float[] data = {1, 2, 3, 4, 5, 6};
    Vectors v = Vectors.wrap(data, 2);
    assertEquals(3, v.size());
    assertEquals(2, v.dimension());
    assertSame(data, v.data());
    assertEquals(5f, v.get(2, 0));
    assertEquals("Vectors[3 x 2]", v.toString());
  }

  /** Ragged rows: the message names the first bad row and both lengths. */
  @Test
  void raggedRowsAreRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Vectors.of(new float[][] {{1, 2}, {3, 4}, {5}, {6, 7}}));
    assertMessageContains(e, "row 2", "1", "2");
    IllegalArgumentException longer = assertThrows(IllegalArgumentException.class,
        () -> Vectors.of(new float[][] {{1, 2}, {3, 4, 5}}));
    assertMessageContains(longer, "row 1", "3");
  }

  static Stream<Arguments> nonFinite() {
    return Stream.of(Arguments.of(Float.NaN), Arguments.of(Float.POSITIVE_INFINITY),
        Arguments.of(Float.NEGATIVE_INFINITY));
  }

  /** NaN and infinities are refused; the message names the row and column. */
  @ParameterizedTest
  @MethodSource("nonFinite")
  void nonFiniteValuesAreRejectedWithRowAndColumn(float bad) {
    float[][] rows = {{0, 1, 2}, {3, 4, 5}, {6, 7, 8}};
    rows[2][1] = bad;
    assertMessageContains(assertThrows(IllegalArgumentException.class, () -> Vectors.of(rows)),
        "row 2", "column 1");
    float[] flat = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    flat[7] = bad;
    assertMessageContains(assertThrows(IllegalArgumentException.class, () -> Vectors.wrap(flat, 5)),
        "row 1", "column 2");
  }

  @Test
  void emptyOrZeroDimensionalInputIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> Vectors.of(new float[0][]));
    assertThrows(IllegalArgumentException.class, () -> Vectors.of(new float[][] {{}, {}}));
    assertThrows(IllegalArgumentException.class, () -> Vectors.wrap(new float[0], 2));
    assertThrows(IllegalArgumentException.class, () -> Vectors.wrap(new float[4], 0));
    assertThrows(NullPointerException.class, () -> Vectors.of(null));
    assertThrows(NullPointerException.class, () -> Vectors.wrap(null, 1));
  }

  @Test
  void wrapNeedsAMultipleOfTheDimension() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Vectors.wrap(new float[7], 3));
    assertMessageContains(e, "7", "3");
  }

  @Test
  void outOfRangeAccessIsRejected() {
    Vectors v = Vectors.of(new float[][] {{1, 2}, {3, 4}});
    assertThrows(IndexOutOfBoundsException.class, () -> v.get(2, 0));
    assertThrows(IndexOutOfBoundsException.class, () -> v.get(0, 2));
    assertThrows(IndexOutOfBoundsException.class, () -> v.row(-1));
  }

  @Test
  void capacityIsChecked() {
    Vectors.checkCapacity(1000, 1000);
    assertThrows(IllegalArgumentException.class, () -> Vectors.checkCapacity(1L << 20, 1L << 12));
  }
}
