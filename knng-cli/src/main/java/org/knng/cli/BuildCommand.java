package org.knng.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.knng.Algorithm;
import org.knng.InvalidInputException;
import org.knng.UnrankableVectorsException;
import org.knng.engine.GroupedGraph;
import org.knng.engine.KnnEngine;
import org.knng.engine.KnnOptions;
import org.knng.exact.BlockedJoin;
import org.knng.io.ResultSpill;
import org.knng.ProgressListener;
import org.knng.graph.EdgeWeights;
import org.knng.graph.GraphMode;
import org.knng.graph.KnnResult;
import org.knng.graph.SparseGraph;
import org.knng.graph.Symmetrization;
import org.knng.io.AtomicOutput;
import org.knng.io.GroupLabels;
import org.knng.metric.Metric;
import org.knng.vectors.VectorSource;
import org.knng.vectors.Vectors;

/**
 * {@code knng build}: vectors file in, k-NN graph file out. It checks the options, reads the input,
 * makes the engine the {@code --algorithm} names through {@link Algorithm} and uses it only through
 * {@link KnnEngine}, then weights, symmetrizes and writes the graph.
 */
final class BuildCommand extends Command {
  private static final List<Option> OPTIONS = Command.concat(
      List.of(
          Option.value("--input", "FILE", "Vectors: .fvecs, .bvecs, .npy, .csv, .tsv, an array of a .npz archive"
              + " (numpy.savez) or a dataset of an HDF5 file (.hdf5/.h5, e.g. ann-benchmarks'; see"
              + " --dataset).").required(),
          Option.value("--dataset", "NAME", "HDF5 or .npz input: the dataset (HDF5 path) or array of --input to read."
              + " Default: train (or a .npz archive's only array)."),
          Option.value("--k", "K", "Neighbours per point: 1 <= K < N (K <= N with --include-self). Required unless "
              + "--radius is given. With --radius or --groups it is an upper bound: rows with fewer are padded"
              + " with -1 to K."),
          Option.value("--radius", "R", "Radius graph: every other point within distance <= R (R >= 0, metric"
              + " units; 0 gives the duplicates). With --k, the nearest K of those (ties by the smaller index);"
              + " without, all of them."),
          Option.value("--output", "FILE", "Graph file: .npz, .npy, .mtx or .csv.").required(),
          Option.value("--algorithm", "ALGORITHM", "The engine: exact (every pair compared), kdtree (exact, the same output, for"
              + " point clouds and other low-dimensional data; every metric but inner-product),"
              + " nndescent (approximate, for large N: prints its estimated recall), lsh (approximate:"
              + " hash tables), or auto (kdtree up to 8 dimensions, else exact below 150,000 points at k = 10, more for a larger k,"
              + " else nndescent with --target-recall 0.99 unless given). Default: ${DEFAULT-VALUE}.").defaultValue("auto"),
          Option.value("--seed", "S", "Seed of the approximate engines: the same seed gives the same graph, whatever"
              + " the thread count. Default: ${DEFAULT-VALUE}.").defaultValue("0"),
          Option.value("--target-recall", "R", "The recall@k an approximate engine must reach (the lower end of its estimate's"
              + " 95% interval), 0 < R <= 1: it raises its effort, or uses the exact engine, until it"
              + " does. 1 means exact."),
          Option.value("--report", "FILE.json", "Also write the settings, timings and recall estimate as JSON."),
          Option.value("--metric", "METRIC", "euclidean (true distance), sqeuclidean, cosine (1 - cos), "
              + "inner-product (-dot), manhattan, chebyshev (max |x - y|). Default: ${DEFAULT-VALUE}.").defaultValue("euclidean"),
          Option.value("--groups", "FILE", "Neighbours only within the same group, like PyTorch Geometric's batch: one "
              + "integer label per row of --input (text, one per line, or a 1-D integer .npy); labels "
              + "need not be sorted. Members of groups with at most k points get all the others."),
          Option.value("--queries", "FILE", "Bipartite graph: for each row of this file (same formats and dimension as "
              + "--input), its k nearest rows of --input. The graph is Q x N; --include-self, "
              + "--symmetrize and self-tuning do not apply."),
          Option.value("--queries-dataset", "NAME", "HDF5 queries: the dataset of --queries to read. Default: test (ann-benchmarks'"
              + " queries)."),
          Option.flag("--include-self", "Count each point as one of its own k neighbours (distance 0), "
              + "as scikit-learn's include_self=True."),
          Option.value("--threads", "N", "Worker threads: at most N, and one fewer than the cores for"
          + " a kdtree run of under 200,000 points (the JIT compiler needs one). Default: all"
          + " cores."),
          Option.value("--memory", "SIZE", "The heap the run may use, e.g. 512m or 4g (default: all the JVM may use, set by"
              + " JAVA_OPTS=-Xmx...; ./knng caps the JVM's heap at SIZE unless JAVA_OPTS sets -Xmx)."
              + " Before any work the run's peak is estimated: an exact run of a .npy,"
              + " .fvecs or .bvecs input or a contiguous HDF5 dataset that does not fit reads it in blocks; any other run that does not"
              + " fit is refused, saying what to change."),
          Option.flag("--dry-run", "Print the plan (engine, estimated peak memory and time, whole or block reads) and"
              + " exit without building anything.")),
      GraphOutput.OPTIONS,
      List.of(
          Option.flag("--quiet", "No progress and no summary on stderr.").shortName("-q")));

