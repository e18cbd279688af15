package org.knng.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.knng.InvalidInputException;
import org.knng.UnrankableVectorsException;
import org.knng.engine.InputChecks;
import org.knng.engine.KnnOptions;
import org.knng.eval.RecallSample;
import org.knng.graph.RecallEstimate;
import org.knng.graph.SparseGraph;
import org.knng.io.GraphReader;
import org.knng.io.NeighborIds;
import org.knng.metric.Metric;
import org.knng.vectors.Vectors;

/**
 * {@code knng eval}: the recall@k of a k-NN graph file against the exact neighbours of its points,
 * on a random sample of rows ({@link RecallSample#evaluate} or {@link RecallSample#draw}) or on
 * every row from given ground truth ({@link RecallSample#truth}). Reads the vectors and the graph,
 * measures, prints two lines (and writes a JSON report if asked).
 */
final class EvalCommand extends Command {
  private static final List<Option> OPTIONS = List.of(
      Option.value("--input", "FILE", "The vectors the graph is of: .fvecs, .bvecs, .npy, .csv, .tsv, .npz (an array) or .hdf5/.h5.").required(),
      Option.value("--dataset", "NAME", "HDF5 or .npz input: the dataset (HDF5 path) or array of --input to read."
          + " Default: train (or a .npz archive's only array)."),
      Option.value("--graph", "FILE", "The graph: .npy N x k neighbour ids, or a .npz sparse N x N matrix.").required(),
      Option.value("--k", "K", "The k of recall@k. Default: the graph's k (.npy columns, or the largest row degree of a .npz)."),
      Option.value("--metric", "METRIC", "euclidean, sqeuclidean, cosine, inner-product, manhattan, chebyshev. Default: ${DEFAULT-VALUE}.").defaultValue("euclidean"),
      Option.flag("--include-self", "Each point is one of its own k neighbours (as built with --include-self)."),
      Option.value("--sample", "ROWS", "Measure this many random rows (all rows if ROWS >= N). Default: 1000, grown once"
          + " to what a 95% interval of +-0.005 needs."),
      Option.value("--truth", "FILE", "True neighbour ids, N x K with K >= k, nearest first, as .npy (e.g. 'knng build ..."
          + " --output truth.npy') or TEXMEX .ivecs: every row is measured against them."),
      Option.value("--seed", "S", "Seed of the row sample: the same seed measures the same rows. Default: ${DEFAULT-VALUE}.").defaultValue("1"),
      Option.value("--threads", "N", "Worker threads. Default: all cores."),
      Option.value("--report", "FILE.json", "Also write the result as one JSON object."),
      Option.flag("--quiet", "No summary on stderr.").shortName("-q"));

  Path input;
  String dataset;
  Path graph;
  Integer k;
  Metric metric;
  boolean includeSelf;
  Integer sample;
  Path truth;
  long seed;
  Integer threads;
  Path report;
  boolean quiet;

  @Override
  String name() {
    return "eval";
  }

  @Override
  String[] description() {
    return new String[] {
        "Measures the recall@k of a k-nearest-neighbour graph against the exact",
        "neighbours.",
        "",
        "A row's recall is the share of its k true nearest neighbours that the graph lists; ties"
            + " count (any point as near as the true k-th neighbour is a hit). The true neighbours of"
            + " a random sample of rows are found exactly (by default 1000 rows, grown once until the"
            + " 95% interval is about +-0.005), or those of every row are read from --truth.",
        "Graphs: .npy N x k int32/int64 (or .ivecs) neighbour ids, nearest first (-1 = missing; with --k the"
            + " first K columns), or a .npz scipy.sparse matrix (each row's stored entries are its"
            + " neighbours). Also counted: rows that list themselves, list an id twice, or have"
            + " fewer than k entries.",
        ""
    };
  }

