package org.knng.approx;

import java.util.BitSet;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.knng.ProgressListener;
import org.knng.engine.Parallel;
import org.knng.simd.VectorOps;
import org.knng.tile.BlockJoin;
import org.knng.tile.BlockJoin.Pairs;
import org.knng.tile.Screen;
import org.knng.tile.Side;
import org.knng.tree.RandomProjectionSplit;

/**
 * One NN-Descent build (Dong, Charikar and Li, 2011, with PyNNDescent's refinements): a forest of
 * random-projection trees gives every point first neighbours, then rounds of local joins improve
 * them until few lists change; where the lists fall apart into small components (separate
 * clusters), those are joined in full instead.
 *
 * <p>The steps, each on all threads, each independent of the thread count:
 *
 * <ol>
 *   <li><b>Forest.</b> Each tree ({@link RandomProjectionSplit}, seeded by the build's seed and the
 *       tree's number) orders the points into leaves of {@code leaf} points; every leaf is joined
 *       with itself as one dense block of SIMD tiles ({@link BlockJoin}), not pair by pair, each
 *       point taking its nearest {@code kept} (k) of the leaf; the rounds fill the rest of its
 *       list. The forest stops early once the components (below) fit their budget and the last
 *       tree shrank them by less than {@link #SETTLED}: on separate clusters more trees only clean
 *       the lists' far ends.
 *   <li><b>Components.</b> Before each round: if the connected components ({@link Components}) of
 *       the lists' nearest entries (a third of each list, at least {@link #MIN_NEAREST}) can all be
 *       joined in full for at most {@link #COMPONENT_SHARE} of the exact engine's pairs, the rounds
 *       stop and they are ({@link Cells}): every row's kept nearest are then exact within its
 *       component, which on separate clusters is the exact graph. The lists' far ends are where a
 *       tree's leaf across two clusters leaves false entries that would glue the clusters into one
 *       component (200,000-point mixture after 16 trees: 916 components from whole lists, 999
 *       from the nearest five entries of 15), and the nearest entries settle in fewer trees.
 *   <li><b>Candidates.</b> For each point, up to {@code candidates} new and as many old neighbours,
 *       forward and reverse, sampled by a pseudo-random priority that depends only on the seed, the
 *       round and the pair (so the sample does not depend on who computes it); old ones only for
 *       points that have new ones, the only ones they are joined with. Sampled new neighbours
 *       become old.
 *   <li><b>Local join.</b> Each point's new candidates are joined with each other and with its old
 *       ones, again as small dense blocks; pairs that beat a list's k-th value are offered to it
 *       ({@link Updates}: per-chunk buffers applied row by row in a fixed order).
 *   <li><b>Stop</b> when a round changes fewer than {@code delta x N x k} entries, or after {@code
 *       rounds} rounds; then the smallest components that fit the budget are joined in full.
 * </ol>
 *
 * <p>Memory: the lists, {@code N x k x 9} bytes; the candidate lists, {@code 2 x N x candidates x 9}
 * bytes; the forest, {@code N x 4} bytes per tree being built ({@code threads} at a time); the
 * components, {@code N x 12} bytes; the update buffers, at most {@link #BUDGET} offers of 12 bytes
 * per phase; the sampling's reverse candidates, {@link #REVERSE_BUFFER} x 2 x 12 bytes a thread; points of small integers as bytes while the lists are joined ({@code N x D} bytes, see
 * {@code Screening.reorder}). Nothing grows as {@code N x k x trees}.
 */