  Path input;
  String dataset;
  Integer k;
  Double radius;
  Path output;
  Algorithm algorithm;
  long seed;
  Double targetRecall;
  Path report;
  Metric metric;
  Path groups;
  Path queries;
  String queriesDataset;
  boolean includeSelf;
  Integer threads;
  /** The worker threads the run used (see {@link #workers}). */
  int threadsUsed;
  String memory;
  boolean dryRun;
  final GraphOutput graphOut = new GraphOutput();
  boolean quiet;

  @Override
  String name() {
    return "build";
  }

  @Override
  String[] description() {
    return new String[] {
        "Builds the k-nearest-neighbour graph of the vectors in a file: exactly, or",
        "approximately for large N (--algorithm; the recall is estimated and printed).",
        "",
        "Each point gets its k nearest OTHER points (excluded by index, so duplicates are",
        "found); ties go to the smaller index. The output's format follows its extension:",
        "  .npz  scipy.sparse CSR matrix, N x N (scipy.sparse.load_npz)",
        "  .npy  N x k int32 neighbour ids, nearest first (--distances adds float32);",
        "        --mode and --symmetrize do not apply to these ids",
        "  .mtx  Matrix Market coordinate (scipy.io.mmread)",
        "  .csv  edge list with header source,target,weight (0-based ids)",
        "Inputs: .fvecs, .bvecs, .npy (2-D), .csv/.tsv (numeric; a header line is",
        "  skipped), an array of a .npz archive or a dataset of an HDF5 file (--dataset).",
        "Weights (d = distance in the metric's units; a kernel gives d = 0 weight 1):",
        "  gaussian     exp(-d^2 / (2 sigma^2)); --sigma required",
        "  self-tuning  exp(-d_ij^2 / (sigma_i sigma_j)), sigma_i = distance to the",
        "               m-th neighbour of i (--scale-neighbor m, default k)",
        "  umap         exp(-max(0, d_ij - rho_i) / sigma_i), rho_i = nearest d > 0;",
        "               rows sum to log2(k) (UMAP; README: duplicates)",
        ""
    };
  }

  @Override
  String[] footer() {
    return new String[] {
        "",
        "Example:",
        "  knng build --input examples/iris/iris.csv --k 10 --output iris-knn.npz --mode distance"
    };
  }

  @Override
  List<Option> options() {
    return OPTIONS;
  }

  @Override
  void set(String option, String value) {
    switch (option) {
      case "--input":
        input = path(value);
        break;
      case "--dataset":
        dataset = value;
        break;
      case "--k":
        k = integer(value);
        break;
      case "--radius":
        radius = doubleValue(value);
        break;
      case "--output":
        output = path(value);
        break;
      case "--algorithm":
        algorithm = Algorithm.parse(value);
        break;
      case "--seed":
        seed = longValue(value);
        break;
      case "--target-recall":
        targetRecall = doubleValue(value);
        break;
      case "--report":
        report = path(value);
        break;
      case "--metric":
        metric = Metric.parse(value);
        break;
      case "--groups":
        groups = path(value);
        break;
      case "--queries":
        queries = path(value);
        break;
      case "--queries-dataset":
        queriesDataset = value;
        break;
      case "--include-self":
        includeSelf = Boolean.parseBoolean(value);
        break;
      case "--threads":
        threads = integer(value);
        break;
      case "--memory":
        memory = value;
        break;
      case "--dry-run":
        dryRun = Boolean.parseBoolean(value);
        break;
      case "--quiet":
        quiet = Boolean.parseBoolean(value);
        break;
      default:
        if (!graphOut.set(option, value)) {
          throw new IllegalStateException("no option " + option);
        }
    }
  }

