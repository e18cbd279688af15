package org.knng.approx;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.knng.simd.VectorOps;
import org.knng.tile.Side;
import org.knng.tree.RandomProjectionSplit;

/**
 * One locality-sensitive hash table, as buckets of points to join: each point gets a key from
 * {@code functions} random projections of the vectors the kernels read, points are sorted by key,
 * and each run of equal keys is a bucket. Angular metrics (cosine, inner product) use
 * random-hyperplane signs (Charikar); the others p-stable hashes {@code floor((a.x + b) / w)}
 * (Datar et al.), with {@code w} set from the spread of the projections so that a bucket holds
 * about {@code cap} points on average.
 *
 * <p>A bucket larger than {@code cap} (skewed data, many duplicates) is split by a
 * random-projection tree into pieces of at most {@code cap}, so that no bucket can blow up one
 * join; every point of it still meets its nearest bucket mates.
 */
final class HashBuckets {
  private final VectorOps ops;
  private final Side side;
  private final boolean angular;
  private final int functions;
  private final int cap;

  /**
   * @param ops the kernels (dot products)
   * @param side the vectors hashed (the screen's rows)
   * @param angular signs of random hyperplanes, not p-stable cells
   * @param functions hash functions per table
   * @param cap the most points per bucket
   */
  HashBuckets(VectorOps ops, Side side, boolean angular, int functions, int cap) {
    this.ops = ops;
    this.side = side;
    this.angular = angular;
    this.functions = functions;
    this.cap = cap;
  }

  /**
   * The buckets of one table: {@code order} is filled with the points, bucket by bucket, and
   * {@code starts} with where each bucket starts (then {@code n}).
   *
   * @return the number of buckets
   */
  int buckets(long seed, int[] order, int[] starts) {
    int n = side.size();
    int d = side.dimension();
    float[] data = side.data();
    float[] unit = side.packScale();
    SplittableRandom random = new SplittableRandom(seed);
    long[] keys = new long[n];
    float[] direction = new float[d];
    float[] projection = new float[n];
    // Cells per p-stable function, so that all functions together make about n / cap cells.
    double cells = Math.max(2, Math.pow(Math.max(2.0, (double) n / cap), 1.0 / functions));
    for (int f = 0; f < functions; f++) {
      for (int c = 0; c < d; c++) {
        direction[c] = (float) gaussian(random);
      }
      double sum = 0;
      double squares = 0;
      for (int i = 0; i < n; i++) {
        float v = ops.dot(data, i * d, direction, 0, d) * (unit == null ? 1f : unit[i]);
        projection[i] = v;
        sum += v;
        squares += (double) v * v;
      }
      double mean = sum / n;
      double sd = Math.sqrt(Math.max(0, squares / n - mean * mean));
      // Angular: the sign (through the origin). Else cells of width w over about 4 sd, offset b.
      double w = sd > 0 ? 4 * sd / cells : 1;
      double b = random.nextDouble() * w;
      for (int i = 0; i < n; i++) {
        long cell = angular ? (projection[i] >= 0 ? 1 : 0) : (long) Math.floor((projection[i] - mean + b) / w);
        keys[i] = keys[i] * 0x9E3779B97F4A7C15L + cell; // combined, then sorted: a collision only merges
      }
    }
    // Sort points by (key, index).
    int[] index = new int[n];
    for (int i = 0; i < n; i++) {
      index[i] = i;
    }
    sortByKey(keys, index);
    int buckets = 0;
    int from = 0;
    RandomProjectionSplit split = null;
    int[] piece = new int[0];
    int[] pieceStarts = new int[0];
    for (int i = 1; i <= n; i++) {
      if (i < n && keys[i] == keys[from]) {
        continue;
      }
      int size = i - from;
      if (size <= cap) {
        System.arraycopy(index, from, order, from, size);
        starts[buckets++] = from;
      } else {
        if (split == null) {
          split = new RandomProjectionSplit(ops, data, d, unit);
        }
        if (piece.length < size) {
          piece = new int[size];
          pieceStarts = new int[RandomProjectionSplit.startsLength(size, cap)];
        }
        System.arraycopy(index, from, piece, 0, size);
        int pieces = split.order(piece, size, cap, random.nextLong(), pieceStarts);
        System.arraycopy(piece, 0, order, from, size);
        for (int p = 0; p < pieces; p++) {
          starts[buckets++] = from + pieceStarts[p];
        }
      }
      from = i;
    }
    starts[buckets] = n;
    return buckets;
  }

  /** Room for the bucket starts of {@code n} points. */
  static int startsLength(int n) {
    return n + 1;
  }

  private static double gaussian(SplittableRandom random) {
    double u = 1 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Sorts {@code keys} ascending and permutes {@code index} alongside (ties by index). */
  private static void sortByKey(long[] keys, int[] index) {
    int n = keys.length;
    // Sort by (key, index) through a packed rank: the keys are ranked (binary search in the sorted
    // keys gives equal keys the same rank), then (rank, index) packed into one long sorts in place.
    long[] distinct = keys.clone();
    Arrays.sort(distinct);
    long[] packed = new long[n];
    for (int i = 0; i < n; i++) {
      long rank = Arrays.binarySearch(distinct, keys[i]);
      packed[i] = (rank << 32) | index[i];
    }
    Arrays.sort(packed);
    for (int i = 0; i < n; i++) {
      index[i] = (int) packed[i];
    }
    long[] sortedKeys = new long[n];
    for (int i = 0; i < n; i++) {
      sortedKeys[i] = keys[index[i]];
    }
    System.arraycopy(sortedKeys, 0, keys, 0, n);
  }
}