final class NnDescent {
  /**
   * Reverse candidates a thread buffers before it inserts them grouped by row: 2 x 256K x 12 bytes
   * (6 MB) a thread.
   */
  static final int REVERSE_BUFFER = 1 << 18;
  /** Offers buffered per phase at most: 4M x 12 bytes = 48 MB. */
  static final long BUDGET = 1L << 22;
  /**
   * The share of the exact engine's pairs that joining components in full may take: on clustered
   * data (a mixture of 1,000 separate 96-dimensional Gaussians, 200,000 points) all components
   * together take 3% and their points' lists become exact.
   */
  static final double COMPONENT_SHARE = 0.1;
  /**
   * The share for a part of a larger graph (a Spark cell): twice the whole's, since a cell's
   * share of the whole graph's budget is smaller than what the whole would spend on the cell's
   * largest cluster group (200k mixture: a cell of 26,940 points, all one component, 13% of the
   * points: at 0.1 it was left to the rounds and the recall fell to 0.92; at 0.2 it is joined and
   * the recall is 1.0).
   */
  static final double PART_SHARE = 0.2;
  /** The fewest nearest entries of a list whose components are joined. */
  static final int MIN_NEAREST = 3;
  /**
   * The forest stops when a tree leaves the components' pairs above this share of what they were
   * (and within the budget): on the 200,000-point mixture they fall 6% from the 6th tree to the
   * 7th, and by less than 1% a tree after that.
   */
  static final double SETTLED = 0.9;

  private final VectorOps ops;
  private final Settings settings;
  private final int threads;
  private final ProgressListener progress;
  private final int n;
  private final Screen screen;
  private final Updates updates;
  private NeighborLists lists;
  /** The sampled candidates, refilled each round. */
  private NeighborLists fresh;
  private NeighborLists old;
  private long progressDone;
  private long progressTotal;
  /** Rounds of local joins run so far, and the offers that changed a list. */
  private int rounds;
  private long lastChanges;
  /** The most pairs that joining components in full may take ({@link #COMPONENT_SHARE}). */
  private final long budget;
  /** Whether the kept nearest of every list (in focus) are exact within its component. */
  private boolean allJoined;
  /** The rows whose components may be joined in full (screen order), or null for all. */
  private final BitSet focus;
  /** The entries of each list, nearest first, whose components the build joins. */
  private final int nearest;
  /** Whether some rows are out of focus (their lists matter elsewhere, but not nothing). */
  private final boolean visitors;
  /**
   * The components the forest's last stop check found, on the lists as the forest left them: the
   * first round's check takes them instead of finding them again (null once taken).
   */
  private Components afterForest;
  /** The sampling's buffers of reverse candidates, new and old, per part of the rows. */
  private Updates.Buffer[] reverse = new Updates.Buffer[0];

  /**
   * @param screen the self-join's screen, in whose row order the build works (its blocks must hold
   *     a leaf and two candidate lists)
   */
  NnDescent(VectorOps ops, Screen screen, Settings settings, int threads,
      ProgressListener progress) {
    this(ops, screen, settings, threads, progress, screen.rows().size(), null);
  }

  /**
   * As the other constructor, for points that are a part of a larger graph's points (a cell of
   * the Spark job): the component budget is this part's share of that graph's exact pairs,
   * {@code PART_SHARE x n x (whole - 1) / 2}, so that a cluster joined in full in a cell costs
   * about what it would in one run over all points; and only the components holding a row of {@code
   * focus} (the cell's home points) are joined in full, the others being joined in their own cells.
   *
   * @param whole points of the whole graph, at least these points
   * @param focus rows of the screen whose components may be joined in full, or null for all
   */
  NnDescent(VectorOps ops, Screen screen, Settings settings, int threads,
      ProgressListener progress, long whole, BitSet focus) {
    this.ops = ops;
    this.settings = settings;
    this.threads = threads;
    this.progress = progress;
    this.n = screen.rows().size();
    this.screen = screen;
    this.updates = new Updates(ops, screen, threads, BUDGET);
    this.progressTotal = settings.trees() + settings.rounds();
    this.budget = (long) ((whole > n ? PART_SHARE : COMPONENT_SHARE) * n * (Math.max(n, whole) - 1.0) / 2);
    this.focus = focus;
    // Rows out of focus (a cell's visitors) keep the forest's lists, or those of the components
    // their lists glue them to: for them, whole lists and every tree (1M mixture on two Spark
    // workers: recall 0.9926 with them, 0.9885 with the nearest entries and an early stop).
    this.visitors = focus != null && focus.cardinality() < n;
    this.nearest = visitors ? settings.listSize()
        : Math.min(settings.listSize(), Math.max(MIN_NEAREST, (settings.listSize() + 2) / 3));
  }