  @Override
  int call() throws IOException {
    long start = System.nanoTime();
    checkOutputs();
    if (k == null && radius == null) {
      throw new InvalidInputException("--k K is required (or --radius R for a radius graph)");
    }
    if (k != null && k < 1) {
      throw new InvalidInputException("--k must be at least 1, got " + k);
    }
    if (threads != null && threads < 1) {
      throw new InvalidInputException("--threads must be at least 1, got " + threads);
    }
    if (targetRecall != null && !(targetRecall > 0 && targetRecall <= 1)) {
      throw new InvalidInputException("--target-recall must be in (0, 1], got " + targetRecall);
    }
    boolean radiusOnly = radius != null && k == null;
    checkRadius(radiusOnly);
    EdgeWeights weights = radiusOnly ? null : graphOut.weights(k, metric);
    checkQueries();
    if (queries == null && queriesDataset != null) {
      throw new InvalidInputException("--queries-dataset needs --queries");
    }
    long budget = budget();
    KnnResult result = null;
    SparseGraph graph = null;
    ResultSpill spill = null;
    int chunkRows;
    int rows;
    int dimension;
    long read;
    String engineName;
    int kk;
    try (VectorInput base = VectorInput.open(input, dataset, "train", "--dataset");
        VectorInput query = queries == null ? null
            : VectorInput.open(queries, queriesDataset, "test", "--queries-dataset")) {
      rows = base.rows();
      dimension = base.dimension();
      if (query != null && query.dimension() != dimension) {
        throw new InvalidInputException(query.named("--queries") + " has dimension " + query.dimension()
            + " but " + base.named("--input") + " has " + dimension);
      }
      kk = radiusOnly ? 1 : k;
      if (radius != null && groups == null) { // --k is a bound here (finish pads the rows to it)
        kk = Math.min(kk, query != null || includeSelf ? rows : Math.max(1, rows - 1));
      }
      if (query != null && kk > rows) {
        throw new InvalidInputException("k=" + kk + " is more than the " + rows
            + " points of --input " + input);
      }
      int[] labels = groups == null ? null : GroupLabels.read(groups, rows);
      KnnOptions options = KnnOptions.defaults().withMetric(metric).withK(kk).withIncludeSelf(includeSelf)
          .withSeed(seed);
      if (targetRecall != null) {
        options = options.withTargetRecall(targetRecall);
      }
      if (threads != null) {
        options = options.withThreads(threads);
      }
      // The engine that runs: auto names its choice (queries and radius graphs are exact: the tree or
      // the exact engine).
      Algorithm used = radiusOnly || query != null ? algorithm.chooseExact(options, dimension)
          : algorithm.choose(options, labels == null ? rows : GroupedGraph.largestGroup(labels), dimension);
      engineName = algorithm == used ? used.id() : algorithm.id() + ": " + used.id();
      options = options.withThreads(workers(used, options.threads(),
          rows + (query == null ? 0 : query.rows()), Runtime.getRuntime().availableProcessors()));
      threadsUsed = options.threads();
      boolean graphOutput = !isNpy(output);
      boolean canBlock = base.readsInBlocks() && used == Algorithm.EXACT && !radiusOnly && labels == null
          && rows > 1;
      // The run that would read an input of a format read in blocks so, for the refusal's advice:
      // the exact engine on all rows at once (without --groups, the engine chosen for all rows).
      Algorithm plain = labels == null ? used : algorithm.choose(options, rows, dimension);
      boolean exact = plain == Algorithm.EXACT;
      String blockedRun = !base.readsInBlocks() || rows <= 1 || (exact && labels == null && !radiusOnly) ? null
          : (exact ? "a run" : "an exact run (--algorithm exact)") + (labels != null ? " without --groups" : "")
              + (radiusOnly ? " with --k besides --radius" : "");
      // A result of more neighbours than one array holds is built and written a block of rows at
      // a time (knng.resultSlots lowers the limit, so that tests need no billions of neighbours).
      long resultRows = query == null ? rows : query.rows();
      long slotLimit = Long.getLong("knng.resultSlots", Integer.MAX_VALUE - 8);
      chunkRows = radiusOnly ? 0 : (int) Math.min(resultRows, Math.max(1, slotLimit / kk));
      boolean chunked = !radiusOnly && chunkRows < resultRows;
      if (chunked) {
        checkChunked(used, labels, (long) resultRows * kk);
      }
      MemoryPlan plan = MemoryPlan.of(used, rows, dimension, query == null ? 0 : query.rows(),
          radiusOnly ? 0 : chunked ? chunkRows : resultRows, radiusOnly ? 0 : kk, graphOutput, canBlock,
          budget);
      if (dryRun) {
        out.printf(Locale.ROOT, "plan: %s %s %s on %d x %d%s, output %s%n", engineName, metric.id(),
            radiusOnly ? "radius=" + radius : "k=" + kk, rows, dimension,
            query == null ? "" : " (" + query.rows() + " queries)", GraphOutput.extension(output));
        if (labels != null) {
          out.printf(Locale.ROOT, "groups: from %s, the largest of %d points (the engine is chosen"
              + " for its size)%n", groups, GroupedGraph.largestGroup(labels));
        }
        out.print(plan.describe(options.threads()));
        out.println(plan.fits() ? "fits: yes" : "fits: no: " + plan.refusal(canBlock, blockedRun, graphOutput));
        return 0;
      }
      if (!plan.fits()) {
        throw new InvalidInputException(plan.refusal(canBlock, blockedRun, graphOutput));
      }
      if (plan.blocked) {
        base.check(plan.blockRows); // a bad row is refused now, not hours into the run
      }
      // Nothing else reads the input while the engine runs: it may reorder it in place (the exact
      // self-join does, for locality, and puts it back).
      Vectors points = plan.blocked ? null : base.load().reorderable();
      Vectors queryPoints = query == null ? null : query.load();
      read = System.nanoTime();
      String task = engineName + " " + metric.id() + (radiusOnly ? " radius=" + radius : " k=" + kk);
      if (plan.blocked && !quiet) {
        err.printf(Locale.ROOT, "notice: --input %s (%s as float32) does not fit in %s with the rest of"
                + " the run: reading it in blocks of %d rows%n", input, MemoryPlan.size(base.bytes()),
            MemoryPlan.size(budget), plan.blockRows);
      }
      try (ProgressBar bar = new ProgressBar(err, task, quiet, debug)) {
        KnnOptions run = options.withProgress(bar);
        if (chunked) {
          spill = ResultSpill.create(output, rows, kk, metric, includeSelf && query == null);
          try {
            spillRows(spill, base, points, queryPoints, run, plan, chunkRows);
          } catch (IOException | RuntimeException e) {
            spill.close();
            throw e;
          }
        } else if (plan.blocked) {
          result = query != null ? BlockedJoin.search(base.blocks(), queryPoints, run, plan.blockRows)
              : BlockedJoin.graph(base.blocks(), run, plan.blockRows);
        } else {
          KnnEngine engine = algorithm.engine(run);
          if (radius != null && !radiusOnly && query == null && labels == null && !includeSelf && rows == 1) {
            // --radius with --k on a single point: no other point to search (padded below).
            result = new KnnResult(1, 1, 0, new int[0], new float[0], metric, false);
          } else if (radiusOnly) {
            graph = queryPoints != null ? engine.radiusSearch(points, queryPoints, radius)
                : engine.radiusGraph(points, radius);
          } else {
            result = queryPoints != null ? engine.search(points, queryPoints)
                : labels != null ? engine.graph(points, labels) : engine.graph(points);
          }
        }
      }
      if (result != null && radius != null) {
        // --k is a bound here: the engine searched at most all the points, the rows keep K
        // entries. The radius decides in double, as the radius graph's: the few entries near it
        // read their rows again (from the file when the run read it in blocks).
        VectorSource from = plan.blocked ? base.blocks() : points;
        result = result.withinRadius(radius, from, queryPoints == null ? from : queryPoints).padded(k);
      }
    } catch (UnrankableVectorsException e) {
      throw inFile(e, input, queries);
    }
    try {
      return finish(start, read, rows, dimension, kk, engineName, radiusOnly, result, graph, spill,
          chunkRows, weights, err);
    } finally {
      if (spill != null) {
        spill.close();
      }
    }
  }

