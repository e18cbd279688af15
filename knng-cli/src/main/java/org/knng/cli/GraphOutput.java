package org.knng.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.knng.InvalidInputException;
import org.knng.graph.EdgeWeights;
import org.knng.graph.Flow;
import org.knng.graph.GraphMode;
import org.knng.graph.KnnResult;
import org.knng.graph.RowBlocks;
import org.knng.graph.SparseGraph;
import org.knng.graph.Symmetrization;
import org.knng.io.GraphWriter;
import org.knng.io.NpyWriter;
import org.knng.io.ResultSpill;
import org.knng.metric.Metric;

/**
 * What turns neighbours into output files, the same for {@code knng build} and {@code knng spark}:
 * the weight, symmetrization and extra-file options (listed in their help), their checks before any
 * work, and the writing: the graph ({@code .npz}, {@code .mtx}, {@code .csv}) or the ids ({@code
 * .npy}), then {@code --edge-index} and {@code --distances}.
 */
final class GraphOutput {
  /** The options, listed in the help of the commands that write graphs. */
  static final List<Command.Option> OPTIONS = List.of(
      Command.Option.value("--mode", "MODE", "Edge weights: connectivity (1), distance, gaussian, self-tuning or umap "
          + "(formulas in 'knng build --help'). Default: ${DEFAULT-VALUE}.").defaultValue("connectivity"),
      Command.Option.value("--sigma", "S", "Width of the gaussian kernel, > 0, in the metric's units (--mode gaussian only)."),
      Command.Option.value("--scale-neighbor", "M", "self-tuning scale: sigma_i = distance to i's M-th neighbour, 1 <= M <= K. "
          + "Default: K."),
      Command.Option.value("--symmetrize", "MODE", "none, union (max), average ((A+A^T)/2), mutual (min, both ways only), "
          + "fuzzy-union (A+A^T-A*A^T), fuzzy-intersection (A*A^T). Default: ${DEFAULT-VALUE}.").defaultValue("none"),
      Command.Option.value("--edge-index", "FILE.npy", "Also write the graph's edges (after --symmetrize) as PyTorch Geometric's "
          + "2 x E int64 edge_index."),
      Command.Option.value("--flow", "FLOW", "edge_index rows: source-to-target (row 0 = neighbour, row 1 = centre, as PyG) "
          + "or target-to-source (row 0 = centre). Default: ${DEFAULT-VALUE}.").defaultValue("source-to-target"),
      Command.Option.value("--distances", "FILE.npy", "Also write the N x k float32 neighbour distances to this .npy file."),
      Command.Option.flag("--uncompressed", "Store the .npz arrays without compression (scipy's save_npz(compressed=False)):"
          + " several times faster to write and to load, about 1.5x larger."));

  GraphMode mode;
  Double sigma;
  Integer scaleNeighbor;
  Symmetrization symmetrize;
  Path edgeIndex;
  Flow flow;
  Path distances;
  boolean uncompressed;

  /**
   * Takes the value of one of {@link #OPTIONS}.
   *
   * @param option the option's name
   * @param value its value
   * @return whether the option is one of these
   */
  boolean set(String option, String value) {
    switch (option) {
      case "--mode":
        mode = GraphMode.parse(value);
        return true;
      case "--sigma":
        sigma = Command.doubleValue(value);
        return true;
      case "--scale-neighbor":
        scaleNeighbor = Command.integer(value);
        return true;
      case "--symmetrize":
        symmetrize = Symmetrization.parse(value);
        return true;
      case "--edge-index":
        edgeIndex = Command.path(value);
        return true;
      case "--flow":
        flow = Flow.parse(value);
        return true;
      case "--distances":
        distances = Command.path(value);
        return true;
      case "--uncompressed":
        uncompressed = Boolean.parseBoolean(value);
        return true;
      default:
        return false;
    }
  }

