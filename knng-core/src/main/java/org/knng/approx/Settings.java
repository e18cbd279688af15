package org.knng.approx;

/**
 * The effort of one NN-Descent build, resolved for a data size: the list size kept while
 * descending (at least k), the forest (trees and leaf size), the candidates sampled per point and
 * round, the most rounds, the convergence threshold and the seed.
 *
 * @param kept neighbours the result keeps per point (k, or k - 1 with the point itself)
 * @param listSize neighbours kept per point while descending, at least {@code kept}
 * @param trees random-projection trees of the first graph
 * @param leaf points per leaf
 * @param candidates new (and old) candidates sampled per point and round
 * @param rounds the most rounds of local joins
 * @param delta stop when a round changes at most {@code delta x N x listSize} entries
 * @param seed the seed of the trees and of the sampling
 */
record Settings(int kept, int listSize, int trees, int leaf, int candidates, int rounds,
    double delta, long seed) {
  Settings {
    if (kept < 1 || listSize < kept || trees < 0 || leaf < 2 || candidates < 1 || rounds < 0
        || !(delta >= 0)) {
      throw new IllegalArgumentException("invalid NN-Descent settings " + kept + ", " + listSize
          + ", " + trees + ", " + leaf + ", " + candidates + ", " + rounds + ", " + delta);
    }
  }

  /**
   * The defaults for {@code n} points and {@code kept} neighbours at effort 1 (larger efforts
   * keep longer lists and sample more).
   */
  static Settings auto(int n, int kept, double effort, long seed) {
    int listSize = (int) Math.min(n - 1, Math.max(kept, Math.round(kept * effort)));
    // Leaves of more than leaf / 2 points give every point a full first list from one tree.
    int leaf = (int) Math.min(n, Math.max(2 * listSize + 2, Math.min(96, 6 * listSize)));
    int trees = 16;
    int candidates = Math.min(60, listSize);
    int rounds = Math.max(5, (int) Math.round(Math.log(n) / Math.log(2)));
    return new Settings(kept, listSize, trees, Math.max(2, leaf), candidates, rounds, 0.001, seed);
  }
}