  /**
   * Points below which a tree run leaves a core to the JIT compiler. A fresh JVM compiles the
   * tree's walk while it runs, during the first few tenths of a second; in a run that short, a
   * worker on every core slows the compiler and itself. Measured on 2 cores, uniform 3-D points,
   * whole process, one worker against two: 50,000 points 0.27 / 0.31 s, 100,000 0.41 / 0.48 s,
   * 200,000 0.61 / 0.62 s, 1,000,000 2.35 / 1.51 s (the Stanford bunny 0.22 / 0.25 s).
   */
  static final int SHORT_TREE_RUN = 200_000;

  /**
   * The worker threads of a run: {@code threads}, but one fewer than the cores for a short run of
   * the tree engine that would take them all ({@link #SHORT_TREE_RUN}). The output is the same for
   * any thread count.
   *
   * @param used the engine that runs
   * @param threads the threads asked for (or all cores)
   * @param points the points the run searches (base and queries, all groups)
   * @param cores the machine's cores
   * @return the threads to use
   */
  static int workers(Algorithm used, int threads, long points, int cores) {
    boolean shortRun = used == Algorithm.KDTREE && points < SHORT_TREE_RUN;
    return shortRun && cores > 1 && threads >= cores ? cores - 1 : threads;
  }

  /** The outputs and the summary line of a search that is done. */
  private int finish(long start, long read, int rows, int dimension, int kk, String engineName,
      boolean radiusOnly, KnnResult result, SparseGraph graph, ResultSpill spill, int chunkRows,
      EdgeWeights weights, PrintWriter err) throws IOException {
    int shortRows = result == null || radius != null ? 0 : result.rowsWithFewerThanK();
    if (shortRows > 0 && !quiet) {
      err.printf(Locale.ROOT, "notice: %d of %d rows got fewer than k=%d neighbours (their group has"
          + " too few points)%n", shortRows, result.rows(), kk);
    }
    long searched = System.nanoTime();
    // Every output of the run (graph, edge_index, distances, report) or none of them.
    long edges;
    try (AtomicOutput.Batch outputs = AtomicOutput.batch()) {
      if (spill != null) {
        edges = graphOut.write(spill, weights, chunkRows, output);
      } else {
        graph = graphOut.write(result, radiusOnly ? graph : null, weights, output);
        edges = graph != null ? graph.edgeCount() : (long) result.rows() * result.k();
      }
      if (report != null) {
        long end = System.nanoTime();
        ReportFile.write(report, BuildReport.json(this, engineName, rows, dimension, edges,
            result == null ? null : result.recall().orElse(null), new double[] {
            (read - start) / 1e9, (searched - read) / 1e9, (end - searched) / 1e9, (end - start) / 1e9}));
      }
      outputs.commit();
    }
    if (!quiet) {
      long end = System.nanoTime();
      String shape = radiusOnly
          ? String.format(Locale.ROOT, "%d %s, %d edges within radius %s", graph.rows(),
              queries == null ? "points" : "queries", graph.edgeCount(), radius)
          : String.format(Locale.ROOT, "%d %s x %d neighbours", spill != null ? spill.rows() : result.rows(),
              queries == null ? "points" : "queries", spill != null ? kk : result.k());
      err.printf(Locale.ROOT, "wrote %s: %s (%s %s, dimension %d) in %.2f s"
              + " (read %.2f s, search %.2f s, write %.2f s)%n",
          output, shape, engineName, metric.id(), dimension, (end - start) / 1e9,
          (read - start) / 1e9, (searched - read) / 1e9, (end - searched) / 1e9);
      if (result != null && result.recall().isPresent()) {
        err.println("estimated " + result.recall().get().describe());
      }
    }
    return 0;
  }

