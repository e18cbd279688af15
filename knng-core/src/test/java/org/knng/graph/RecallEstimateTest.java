package org.knng.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.knng.metric.Metric;

/** {@link RecallEstimate}'s line and checks, and a {@link KnnResult} carrying one. */
class RecallEstimateTest {
  @Test
  void describeRoundsTowardsTheSafeSide() {
    RecallEstimate e = new RecallEstimate(0.99314, 0.99151, 0.99459, 1000, 10, 0, 0, 0);
    assertEquals("recall@10 0.9931 (95% interval 0.9915-0.9946, 1000 rows)", e.describe());
    assertEquals("recall@10 0.9931 (95% interval 0.9915-0.9946, 3842 sampled rows)",
        e.describe("3842 sampled rows"));
    // Almost perfect is not shown as perfect; exactly 1 is.
    assertEquals("recall@1 0.9999 (95% interval 0.9998-1.0000, 20000 rows)",
        new RecallEstimate(0.99996, 0.99981, 1, 20000, 1, 0, 0, 0).describe());
    assertEquals("recall@5 1.0000 (95% interval 0.9992-1.0000, 500 rows)",
        new RecallEstimate(1, 0.99923, 1, 500, 5, 0, 0, 0).describe());
    // Values that are exact at four decimals stay as they are.
    assertEquals("recall@4 0.7500 (95% interval 0.7000-0.8000, 8 rows)",
        new RecallEstimate(0.75, 0.7, 0.8, 8, 4, 1, 2, 3).describe());
  }

  @Test
  void valuesOutOfRangeAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new RecallEstimate(0.5, 0.6, 0.7, 10, 1, 0, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new RecallEstimate(0.5, 0.4, 1.1, 10, 1, 0, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new RecallEstimate(0.5, 0.4, 0.6, 0, 1, 0, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new RecallEstimate(0.5, 0.4, 0.6, 10, 1, 11, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new RecallEstimate(Double.NaN, 0, 1, 10, 1, 0, 0, 0));
  }

  @Test
  void aResultCarriesItsEstimateOnAShallowCopy() {
    int[] ids = {1, 0};
    float[] dist = {1f, 1f};
    KnnResult plain = new KnnResult(2, 2, 1, ids, dist, Metric.EUCLIDEAN, false);
    assertTrue(plain.recall().isEmpty());
    RecallEstimate e = new RecallEstimate(1, 0.8, 1, 2, 1, 0, 0, 0);
    KnnResult measured = plain.withRecall(e);
    assertSame(e, measured.recall().orElseThrow());
    assertSame(ids, measured.ids());
    assertSame(dist, measured.distances());
    assertTrue(plain.recall().isEmpty());
    assertTrue(measured.toString().contains("recall@1 1.0000"), measured.toString());
    assertTrue(measured.withinRadius(0.5).recall().isEmpty(), "pruned rows are not what was measured");
    assertThrows(IllegalArgumentException.class,
        () -> plain.withRecall(new RecallEstimate(1, 0.8, 1, 2, 3, 0, 0, 0)));
  }
}