  /** Builds the graph: the forest, then rounds of local joins until they converge. */
  NeighborLists build() {
    lists = new NeighborLists(n, settings.listSize());
    forest();
    joinComponents(descend(settings.rounds(), settings.candidates(), nearest));
    return lists;
  }

  /**
   * Joins exactly, each with itself, the smallest components of the lists while their pairs fit
   * the budget ({@link Components}): on clustered data, every point's exact nearest.
   */
  private void joinComponents(Components components) {
    long began = System.nanoTime();
    int[][] cells = components.smallest(budget);
    int[] members = cells[0];
    if (members.length == 0) {
      progress.note(String.format(Locale.ROOT, "nndescent: %d components, the largest of %d points:"
          + " none joined in full", components.count(), components.largest()));
      return;
    }
    Cells joined = new Cells(members, cells[1], screen.block());
    // Each row is offered its nearest kept of the component, which the result takes: the lists'
    // far ends stay as the rounds left them (200,000-point mixture: a fifth fewer offers).
    int keep = Math.min(settings.kept(), lists.k());
    updates.run(lists, joined.units(), 2L * screen.block() * keep, keep, joined::join);
    // The kept nearest are exact within the lists' own components only if those were joined, not
    // finer ones.
    allJoined = components.edges() == lists.k() && cells[1].length - 1 == components.focused();
    progress.note(String.format(Locale.ROOT, "nndescent: %d components, %d joined in full (%d points)"
        + " in %.2f s", components.count(), cells[1].length - 1, members.length,
        (System.nanoTime() - began) / 1e9));
  }

  /**
   * Widens the lists to the list size of {@code more} and runs up to its rounds again, with its
   * candidates (the target-recall loop raises the effort this way).
   */
  NeighborLists refine(Settings more) {
    if (more.listSize() > lists.k()) {
      lists = lists.widen(more.listSize());
    } else {
      lists.markAllFresh();
    }
    if (allJoined) { // each row's kept nearest are exact within its component: rounds cannot help
      return lists;
    }
    progressTotal += more.rounds();
    // Whole lists: the rounds then reach what the build's finer components left out.
    joinComponents(descend(more.rounds(), more.candidates(), lists.k()));
    return lists;
  }

  int rounds() {
    return rounds;
  }

  long lastChanges() {
    return lastChanges;
  }

  private void forest() {
    long began = System.nanoTime();
    int leaf = settings.leaf();
    // The trees split the vectors the kernels read (the points, or their projections), in the
    // screen's row order, as the kernels see them (cosine: unit vectors).
    Side side = screen.rows();
    ThreadLocal<RandomProjectionSplit> splits = ThreadLocal.withInitial(
        () -> new RandomProjectionSplit(ops, side.data(), side.dimension(), side.packScale()));
    long[] last = {-1};
    // A leaf offers each row its nearest kept, not a whole list: the rounds fill the lists' far
    // ends, and the leaves' tighter thresholds compute fewer pairs in full (Fashion-MNIST: forest
    // 1.97 -> 1.56 s, recall 0.9931 -> 0.9933). Visitors keep whole lists: rounds may never reach
    // them.
    int keep = visitors ? lists.k() : settings.kept();
    int trees = Partitions.join(lists, updates, n, settings.trees(), leaf, keep,
        RandomProjectionSplit.startsLength(n, leaf), threads, (t, order, starts) -> {
          for (int i = 0; i < n; i++) {
            order[i] = i;
          }
          return splits.get().order(order, n, leaf, mix(settings.seed(), t, 0x7ee5L), starts);
        }, () -> {
          tick();
          return settled(last);
        });
    finishProgress(settings.trees() - trees);
    progress.note(String.format(Locale.ROOT, "nndescent: forest of %d trees in %.2f s%s", trees,
        (System.nanoTime() - began) / 1e9, trees < settings.trees()
            ? " (stopped: the components of the nearest " + nearest + " entries settled)" : ""));
  }