  /**
   * Builds the result a block of {@code chunkRows} rows at a time into the spill: a block of the
   * queries searched, or a block of the points searched against all of them with one neighbour
   * more and made graph rows ({@link KnnResult#selfJoinRows}).
   */
  private void spillRows(ResultSpill spill, VectorInput base, Vectors points, Vectors queryPoints,
      KnnOptions options, MemoryPlan plan, int chunkRows) throws IOException {
    boolean self = queryPoints == null;
    int n = self ? base.rows() : queryPoints.size();
    int kk = options.k();
    KnnOptions search = self ? options.withK(includeSelf ? kk : kk + 1).withIncludeSelf(false) : options;
    KnnEngine engine = plan.blocked ? null : algorithm.engine(search.withProgress(ProgressListener.NONE));
    for (int from = 0; from < n; from += chunkRows) {
      int count = Math.min(chunkRows, n - from);
      Vectors rowsNow = self ? base.blocks().rows(from, count) : queryPoints.rows(from, count);
      KnnResult found = plan.blocked
          ? BlockedJoin.search(base.blocks(), rowsNow, search.withProgress(ProgressListener.NONE), plan.blockRows)
          : engine.search(points, rowsNow);
      spill.append(self ? KnnResult.selfJoinRows(found, from, includeSelf) : found);
      options.progress().update(from + count, n);
    }
  }