  @Override
  String[] footer() {
    return new String[] {
        "",
        "Example:",
        "  knng eval --input examples/iris/iris.csv --graph iris-knn.npz"
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
      case "--graph":
        graph = path(value);
        break;
      case "--k":
        k = integer(value);
        break;
      case "--metric":
        metric = Metric.parse(value);
        break;
      case "--include-self":
        includeSelf = Boolean.parseBoolean(value);
        break;
      case "--sample":
        sample = integer(value);
        break;
      case "--truth":
        truth = path(value);
        break;
      case "--seed":
        seed = longValue(value);
        break;
      case "--threads":
        threads = integer(value);
        break;
      case "--report":
        report = path(value);
        break;
      case "--quiet":
        quiet = Boolean.parseBoolean(value);
        break;
      default:
        throw new IllegalStateException("no option " + option);
    }
  }

  @Override
  int call() throws IOException {
    long start = System.nanoTime();
    checkOptions();
    boolean sparse = graphFormat().equals(".npz");
    Vectors points = Hdf5Input.vectors(input, dataset, "train", "--dataset");
    try {
      InputChecks.rankable(points, metric, "row");
    } catch (UnrankableVectorsException e) {
      throw inFile(e, input, null);
    }
    int n = points.size();
    SparseGraph rows = sparse ? sparse(GraphReader.read(graph), n) : null;
    int[] ids = sparse ? null : fromNpy(NeighborIds.read(graph), n);
    KnnOptions options = KnnOptions.defaults().withMetric(metric).withK(k).withIncludeSelf(includeSelf);
    if (threads != null) {
      options = options.withThreads(threads);
    }
    if (!sparse) {
      onGraph(() -> RecallSample.checkIds(ids, n, k));
    }
    RecallEstimate estimate;
    if (truth != null) {
      NeighborIds t = NeighborIds.read(truth);
      if (t.rows() != n) {
        throw new InvalidInputException("--truth " + truth + " has " + t.rows() + " rows but --input " + input
            + " has " + n + " points");
      }
      if (t.columns() < k) {
        throw new InvalidInputException("--truth " + truth + " has " + t.columns() + " columns, fewer than k=" + k);
      }
      RecallSample all;
      try {
        all = RecallSample.truth(points, t.ids(), t.columns(), options);
      } catch (InvalidInputException e) {
        throw new InvalidInputException("--truth " + truth + ": " + e.getMessage());
      }
      estimate = sparse ? all.measure(rows, k) : all.measure(ids, k);
    } else if (sample != null) {
      RecallSample drawn = RecallSample.draw(points, options, sample, seed);
      estimate = sparse ? drawn.measure(rows, k) : drawn.measure(ids, k);
    } else {
      estimate = sparse ? RecallSample.evaluate(points, rows, k, options, seed)
          : RecallSample.evaluate(points, ids, k, options, seed);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (report != null) {
      ReportFile.write(report, json(estimate, n, seconds));
    }
    out.println(estimate.describe(estimate.rows() == n ? "all " + n + " rows" : estimate.rows() + " sampled rows"));
    out.printf(Locale.ROOT, "rows with self-loops: %d, duplicate entries: %d, fewer than %d entries: %d%n",
        estimate.rowsWithSelfLoops(), estimate.rowsWithDuplicates(), k, estimate.rowsWithMissing());
    out.flush();
    if (!quiet) {
      err.printf(Locale.ROOT, "evaluated %s (%d points, %s%s) against %s in %.2f s%n",
          graph, n, metric.id(), includeSelf ? ", include-self" : "",
          truth != null ? "--truth " + truth : "the exact neighbours of " + estimate.rows() + " rows", seconds);
    }
    return 0;
  }

  /** What can be checked before reading anything. */
  private void checkOptions() {
    if (k != null && k < 1) {
      throw new InvalidInputException("--k must be at least 1, got " + k);
    }
    if (sample != null && truth != null) {
      throw new InvalidInputException("--sample and --truth cannot be combined (--truth measures every row)");
    }
    if (sample != null && sample < 1) {
      throw new InvalidInputException("--sample must be at least 1 row, got " + sample);
    }
    if (threads != null && threads < 1) {
      throw new InvalidInputException("--threads must be at least 1, got " + threads);
    }
    graphFormat();
    if (truth != null) {
      format("--truth", truth, false);
    }
    ReportFile.check(report, input, graph, truth);
  }

  private String graphFormat() {
    return format("--graph", graph, true);
  }

  /**
   * The lower-case extension of the graph (.npy, .ivecs or, if {@code sparse}, .npz) or the truth
   * (.npy or .ivecs), refused by name otherwise.
   */
  private static String format(String option, Path file, boolean sparse) {
    String name = file.getFileName() == null ? "" : file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String ext = dot < 0 ? "" : name.substring(dot).toLowerCase(Locale.ROOT);
    if (!ext.equals(".npy") && !ext.equals(".ivecs") && !(sparse && ext.equals(".npz"))) {
      throw new InvalidInputException(option + " " + file + ": unsupported " + (sparse ? "graph" : "truth")
          + " format " + (ext.isEmpty() ? "(no extension)" : "'" + name.substring(dot) + "'")
          + " (expected .npy or .ivecs neighbour ids" + (sparse ? ", or a .npz sparse matrix)" : ")"));
    }
    return ext;
  }

  /** N x k ids from N x c ids: the first k columns (nearest first, as knng writes them). */
  private int[] fromNpy(NeighborIds g, int n) {
    sameRows(g.rows(), n);
    int c = g.columns();
    if (c == 0) {
      throw new InvalidInputException("--graph " + graph + " has no columns: no neighbour ids");
    }
    if (k == null) {
      k = c;
    }
    if (k > c) {
      throw new InvalidInputException("--k " + k + " is more than the " + c + " columns of --graph " + graph);
    }
    if (k == c) {
      return g.ids();
    }
    int[] ids = new int[n * k];
    for (int r = 0; r < n; r++) {
      System.arraycopy(g.ids(), r * c, ids, r * k, k);
    }
    return ids;
  }

  /**
   * A sparse N x N graph, measured row by row: a row's stored entries are its neighbours, in any
   * order and any number (a symmetrized k-NN graph's rows hold k or more). Without --k, k is the
   * most entries of a row.
   */
  private SparseGraph sparse(SparseGraph g, int n) {
    sameRows(g.rows(), n);
    if (g.columns() != n) {
      throw new InvalidInputException("--graph " + graph + " is a " + g.rows() + " x " + g.columns()
          + " matrix; a graph of the " + n + " points of --input is " + n + " x " + n);
    }
    if (k == null) {
      int widest = 0;
      int fewest = Integer.MAX_VALUE;
      for (int r = 0; r < n; r++) {
        widest = Math.max(widest, g.degree(r));
        fewest = Math.min(fewest, g.degree(r));
      }
      if (widest == 0) {
        throw new InvalidInputException("--graph " + graph + " has no entries: give --k to measure it");
      }
      k = widest;
      if (fewest > 0 && fewest < widest && !quiet) {
        err.printf(Locale.ROOT, "note: the rows of %s hold %d to %d entries: measuring recall@%d; give"
            + " --k K for the k it was built with (a symmetrized graph's rows hold more)%n", graph,
            fewest, widest, k);
      }
    }
    return g;
  }

  private void sameRows(int rows, int n) {
    if (rows != n) {
      throw new InvalidInputException("--graph " + graph + " has " + rows + " rows but --input " + input + " has "
          + n + " points");
    }
  }

  /** Runs a check of the graph's ids, naming the graph file in its message. */
  private void onGraph(Runnable check) {
    try {
      check.run();
    } catch (InvalidInputException e) {
      throw new InvalidInputException("--graph " + graph + ": " + e.getMessage());
    }
  }

  /** The report: the estimate, its row counts, the inputs and the time. */
  private Json json(RecallEstimate e, int n, double seconds) {
    return new Json()
        .put("recall", e.recall())
        .put("low", e.low())
        .put("high", e.high())
        .put("k", e.k())
        .put("rows", e.rows())
        .put("points", n)
        .put("rows_with_self_loops", e.rowsWithSelfLoops())
        .put("rows_with_duplicates", e.rowsWithDuplicates())
        .put("rows_with_missing", e.rowsWithMissing())
        .put("metric", metric.id())
        .put("include_self", includeSelf)
        .put("input", input.toString())
        .put("graph", graph.toString())
        .put("truth", truth == null ? null : truth.toString())
        .put("seed", truth == null ? Long.valueOf(seed) : null)
        .put("seconds", Math.round(seconds * 1000) / 1000.0);
  }
}