  /**
   * The weighting the options ask for, checked before any work is done.
   *
   * @param k the neighbours per point (bounds {@code --scale-neighbor})
   * @param metric the metric (a kernel needs distances of at least 0)
   * @return the weighting
   */
  EdgeWeights weights(int k, Metric metric) {
    if (mode.kernel() && metric.negativeDistances()) {
      throw new InvalidInputException("--mode " + mode.id() + " weighs distances >= 0, and --metric "
          + metric.id() + " gives negative ones (-dot): use --mode distance or connectivity, or --metric cosine");
    }
    if (sigma != null && mode != GraphMode.GAUSSIAN) {
      throw new InvalidInputException("--sigma applies only to --mode gaussian (mode is " + mode.id() + ")");
    }
    if (scaleNeighbor != null && mode != GraphMode.SELF_TUNING) {
      throw new InvalidInputException("--scale-neighbor applies only to --mode self-tuning (mode is "
          + mode.id() + ")");
    }
    switch (mode) {
      case GAUSSIAN:
        if (sigma == null) {
          throw new InvalidInputException("--mode gaussian needs --sigma S (the kernel width, > 0)");
        }
        if (!(sigma > 0) || sigma.isInfinite()) {
          throw new InvalidInputException("--sigma must be a finite number > 0, got " + sigma);
        }
        return EdgeWeights.gaussian(sigma);
      case SELF_TUNING:
        if (scaleNeighbor == null) {
          return EdgeWeights.selfTuning();
        }
        if (scaleNeighbor < 1 || scaleNeighbor > k) {
          throw new InvalidInputException("--scale-neighbor must be between 1 and --k (" + k + "), got "
              + scaleNeighbor);
        }
        return EdgeWeights.selfTuning(scaleNeighbor);
      default:
        return EdgeWeights.of(mode);
    }
  }

  /**
   * Checks the output files before any work: a known extension, existing directories, no file
   * named twice, none overwriting an input.
   *
   * @param output the graph file
   * @param inputs the files read (null entries are skipped)
   */
  void checkFiles(Path output, Path... inputs) {
    String ext = extension(output);
    if (!ext.equals(".npz") && !ext.equals(".npy") && !ext.equals(".mtx") && !ext.equals(".csv")) {
      throw new InvalidInputException("--output " + output + ": unsupported output format '" + ext
          + "' (expected .npz, .npy, .mtx or .csv)");
    }
    checkDirectory("--output", output);
    if (uncompressed && !ext.equals(".npz")) {
      throw new InvalidInputException("--uncompressed applies to .npz output only (--output is " + ext
          + ", which is never compressed)");
    }
    if (distances != null) {
      if (!isNpy(distances)) {
        throw new InvalidInputException("--distances " + distances + ": must end in .npy");
      }
      checkDirectory("--distances", distances);
      if (same(distances, output)) {
        throw new InvalidInputException("--distances and --output name the same file " + output);
      }
      for (Path in : inputs) {
        if (in != null && same(distances, in)) {
          throw new InvalidInputException("--distances " + distances + " would overwrite the input " + in);
        }
      }
    }
    if (edgeIndex != null) {
      if (!isNpy(edgeIndex)) {
        throw new InvalidInputException("--edge-index " + edgeIndex + ": must end in .npy");
      }
      checkDirectory("--edge-index", edgeIndex);
      boolean clash = same(edgeIndex, output) || (distances != null && same(edgeIndex, distances));
      for (Path in : inputs) {
        clash |= in != null && same(edgeIndex, in);
      }
      if (clash) {
        throw new InvalidInputException("--edge-index " + edgeIndex + " names the same file as another option");
      }
    }
    for (Path in : inputs) {
      if (in != null && same(output, in)) {
        throw new InvalidInputException("--output " + output + " would overwrite the input " + in);
      }
    }
  }