  /**
   * Whether the forest may stop: no row is out of focus, the components of the lists' nearest
   * entries fit the budget, and the last tree shrank their pairs by less than {@link #SETTLED}
   * ({@code last[0]}: the pairs after the tree before, updated).
   */
  private boolean settled(long[] last) {
    if (visitors) {
      return false;
    }
    afterForest = new Components(lists, focus, nearest);
    long pairs = afterForest.pairs();
    boolean settled = pairs <= budget && pairs <= last[0] && pairs >= SETTLED * last[0];
    last[0] = pairs;
    return settled;
  }

  /**
   * Rounds of candidate sampling and local joins, until few lists change, or until the lists'
   * components can all be joined in full within the budget (rounds would only improve lists
   * within them).
   *
   * @return the components of the lists at the end
   */
  private Components descend(int maxRounds, int c, int edges) {
    long stop = (long) Math.ceil(settings.delta() * n * lists.k());
    Components found = afterForest != null && afterForest.edges() == Math.min(edges, lists.k())
        ? afterForest : null;
    afterForest = null;
    for (int round = 0; round < maxRounds; round++) {
      Components components = found != null ? found : new Components(lists, focus, edges);
      found = null;
      if (components.pairs() <= budget) {
        finishProgress(maxRounds - round);
        return components;
      }
      long start = System.nanoTime();
      if (fresh == null || fresh.k() != c) {
        fresh = new NeighborLists(n, c);
        old = new NeighborLists(n, c);
      } else {
        fresh.clear();
        old.clear();
      }
      sample(fresh, old, rounds);
      markSampled(fresh);
      long sampled = System.nanoTime();
      int[] freshIds = fresh.ids();
      int[] oldIds = old.ids();
      long maxOffers = 2L * c * (c - 1) / 2 + 2L * c * c;
      lastChanges = updates.run(lists, n, maxOffers, (v, worker) -> {
        BlockJoin join = worker.join;
        int base = v * c;
        int nf = valid(freshIds, base, c);
        if (nf == 0) {
          return;
        }
        join.join(freshIds, base, nf, freshIds, base, nf, Pairs.WITHIN);
        int no = valid(oldIds, base, c);
        if (no > 0) {
          join.join(freshIds, base, nf, oldIds, base, no, Pairs.BOTH_WAYS);
        }
      });
      rounds++;
      tick();
      progress.note(String.format(Locale.ROOT,
          "nndescent: round %d changed %d entries in %.2f s (sampling %.2f s)", rounds, lastChanges,
          (System.nanoTime() - start) / 1e9, (sampled - start) / 1e9));
      if (lastChanges <= stop) {
        finishProgress(maxRounds - round - 1);
        break;
      }
    }
    return new Components(lists, focus, edges);
  }

  private void finishProgress(int roundsLeft) {
    progressDone += roundsLeft;
    progress.update(Math.min(progressDone, progressTotal), progressTotal);
  }

  /** Entries before the first empty slot of a sorted list. */
  private static int valid(int[] ids, int base, int c) {
    int count = 0;
    while (count < c && ids[base + count] >= 0) {
      count++;
    }
    return count;
  }

