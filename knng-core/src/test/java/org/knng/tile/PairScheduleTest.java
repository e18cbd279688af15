package org.knng.tile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The self-join schedule: every unordered pair of blocks once, no block twice in a round. */
class PairScheduleTest {

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 8, 13, 31, 64})
  void everyPairOnceAndRoundsDisjoint(int blocks) {
    for (boolean diagonalFirst : new boolean[] {false, true}) {
      PairSchedule s = new PairSchedule(blocks, diagonalFirst);
      int[][] seen = new int[blocks][blocks];
      for (int r = 0; r < s.rounds(); r++) {
        boolean[] busy = new boolean[blocks];
        int[] pairs = s.pairs(r);
        for (int t = 0; t < pairs.length; t += 2) {
          int a = pairs[t];
          int b = pairs[t + 1];
          assertTrue(a <= b, "pairs are ordered");
          assertFalse(busy[a] || busy[b], "block twice in round " + r);
          busy[a] = true;
          busy[b] = true;
          seen[a][b]++;
        }
      }
      int total = 0;
      for (int a = 0; a < blocks; a++) {
        for (int b = a; b < blocks; b++) {
          assertEquals(1, seen[a][b], "pair " + a + ", " + b);
          total++;
        }
      }
      assertEquals(total, s.size());
      int diagonalRound = diagonalFirst || blocks == 1 ? 0 : 1;
      assertEquals(2 * blocks, s.pairs(diagonalRound).length, "the diagonal round");
      assertEquals(s.pairs(diagonalRound)[0], s.pairs(diagonalRound)[1]);
    }
  }
}
