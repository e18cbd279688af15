package org.knng.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.knng.Algorithm;
import org.knng.InvalidInputException;
import org.knng.UnrankableVectorsException;
import org.knng.graph.EdgeWeights;
import org.knng.graph.GraphMode;
import org.knng.graph.Symmetrization;
import org.knng.metric.Metric;
import org.knng.spark.SparkKnn;

/**
 * {@code knng spark}: the exact graph as an Apache Spark job ({@code org.knng.spark.SparkKnn}), on a
 * local master or a cluster. Vectors come from a file (read here and handed to the job) or a Parquet
 * table; the graph goes to a Parquet directory of edges, or, when it fits here, to the files {@code
 * knng build} writes, with the same weights and symmetrization. The Spark classes are loaded only
 * when this command runs (the launcher puts them on the class path).
 */
final class SparkCommand extends Command {
  private static final List<Option> OPTIONS = Command.concat(
      List.of(
          Option.value("--master", "MASTER", "Spark master URL: local[N], spark://HOST:PORT, ... Default: the one spark-submit"
              + " gives, else local[*]."),
          Option.value("--input", "FILE_OR_PARQUET", "Vectors: a file knng build reads, or a Parquet table.").required(),
          Option.value("--dataset", "NAME", "HDF5 or .npz input: the dataset or array to read. Default: train (or a .npz"
              + " archive's only array)."),
          Option.value("--id-column", "NAME", "Parquet input: the id column. Default: ${DEFAULT-VALUE}.").defaultValue("id"),
          Option.value("--vector-column", "NAME", "Parquet input: the vector column. Default: ${DEFAULT-VALUE}.").defaultValue("vector"),
          Option.value("--k", "K", "Neighbours per point: 1 <= K < N (K <= N with --include-self).").required(),
          Option.value("--output", "OUT", "DIR.parquet (edges), or FILE.npz, .npy, .mtx, .csv.").required(),
          Option.value("--algorithm", "ALGORITHM", "exact (the core's exact graph, bit for bit), nndescent (approximate: local"
              + " graphs in overlapping k-means cells, recall estimated on a sample) or auto"
              + " (nndescent from 150,000 points on at k = 10, more for a larger k, at a target recall of 0.99). Default: ${DEFAULT-VALUE}.").defaultValue("exact"),
          Option.value("--target-recall", "R", "nndescent/auto: more cells per point until the recall estimate's 95% lower"
              + " bound reaches R (0 < R <= 1), else the exact job; 1 means exact."),
          Option.value("--metric", "METRIC", "euclidean, sqeuclidean, cosine, inner-product, manhattan, chebyshev. Default: ${DEFAULT-VALUE}.").defaultValue("euclidean"),
          Option.flag("--include-self", "Count each point as its own first neighbour."),
          Option.value("--blocks", "B", "Blocks the points are dealt into (B (B + 1) / 2 tasks). Default: from the data's"
              + " size and the cluster's cores.").defaultValue("0"),
          Option.value("--conf", "KEY=VALUE", "A Spark setting, as spark-submit's --conf (repeatable), e.g. spark.task.cpus=2"
              + " (each task then runs the core on 2 threads).").repeatable()),
      GraphOutput.OPTIONS,
      List.of(
          Option.flag("--quiet", "No progress and no summary on stderr.").shortName("-q")));

  String master;
  String input;
  String dataset;
  String idColumn;
  String vectorColumn;
  int k;
  String output;
  Algorithm algorithm;
  Double targetRecall;
  Metric metric;
  boolean includeSelf;
  int blocks;
  java.util.Map<String, String> conf = new java.util.LinkedHashMap<>();
  final GraphOutput graphOut = new GraphOutput();
  boolean quiet;

  @Override
  String name() {
    return "spark";
  }