  /** What a result built a block of rows at a time cannot do (each needs all rows at once). */
  private void checkChunked(Algorithm used, int[] labels, long neighbours) {
    String why = String.format(Locale.ROOT, "%,d neighbours are more than one array holds, so the"
        + " result is built and written a block of rows at a time", neighbours);
    if (used != Algorithm.EXACT && used != Algorithm.KDTREE) {
      throw new InvalidInputException(why + ", which the exact engines do: use --algorithm exact"
          + " (or kdtree), or a smaller --k");
    }
    if (labels != null || radius != null) {
      throw new InvalidInputException(why + ", which --groups and --radius do not support yet: use a"
          + " smaller --k");
    }
    if (graphOut.symmetrize != Symmetrization.NONE || graphOut.mode == GraphMode.SELF_TUNING) {
      throw new InvalidInputException(why + ", and --symmetrize and --mode self-tuning need all rows"
          + " at once: write the graph without them (e.g. .npy ids), or use a smaller --k");
    }
  }

  /** The --memory budget, checked against what the JVM may use. */
  private long budget() {
    long max = Runtime.getRuntime().maxMemory();
    if (memory == null) {
      return max;
    }
    long budget = MemoryPlan.parseSize("--memory", memory);
    if (budget > max) {
      // The JVM's usable heap leaves out a survivor space (under ./knng's flags at most 1.6 MB).
      long mb = (budget + (1L << 20) - 1 >> 20) + 2;
      throw new InvalidInputException("--memory " + memory + " is more than the " + MemoryPlan.size(max)
          + " of heap the JVM may use: leave -Xmx out of JAVA_OPTS (./knng then sets the heap from"
          + " --memory), or raise it to -Xmx" + mb + "m");
    }
    return budget;
  }

  /** What a radius graph without --k (no fixed number of neighbours per row) cannot do. */
  private void checkRadius(boolean radiusOnly) {
    if (radius == null) {
      return;
    }
    if (!(radius >= 0) || radius.isInfinite()) {
      throw new InvalidInputException("--radius must be a finite number >= 0, got " + radius);
    }
    if (!radiusOnly) {
      return;
    }
    if (graphOut.mode != GraphMode.CONNECTIVITY && graphOut.mode != GraphMode.DISTANCE) {
      throw new InvalidInputException("--mode " + graphOut.mode.id() + " needs k neighbours per point: give --k"
          + " with --radius, or use --mode connectivity or distance");
    }
    if (isNpy(output)) {
      throw new InvalidInputException("--output " + output + ": .npy holds N x k neighbour ids; a radius"
          + " graph without --k has no fixed k (use .npz, .mtx or .csv, or give --k)");
    }
    if (graphOut.distances != null) {
      throw new InvalidInputException("--distances needs --k (a radius graph without --k has no N x k layout)");
    }
    if (groups != null) {
      throw new InvalidInputException("--radius without --k cannot be combined with --groups yet;"
          + " give --k as an upper bound");
    }
  }

  /** A bipartite graph has no diagonal and is not square: reject what needs either. */
  private void checkQueries() {
    if (queries == null) {
      return;
    }
    if (groups != null) {
      throw new InvalidInputException("--groups and --queries cannot be combined");
    }
    if (includeSelf) {
      throw new InvalidInputException("--include-self does not apply with --queries (a query is not a row of --input)");
    }
    if (graphOut.symmetrize != Symmetrization.NONE) {
      throw new InvalidInputException("--symmetrize " + graphOut.symmetrize.id()
          + " needs a square graph; with --queries the graph is queries x points");
    }
    if (graphOut.mode == GraphMode.SELF_TUNING) {
      throw new InvalidInputException("--mode self-tuning needs a square graph; with --queries the graph is"
          + " queries x points");
    }
    if (GraphOutput.same(queries, output)) {
      throw new InvalidInputException("--output " + output + " would overwrite --queries");
    }
  }

  private void checkOutputs() {
    graphOut.checkFiles(output, input, queries, groups);
    ReportFile.check(report, input, output, queries, groups, graphOut.distances, graphOut.edgeIndex);
  }

  private static boolean isNpy(Path p) {
    return GraphOutput.isNpy(p);
  }
}
