package org.knng.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.knng.InvalidInputException;
import org.knng.graph.Flow;
import org.knng.graph.SparseGraph;
import org.knng.io.EdgeListReader;
import org.knng.io.GraphReader;
import org.knng.io.GraphWriter;
import org.knng.io.VectorReader;
import org.knng.io.VectorWriter;

/** {@code knng convert}: a graph or a set of vectors from one file format to another. */
final class ConvertCommand extends Command {
  private static final List<Option> OPTIONS = List.of(
      Option.parameter("IN", "The file to read."),
      Option.parameter("OUT", "The file to write; its extension names the format."),
      Option.value("--dataset", "NAME", "HDF5 or .npz input: the dataset (HDF5 path) or array to read."
          + " Default: train (or a .npz archive's only array)."),
      Option.value("--nodes", "N", "Edge lists and edge_index inputs: the number of nodes (they"
          + " do not record it). Default: the largest id + 1."),
      Option.value("--flow", "FLOW", "How an edge_index lists edges, read or written:"
          + " source-to-target (row 0 the neighbour, as PyG) or target-to-source. Default:"
          + " ${DEFAULT-VALUE}.").defaultValue("source-to-target"),
      Option.flag("--uncompressed", "Write .npz entries stored, not deflated."),
      Option.flag("--quiet", "No summary line on stderr.").shortName("-q"));

  Path input;
  Path output;
  String dataset;
  Integer nodes;
  Flow flow;
  boolean uncompressed;
  boolean quiet;

  @Override
  String name() {
    return "convert";
  }

  @Override
  String[] description() {
    return new String[] {
      "Converts a graph between .npz (scipy CSR), .mtx (Matrix Market), .csv (edge list) and a"
          + " PyTorch Geometric edge_index .npy (2 x E), or vectors between .npy, .fvecs, .csv and"
          + " .tsv (reading also .bvecs, HDF5 and numpy.savez archives).",
      "",
      "The input's kind: .mtx and scipy.sparse's .npz are graphs (a .npz of numpy.savez arrays is"
          + " vectors: --dataset names the array); a .npy of 2 x E integers is an edge_index, any"
          + " other .npy vectors; a .csv starting with the header 'source,target,weight' (or"
          + " 'source,target', unweighted) is an edge"
          + " list, any other .csv vectors; everything else is vectors. An edge_index holds no"
          + " weights (every edge weighs 1).",
      ""
    };
  }

  @Override
  String[] footer() {
    return new String[] {
      "",
      "Examples:",
      "  knng convert iris-knn.npz iris-knn.mtx",
      "  knng convert ann.hdf5 --dataset test queries.fvecs"
    };
  }

  @Override
  List<Option> options() {
    return OPTIONS;
  }

  @Override
  void set(String option, String value) {
    switch (option) {
      case "IN":
        input = path(value);
        break;
      case "OUT":
        output = path(value);
        break;
      case "--dataset":
        dataset = value;
        break;
      case "--nodes":
        nodes = integer(value);
        break;
      case "--flow":
        flow = Flow.parse(value);
        break;
      case "--uncompressed":
        uncompressed = Boolean.parseBoolean(value);
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
    if (GraphOutput.same(input, output)) {
      throw new InvalidInputException("OUT " + output + " is the input file");
    }
    if (nodes != null && nodes < 1) {
      throw new InvalidInputException("--nodes must be at least 1, got " + nodes);
    }
    GraphOutput.checkDirectory("OUT", output);
    long start = System.nanoTime();
    String what;
    if (isGraph(input)) {
      if (dataset != null) {
        throw new InvalidInputException("--dataset applies to HDF5 vector input, not to the graph " + input);
      }
      String out = GraphOutput.extension(output);
      if (!out.equals(".npz") && !out.equals(".mtx") && !out.equals(".csv") && !out.equals(".npy")) {
        throw new InvalidInputException("OUT " + output + ": " + input + " is a graph; write it as .npz, .mtx,"
            + " .csv or an edge_index .npy");
      }
      String in = GraphOutput.extension(input);
      SparseGraph graph = in.equals(".npz") ? GraphReader.read(input)
          : EdgeListReader.read(input, nodes == null ? -1 : nodes, flow);
      if (out.equals(".npy")) {
        GraphWriter.writeEdgeIndex(org.knng.graph.RowBlocks.of(graph), flow, output);
      } else {
        GraphWriter.write(graph, output, !uncompressed);
      }
      what = String.format(Locale.ROOT, "graph %d x %d, %d edges", graph.rows(), graph.columns(),
          graph.edgeCount());
    } else {
      if (nodes != null) {
        throw new InvalidInputException("--nodes applies to graphs; " + input + " holds vectors");
      }
      String out = GraphOutput.extension(output);
      if (out.equals(".npz") || out.equals(".mtx")) {
        throw new InvalidInputException("OUT " + output + ": " + input + " holds vectors, which convert to"
            + " .npy, .fvecs, .csv or .tsv (a graph's .csv starts with the header 'source,target,weight'"
            + " or 'source,target'; to build a graph of vectors, use knng build)");
      }
      // Read a block at a time where the input allows (a .npy, .fvecs or .bvecs file, an HDF5
      // dataset), so that a file larger than the heap converts; text and .npz are read whole.
      try (VectorInput vectors = VectorInput.open(input, dataset, "train", "--dataset")) {
        VectorWriter.write(vectors.blocks(), output);
        what = String.format(Locale.ROOT, "%d vectors of dimension %d", vectors.rows(), vectors.dimension());
      }
    }
    if (!quiet) {
      err.printf(Locale.ROOT, "wrote %s: %s from %s in %.2f s%n", output, what, input,
          (System.nanoTime() - start) / 1e9);
    }
    return 0;
  }

  /** Whether the input is a graph (see the command's description), not vectors. */
  private static boolean isGraph(Path file) throws IOException {
    switch (GraphOutput.extension(file)) {
      case ".npz":
        // scipy.sparse.save_npz stores a 'format' array; numpy.savez's arrays of vectors have none.
        // A file that cannot be listed goes to the graph reader, which names what is wrong with it.
        try {
          return !Files.isRegularFile(file) || VectorReader.arrays(file).contains("format");
        } catch (IOException e) {
          return true;
        }
      case ".mtx":
        return true;
      case ".npy":
        return Files.isRegularFile(file) && EdgeListReader.holdsEdgeIndex(file);
      case ".csv":
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
          return false; // the vector reader names what is wrong with it
        }
        try (var in = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
          return EdgeListReader.isEdgeListHeader(in.readLine());
        }
      default:
        return false;
    }
  }
}