  @Override
  String[] description() {
    return new String[] {
        "Builds the k-nearest-neighbour graph as an Apache Spark job, on a local master",
        "or a cluster: exactly (the same graph as 'knng build --algorithm exact', bit for",
        "bit), or approximately for large N (--algorithm nndescent or auto), with its",
        "recall estimated and printed.",
        "",
        "Input: a vectors file (.npy, .fvecs, .bvecs, .csv, .tsv; ids are row numbers) or",
        "a Parquet table (a directory or .parquet file) with an id column (integers) and",
        "a vector column (array<float>, array<double> or an ML Vector).",
        "Output: a directory ending in .parquet gets the edges (src, dst, distance,",
        "weight), weighted and symmetrized on the cluster; .npz, .npy, .mtx and .csv are",
        "written here as 'knng build' writes them (the graph must fit in this JVM, and",
        "the ids must be 0..N-1).",
        ""
    };
  }

  @Override
  String[] footer() {
    return new String[] {
        "",
        "Examples:",
        "  knng spark --input examples/iris/iris.csv --k 10 --output iris-knn.npz",
        "  knng spark --master spark://m:7077 --input v.parquet --k 30 --output g.parquet",
        "  knng spark --input big.npy --k 10 --algorithm nndescent --target-recall 0.99 --output g.npy"
    };
  }

  @Override
  List<Option> options() {
    return OPTIONS;
  }

  @Override
  void set(String option, String value) {
    switch (option) {
      case "--master":
        master = value;
        break;
      case "--input":
        input = value;
        break;
      case "--dataset":
        dataset = value;
        break;
      case "--id-column":
        idColumn = value;
        break;
      case "--vector-column":
        vectorColumn = value;
        break;
      case "--k":
        k = integer(value);
        break;
      case "--output":
        output = value;
        break;
      case "--algorithm":
        algorithm = Algorithm.parse(value);
        break;
      case "--target-recall":
        targetRecall = doubleValue(value);
        break;
      case "--metric":
        metric = Metric.parse(value);
        break;
      case "--include-self":
        includeSelf = Boolean.parseBoolean(value);
        break;
      case "--blocks":
        blocks = integer(value);
        break;
      case "--conf":
        int eq = value.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("'" + value + "' is not KEY=VALUE");
        }
        conf.put(value.substring(0, eq), value.substring(eq + 1));
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
    if (algorithm == Algorithm.KDTREE || algorithm == Algorithm.LSH) {
      throw new InvalidInputException("--algorithm " + algorithm.id()
          + " is not available on Spark: use exact, nndescent or auto");
    }
    if (targetRecall != null && !(targetRecall > 0 && targetRecall <= 1)) {
      throw new InvalidInputException("--target-recall must be in (0, 1], got " + targetRecall);
    }
    if (targetRecall != null && algorithm == Algorithm.EXACT) {
      throw new InvalidInputException("--target-recall applies to --algorithm nndescent or auto"
          + " (the exact graph's recall is 1)");
    }
    boolean parquetOut = isParquet(output);
    Path local = parquetOut ? null : Path.of(output);
    if (parquetOut) {
      if (graphOut.mode == GraphMode.SELF_TUNING || graphOut.edgeIndex != null || graphOut.distances != null
          || graphOut.uncompressed) {
        throw new InvalidInputException("--mode self-tuning, --edge-index, --distances and"
            + " --uncompressed need a file output (.npz, .npy, .mtx, .csv)");
      }
    } else {
      graphOut.checkFiles(local, parquetInput(input) ? null : Path.of(input));
    }
    EdgeWeights weights = graphOut.weights(k, metric);
    java.util.function.Consumer<String> note = line -> {
      if (debug) {
        err.println("debug: " + line);
      }
    };
    SparkKnn.Builder b = SparkKnn.builder().k(k).metric(metric).includeSelf(includeSelf)
        .idColumn(idColumn).vectorColumn(vectorColumn).blocks(blocks).algorithm(algorithm)
        .mode(parquetOut ? graphOut.mode : GraphMode.DISTANCE)
        .symmetrize(parquetOut ? graphOut.symmetrize : Symmetrization.NONE)
        .progress(org.knng.ProgressListener.notes(note));
    if (graphOut.sigma != null) {
      b.sigma(graphOut.sigma);
    }
    if (targetRecall != null) {
      b.targetRecall(targetRecall);
    }
    SparkKnn knn = b.build();
    // What can be refused without Spark is refused before its context starts (seconds): an
    // existing local output, and a file's unreadable or unrankable rows or a k it cannot have.
    Path localOut = parquetOut ? localPath(output) : null;
    if (localOut != null && Files.exists(localOut)) {
      throw SparkJob.outputExists(output);
    }
    if (localOut != null) {
      GraphOutput.checkDirectory("--output", localOut); // as build: no directory is made
    }
    org.knng.vectors.Vectors points = null;
    if (parquetInput(input)) {
      if (dataset != null) {
        throw new InvalidInputException("--dataset " + dataset + " applies to an HDF5 or .npz input,"
            + " not to the Parquet table " + input);
      }
    } else {
      long reading = System.nanoTime();
      points = readFile(input, dataset);
      try {
        knn.check(points);
      } catch (UnrankableVectorsException e) {
        throw inFile(e, input, null);
      }
      note.accept(String.format(Locale.ROOT, "spark: read and checked %d points in %.2f s",
          points.size(), (System.nanoTime() - reading) / 1e9));
    }
    long starting = System.nanoTime();
    SparkJob job = new SparkJob(master, conf, quiet);
    note.accept(String.format(Locale.ROOT, "spark: context started in %.2f s",
        (System.nanoTime() - starting) / 1e9));
    try {
      SparkJob.Built built = job.run(note, knn, input, points, output, parquetOut);
      if (!parquetOut) {
        try (org.knng.io.AtomicOutput.Batch outputs = org.knng.io.AtomicOutput.batch()) {
          graphOut.write(built.result, null, weights, local);
          outputs.commit();
        }
      }
      if (!quiet) {
        err.printf(Locale.ROOT, "wrote %s: %d points x %d neighbours (spark %s %s, %d %s, master"
                + " %s) in %.2f s%n", output, built.points, k, built.algorithm, metric.id(),
            built.blocks, (built.recall == null ? "block" : "cell") + (built.blocks == 1 ? "" : "s"),
            built.master, (System.nanoTime() - start) / 1e9);
        if (built.recall != null) { // on a line of its own, as knng build prints it
          err.println("estimated " + built.recall.describe());
        }
      }
    } finally {
      job.close();
    }
    return 0;
  }