  /**
   * Each point's candidates: its neighbours and the points that have it as a neighbour, new ones
   * and old ones apart, at most {@code c} of each, those with the smallest priorities. The priority
   * of a pair depends only on the seed, the round and the pair, so each list is the same whichever
   * thread fills it; each thread fills the lists of its own range of rows, reading the whole graph.
   *
   * <p>A point's old candidates are joined only with its new ones: a point that will have no new
   * candidate (no new entry in its list, and new in no other list) gets no old ones either, and
   * the pairs that would only have given such points old candidates are skipped before their
   * priority is computed. The joins are the same; the late rounds, where few entries are new, no
   * longer pay for sampling every pair of the graph (200,000 x 96 mixture at k = 50: 5-9 s a
   * round).
   */
  private void sample(NeighborLists fresh, NeighborLists old, int round) {
    int k = lists.k();
    boolean[] joins = new boolean[n]; // the points that will have a new candidate
    for (int v = 0; v < n; v++) {
      for (int r = 0; r < k && lists.id(v, r) >= 0; r++) {
        if (lists.isFresh(v, r)) {
          joins[v] = true;
          joins[lists.id(v, r)] = true;
        }
      }
    }
    int parts = Math.max(1, Math.min(threads, n / 1024));
    AtomicInteger next = new AtomicInteger();
    long seed = mix(settings.seed(), round, 0xca9dL);
    if (reverse.length < 2 * parts) {
      reverse = new Updates.Buffer[2 * parts];
    }
    Parallel.run(parts, () -> {
      for (int part; (part = next.getAndIncrement()) < parts; ) {
        // Reverse candidates go to rows all over the part: buffered, and applied grouped by row
        // (a list keeps the smallest priorities whatever the order they come in). Each part's
        // buffers are kept from round to round.
        if (reverse[2 * part] == null) {
          reverse[2 * part] = new Updates.Buffer();
          reverse[2 * part + 1] = new Updates.Buffer();
        }
        Updates.Buffer reverseFresh = reverse[2 * part];
        Updates.Buffer reverseOld = reverse[2 * part + 1];
        int lo = (int) ((long) n * part / parts);
        int hi = (int) ((long) n * (part + 1) / parts);
        for (int v = 0; v < n; v++) {
          for (int r = 0; r < k; r++) {
            int u = lists.id(v, r);
            if (u < 0) {
              break;
            }
            boolean isNew = lists.isFresh(v, r);
            boolean toV = v >= lo && v < hi && (isNew || joins[v]);
            boolean toU = u >= lo && u < hi && (isNew || joins[u]);
            if (!toV && !toU) {
              continue;
            }
            float priority = priority(seed, v, u);
            if (toV) {
              (isNew ? fresh : old).insert(v, priority, u);
            }
            if (toU) {
              Updates.Buffer to = isNew ? reverseFresh : reverseOld;
              to.offer(u, priority, v);
              if (to.size >= REVERSE_BUFFER) {
                apply(to, isNew ? fresh : old);
              }
            }
          }
        }
        apply(reverseFresh, fresh);
        apply(reverseOld, old);
      }
    });
  }

  /** Inserts a buffer's candidates into their lists, grouped by row, and empties it. */
  private void apply(Updates.Buffer buffer, NeighborLists to) {
    buffer.sortByBin(n);
    for (int e = 0; e < buffer.size; e++) {
      to.insert(buffer.rows[e], buffer.values[e], buffer.ids[e]);
    }
    buffer.size = 0;
  }

  /** A list's new entries that were sampled are old from now on. */
  private void markSampled(NeighborLists fresh) {
    int k = lists.k();
    int c = fresh.k();
    int[] sampled = fresh.ids();
    AtomicInteger next = new AtomicInteger();
    int chunk = 4096;
    Parallel.run(Math.max(1, Math.min(threads, n / chunk)), () -> {
      for (int v0; (v0 = next.getAndAdd(chunk)) < n; ) {
        for (int v = v0; v < Math.min(n, v0 + chunk); v++) {
          for (int r = 0; r < k && lists.id(v, r) >= 0; r++) {
            if (lists.isFresh(v, r) && contains(sampled, v * c, c, lists.id(v, r))) {
              lists.markOld(v, r);
            }
          }
        }
      }
    });
  }

  private static boolean contains(int[] ids, int base, int c, int id) {
    for (int p = base; p < base + c && ids[p] >= 0; p++) {
      if (ids[p] == id) {
        return true;
      }
    }
    return false;
  }

  /** A pseudo-random priority in [0, 1) of the unordered pair {a, b}. */
  private static float priority(long seed, int a, int b) {
    long lo = Math.min(a, b);
    long hi = Math.max(a, b);
    return (mix(seed, lo, hi) >>> 40) * 0x1.0p-24f;
  }

  /** A 64-bit hash of three values (SplitMix64's finaliser over their combination). */
  static long mix(long a, long b, long c) {
    long z = a * 0x9E3779B97F4A7C15L + b * 0xC2B2AE3D27D4EB4FL + c * 0x165667B19E3779F9L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private void tick() {
    progressDone++;
    progress.update(Math.min(progressDone, progressTotal), progressTotal);
  }
}
