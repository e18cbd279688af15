package org.knng.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.knng.exact.BruteForceEngine;
import org.knng.graph.GraphMode;
import org.knng.graph.KnnResult;
import org.knng.io.GraphWriter;
import org.knng.io.NpyWriter;
import org.knng.io.VectorReader;
import org.knng.metric.Metric;
import org.knng.vectors.Vectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code knng build}: vectors file in, exact k-NN graph file out. */
@Command(
    name = "build",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Builds the exact k-nearest-neighbour graph of the vectors in a file.",
      "",
      "Each point gets its k nearest OTHER points (excluded by index, so duplicates are found);",
      "ties go to the smaller index. Output format follows the extension of --output:",
      "  .npz  scipy.sparse CSR matrix, N x N (scipy.sparse.load_npz)",
      "  .npy  N x k int32 neighbour ids, nearest first (--distances adds N x k float32)",
      "  .mtx  Matrix Market coordinate (scipy.io.mmread)",
      "  .csv  edge list with header source,target,weight (0-based ids)",
      "Inputs: .fvecs, .bvecs, .npy (2-D), .csv/.tsv (numeric; a header line is skipped).",
      ""
    },
    footer = {
      "",
      "Example:",
      "  knng build --input examples/iris/iris.csv --k 10 --output iris-knn.npz --mode distance"
    })
final class BuildCommand implements Callable<Integer> {
  @Option(names = "--input", required = true, paramLabel = "FILE",
      description = "Vectors: .fvecs, .bvecs, .npy, .csv or .tsv.")
  Path input;

  @Option(names = "--k", required = true, paramLabel = "K",
      description = "Neighbours per point: 1 <= K < N (K <= N with --include-self).")
  int k;

  @Option(names = "--output", required = true, paramLabel = "FILE",
      description = "Graph file: .npz, .npy, .mtx or .csv.")
  Path output;

  @Option(names = "--metric", paramLabel = "METRIC", defaultValue = "euclidean",
      converter = MetricConverter.class,
      description = "euclidean (true distance), sqeuclidean, cosine (1 - cos), "
          + "inner-product (-dot), manhattan. Default: ${DEFAULT-VALUE}.")
  Metric metric;

  @Option(names = "--mode", paramLabel = "MODE", defaultValue = "connectivity",
      converter = ModeConverter.class,
      description = "connectivity (weights 1) or distance (weights = distances). "
          + "Default: ${DEFAULT-VALUE}.")
  GraphMode mode;

  @Option(names = "--include-self",
      description = "Count each point as one of its own k neighbours (distance 0), "
          + "as scikit-learn's include_self=True.")
  boolean includeSelf;

  @Option(names = "--threads", paramLabel = "N",
      description = "Worker threads. Default: all cores.")
  Integer threads;

  @Option(names = "--distances", paramLabel = "FILE.npy",
      description = "Also write the N x k float32 neighbour distances to this .npy file.")
  Path distances;

  @Option(names = {"-q", "--quiet"}, description = "No progress and no summary on stderr.")
  boolean quiet;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    long start = System.nanoTime();
    checkOutputs();
    if (k < 1) {
      throw new IllegalArgumentException("--k must be at least 1, got " + k);
    }
    if (threads != null && threads < 1) {
      throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
    }
    Vectors points = VectorReader.read(input);
    long read = System.nanoTime();
    PrintWriter err = spec.commandLine().getErr();
    BruteForceEngine.Builder builder = BruteForceEngine.builder()
        .metric(metric).k(k).includeSelf(includeSelf);
    if (threads != null) {
      builder.threads(threads);
    }
    KnnResult result;
    try (ProgressBar bar = new ProgressBar(err, "exact " + metric.id() + " k=" + k, quiet)) {
      result = builder.progress(bar).build().graph(points);
    }
    long searched = System.nanoTime();
    if (isNpy(output)) {
      NpyWriter.writeInt32(output, result.rows(), result.k(), result.ids());
    } else {
      GraphWriter.write(result.toGraph(mode), output);
    }
    if (distances != null) {
      NpyWriter.writeFloat32(distances, result.rows(), result.k(), result.distances());
    }
    if (!quiet) {
      long end = System.nanoTime();
      err.printf(Locale.ROOT, "wrote %s: %d points x %d neighbours (%s, dimension %d) in %.2f s"
              + " (read %.2f s, search %.2f s, write %.2f s)%n",
          output, points.size(), k, metric.id(), points.dimension(), (end - start) / 1e9,
          (read - start) / 1e9, (searched - read) / 1e9, (end - searched) / 1e9);
    }
    return 0;
  }

  /** Rejects unusable output paths before any work is done, so a failure costs nothing. */
  private void checkOutputs() {
    String ext = extension(output);
    if (!ext.equals(".npz") && !ext.equals(".npy") && !ext.equals(".mtx") && !ext.equals(".csv")) {
      throw new IllegalArgumentException("--output " + output + ": unsupported output format '" + ext
          + "' (expected .npz, .npy, .mtx or .csv)");
    }
    checkDirectory("--output", output);
    if (distances != null) {
      if (!isNpy(distances)) {
        throw new IllegalArgumentException("--distances " + distances + ": must end in .npy");
      }
      checkDirectory("--distances", distances);
      if (distances.toAbsolutePath().normalize().equals(output.toAbsolutePath().normalize())) {
        throw new IllegalArgumentException("--distances and --output name the same file " + output);
      }
    }
    if (output.toAbsolutePath().normalize().equals(input.toAbsolutePath().normalize())) {
      throw new IllegalArgumentException("--output " + output + " would overwrite the input");
    }
  }

  private static void checkDirectory(String option, Path file) {
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null && !Files.isDirectory(dir)) {
      throw new IllegalArgumentException(option + " " + file + ": output directory " + dir
          + " does not exist");
    }
    if (Files.isDirectory(file)) {
      throw new IllegalArgumentException(option + " " + file + ": is a directory");
    }
  }

  private static boolean isNpy(Path p) {
    return extension(p).equals(".npy");
  }

  private static String extension(Path p) {
    String name = p.getFileName() == null ? "" : p.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot).toLowerCase(Locale.ROOT);
  }

  /** Parses --metric with the library's own names and message. */
  static final class MetricConverter implements CommandLine.ITypeConverter<Metric> {
    @Override
    public Metric convert(String value) {
      return Metric.parse(value);
    }
  }

  /** Parses --mode with the library's own names and message. */
  static final class ModeConverter implements CommandLine.ITypeConverter<GraphMode> {
    @Override
    public GraphMode convert(String value) {
      return GraphMode.parse(value);
    }
  }
}