  /**
   * The local file a path names (no scheme, or {@code file:}), or null for another file system
   * (HDFS, S3), which only Spark's context can reach.
   */
  static Path localPath(String path) {
    String scheme;
    try {
      scheme = new java.net.URI(path).getScheme();
    } catch (java.net.URISyntaxException e) {
      return Path.of(path); // not a URI (a space, say): a plain local name
    }
    if (scheme == null) {
      return Path.of(path);
    }
    return scheme.equals("file") ? Path.of(java.net.URI.create(path).getPath()) : null;
  }

  static boolean isParquet(String path) {
    return extension(path).equals(".parquet");
  }

  static String extension(String path) {
    String name = path.replaceAll("/+$", "");
    name = name.substring(name.lastIndexOf('/') + 1);
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot).toLowerCase(Locale.ROOT);
  }

  /** Whether the input is read by Spark (a Parquet table) rather than by knng's readers. */
  static boolean parquetInput(String input) {
    return isParquet(input) || Files.isDirectory(Path.of(input));
  }

  /**
   * Reads a vectors file with knng's readers (the same errors as knng build; an HDF5 file's or
   * {@code .npz} archive's {@code dataset}, by default {@code train}).
   */
  static org.knng.vectors.Vectors readFile(String input, String dataset) throws IOException {
    return Hdf5Input.vectors(Path.of(input), dataset, "train", "--dataset");
  }
}
