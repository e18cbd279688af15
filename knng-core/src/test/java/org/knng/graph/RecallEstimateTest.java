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
  void aTallyGivesTheMeanAndTheWiderOfItsIntervals() {
    // 100 rows of k = 10: 90 with 10 hits, 10 with 5 hits: mean 0.95, and the sample standard
    // deviation of the per-row recalls computed here from its definition.
    RecallEstimate.Tally t = new RecallEstimate.Tally(10);
    for (int r = 0; r < 100; r++) {
      t.add(r < 90 ? 10 : 5, r == 0, r == 1, r == 2);
    }
    RecallEstimate e = t.estimate();
    assertEquals(0.95, e.recall(), 1e-12);
    double mean = 0.95;
    double squares = 90 * Math.pow(1 - mean, 2) + 10 * Math.pow(0.5 - mean, 2);
    double sd = Math.sqrt(squares / 99);
    assertEquals(sd, t.standardDeviation(), 1e-12);
    double half = RecallEstimate.Z * sd / Math.sqrt(100);
    // The rows vary more than independent entries would: the normal interval is the wider one.
    assertEquals(mean - half, e.low(), 1e-12);
    assertEquals(Math.min(1, mean + half), e.high(), 1e-12);
    assertEquals(1, e.rowsWithSelfLoops());
    assertEquals(1, e.rowsWithDuplicates());
    assertEquals(1, e.rowsWithMissing());
    // All rows perfect: the Wilson interval keeps the lower bound below 1.
    RecallEstimate.Tally perfect = new RecallEstimate.Tally(10);
    for (int r = 0; r < 50; r++) {
      perfect.add(10, false, false, false);
    }
    assertEquals(1, perfect.estimate().recall());
    assertTrue(perfect.estimate().low() < 1 && perfect.estimate().low() > 0.99);
    assertThrows(IllegalArgumentException.class, () -> perfect.add(11, false, false, false));
    assertThrows(IllegalStateException.class, () -> new RecallEstimate.Tally(3).estimate());
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
    assertTrue(measured.withinRadius(0.5, org.knng.vectors.Vectors.of(new float[][] {{0}, {1}})).recall().isEmpty(), "pruned rows are not what was measured");
    assertThrows(IllegalArgumentException.class,
        () -> plain.withRecall(new RecallEstimate(1, 0.8, 1, 2, 3, 0, 0, 0)));
  }
}
