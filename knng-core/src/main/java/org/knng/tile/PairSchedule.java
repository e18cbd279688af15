package org.knng.tile;

/**
 * The order in which a self-join visits pairs of row blocks: every unordered pair {@code {I, J}}
 * (including {@code I = J}) exactly once, grouped into rounds in which no block appears twice.
 * Threads work through one round at a time, so the two blocks of a task belong to that task alone
 * and each pair's distance can be offered to both rows' neighbour lists without locks.
 *
 * <p>The rounds come from the circle method of round-robin tournaments (with a bye when the number
 * of blocks is odd); the diagonal pairs {@code (I, I)} form one more round, placed second so that
 * the JIT profiles both kinds of task early and does not have to recompile mid-run, or first when
 * the caller's block order makes the diagonal blocks the best first candidates.
 */
public final class PairSchedule {
  private final int[][] rounds;

  /**
   * @param blocks number of row blocks, at least 1
   * @param diagonalFirst whether the diagonal round comes first (else second)
   */
  public PairSchedule(int blocks, boolean diagonalFirst) {
    int even = blocks + (blocks & 1);
    int roundCount = 1 + (even - 1);
    rounds = new int[blocks == 1 ? 1 : roundCount][];
    int[] diagonal = new int[2 * blocks];
    for (int b = 0; b < blocks; b++) {
      diagonal[2 * b] = b;
      diagonal[2 * b + 1] = b;
    }
    if (blocks == 1) {
      rounds[0] = diagonal;
      return;
    }
    int m = even - 1; // positions 0..m-1 rotate; block m (the last one, or the bye) stays fixed
    for (int r = 0; r < m; r++) {
      int[] pairs = new int[even];
      int n = 0;
      for (int i = 0; i < even / 2; i++) {
        int a = i == 0 ? m : (r + i) % m;
        int b = i == 0 ? r : (r - i + m) % m;
        if (a < blocks && b < blocks) {
          pairs[n++] = Math.min(a, b);
          pairs[n++] = Math.max(a, b);
        }
      }
      // Round slots: the diagonal at 0 or 1, the first off-diagonal round at the other, then the rest.
      rounds[r == 0 ? (diagonalFirst ? 1 : 0) : r + 1] = java.util.Arrays.copyOf(pairs, n);
    }
    rounds[diagonalFirst ? 0 : 1] = diagonal;
    assert disjoint(rounds, blocks) : "a block appears twice in one round";
  }

  /** Whether no block appears in two pairs of one round (a diagonal pair names its block once). */
  private static boolean disjoint(int[][] rounds, int blocks) {
    for (int[] round : rounds) {
      boolean[] seen = new boolean[blocks];
      for (int t = 0; t < round.length; t += 2) {
        int a = round[t];
        int b = round[t + 1];
        if (seen[a] || (a != b && seen[b])) {
          return false;
        }
        seen[a] = true;
        seen[b] = true;
      }
    }
    return true;
  }

  /** @return number of rounds */
  public int rounds() {
    return rounds.length;
  }

  /**
   * @param round a round
   * @return its pairs as {@code [I0, J0, I1, J1, ...]} with {@code I <= J}
   */
  public int[] pairs(int round) {
    return rounds[round];
  }

  /** @return number of pairs over all rounds */
  public int size() {
    int n = 0;
    for (int[] r : rounds) {
      n += r.length / 2;
    }
    return n;
  }
}