  /**
   * Writes the result: weighted and symmetrized into the graph file (ids only for {@code .npy}),
   * then the extra files.
   *
   * @param result the neighbours, or null for a radius graph without k
   * @param radius the radius graph without k, or null
   * @param weights the weighting of {@link #weights}, or null with {@code radius}
   * @param output the graph file
   * @return the graph written (null for {@code .npy} ids without {@code --edge-index})
   * @throws IOException if a file cannot be written
   */
  SparseGraph write(KnnResult result, SparseGraph radius, EdgeWeights weights, Path output)
      throws IOException {
    SparseGraph graph = null;
    if (radius != null) {
      graph = symmetrize.apply(mode == GraphMode.CONNECTIVITY ? radius.unweighted() : radius);
    } else if (!isNpy(output) || edgeIndex != null) {
      graph = symmetrize.apply(weights.apply(result));
    }
    if (isNpy(output)) {
      NpyWriter.writeInt32(output, result.rows(), result.k(), result.ids());
    } else {
      GraphWriter.write(graph, output, !uncompressed);
    }
    if (edgeIndex != null) {
      GraphWriter.writeEdgeIndex(RowBlocks.of(graph), flow, edgeIndex);
    }
    if (distances != null) {
      NpyWriter.writeFloat32(distances, result.rows(), result.k(), result.distances());
    }
    return graph;
  }

  /**
   * Writes a result kept on disk (more neighbours than one array holds) a block of rows at a time:
   * weighted block by block into the graph file (ids only for {@code .npy}), then the extra files.
   * {@code --symmetrize} and self-tuning weights, which need all rows at once, are refused before.
   *
   * @param spill the result
   * @param weights the weighting of {@link #weights}
   * @param blockRows rows per block
   * @param output the graph file
   * @return the number of edges written
   * @throws IOException if a file cannot be written
   */
  long write(ResultSpill spill, EdgeWeights weights, int blockRows, Path output) throws IOException {
    RowBlocks graph = spill.graph(weights, blockRows);
    long edges = spill.rows() * spill.k();
    if (isNpy(output)) {
      spill.writeIds(output);
    } else {
      GraphWriter.write(graph, output, !uncompressed);
      edges = RowBlocks.edgeCount(graph);
    }
    if (edgeIndex != null) {
      GraphWriter.writeEdgeIndex(graph, flow, edgeIndex);
    }
    if (distances != null) {
      spill.writeDistances(distances);
    }
    return edges;
  }

  /**
   * Whether two paths name the same file, through symbolic links and hard links: an output must
   * not overwrite an input, nor another output, whichever way it is spelled.
   */
  static boolean same(Path a, Path b) {
    if (Files.exists(a) && Files.exists(b)) {
      try {
        return Files.isSameFile(a, b);
      } catch (IOException e) {
        // compared by their paths below
      }
    }
    return real(a).equals(real(b));
  }

  /** The path with every symbolic link resolved: the file's own, else its directory's and its name. */
  private static Path real(Path p) {
    Path absolute = p.toAbsolutePath();
    try {
      return absolute.toRealPath();
    } catch (IOException e) {
      Path dir = absolute.getParent();
      try {
        return dir == null ? absolute.normalize() : dir.toRealPath().resolve(absolute.getFileName());
      } catch (IOException again) {
        return absolute.normalize();
      }
    }
  }

  static void checkDirectory(String option, Path file) {
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null && Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new InvalidInputException(option + " " + file + ": " + dir + " is not a directory");
    }
    if (dir != null && !Files.isDirectory(dir)) {
      throw new InvalidInputException(option + " " + file + ": output directory " + dir
          + " does not exist");
    }
    if (Files.isDirectory(file)) {
      throw new InvalidInputException(option + " " + file + ": is a directory");
    }
  }

  static boolean isNpy(Path p) {
    return extension(p).equals(".npy");
  }

  static String extension(Path p) {
    String name = p.getFileName() == null ? "" : p.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot).toLowerCase(Locale.ROOT);
  }
}
