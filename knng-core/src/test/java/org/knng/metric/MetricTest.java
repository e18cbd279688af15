package org.knng.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.knng.testing.NaiveKnn;

/**
 * {@link Metric#distance}, the double-precision re-scoring every engine reports, against the
 * independent definitions in {@link NaiveKnn}, at offsets; and {@link Metric#parse}.
 */
class MetricTest {

  /** Random vectors at non-zero offsets in larger arrays: Metric agrees with the definitions. */
  @ParameterizedTest
  @EnumSource(Metric.class)
  void agreesWithTheDefinitions(Metric metric) {
    Random rnd = new Random(metric.ordinal());
    for (int trial = 0; trial < 200; trial++) {
      int d = 1 + rnd.nextInt(70);
      float[] a = new float[d];
      float[] b = new float[d];
      float[] pa = new float[d + 3];
      float[] pb = new float[d + 9];
      for (int i = 0; i < d; i++) {
        a[i] = (float) rnd.nextGaussian();
        b[i] = (float) rnd.nextGaussian();
        pa[3 + i] = a[i];
        pb[9 + i] = b[i];
      }
      double expected = NaiveKnn.distance(metric, a, b);
      double actual = metric.distance(pa, 3, pb, 9, d);
      assertEquals(expected, actual, 1e-12 * Math.max(1, Math.abs(expected)), metric + " d=" + d);
    }
  }

  /** Hand values: the units of each metric. */
  @Test
  void handCheckedValues() {
    float[] o = {0, 0};
    float[] p = {3, 4};
    assertEquals(5.0, Metric.EUCLIDEAN.distance(o, 0, p, 0, 2));
    assertEquals(25.0, Metric.SQEUCLIDEAN.distance(o, 0, p, 0, 2));
    assertEquals(7.0, Metric.MANHATTAN.distance(o, 0, p, 0, 2));
    assertEquals(4.0, Metric.CHEBYSHEV.distance(o, 0, p, 0, 2));
    assertEquals(6.0, Metric.CHEBYSHEV.distance(new float[] {1, -5, 2}, 0, new float[] {-1, 1, 2.5f}, 0, 3));
    assertEquals(-25.0, Metric.INNER_PRODUCT.distance(p, 0, p, 0, 2));
    assertEquals(2.0, Metric.COSINE.distance(new float[] {1, 1}, 0, new float[] {-2, -2}, 0, 2));
    assertEquals(1.0, Metric.COSINE.distance(new float[] {1, 0}, 0, new float[] {0, 3}, 0, 2));
  }

  /** Cosine of a vector with a copy or a positive multiple of itself is exactly 0, never 1e-16. */
  @Test
  void cosineOfCopiesIsExactlyZero() {
    Random rnd = new Random(5);
    for (int trial = 0; trial < 2000; trial++) {
      int d = 1 + rnd.nextInt(64);
      float[] a = new float[d];
      float[] twice = new float[d];
      for (int i = 0; i < d; i++) {
        a[i] = (float) rnd.nextGaussian();
        twice[i] = 2 * a[i];
      }
      assertEquals(0.0, Metric.COSINE.distance(a, 0, a.clone(), 0, d), "copy, trial " + trial);
      assertEquals(0.0, Metric.COSINE.distance(a, 0, twice, 0, d), "multiple, trial " + trial);
    }
  }

  @Test
  void parseAcceptsIdsCaseAndUnderscores() {
    for (Metric m : Metric.values()) {
      assertEquals(m, Metric.parse(m.id()));
      assertEquals(m, Metric.parse(" " + m.id().toUpperCase() + " "));
    }
    assertEquals(Metric.INNER_PRODUCT, Metric.parse("inner_product"));
    assertEquals("inner-product", Metric.INNER_PRODUCT.id());
  }

  @Test
  void parseRejectsUnknownNamesListingTheChoices() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Metric.parse("l2"));
    assertTrue(e.getMessage().contains("l2"), e.getMessage());
    assertTrue(e.getMessage().contains(Metric.choices()), e.getMessage());
    assertEquals("euclidean, sqeuclidean, cosine, inner-product, manhattan, chebyshev", Metric.choices());
  }
}
