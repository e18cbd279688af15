package org.knng.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.knng.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.knng.graph.GraphStatistics;
import org.knng.graph.SparseGraph;
import org.knng.io.AtomicOutput;
import org.knng.io.GraphReader;

/** {@code knng info}: statistics of a graph saved as {@code .npz}, as text or JSON, and an optional chart. */
final class InfoCommand extends Command {
  private static final List<Option> OPTIONS = List.of(
      Option.parameter("GRAPH", "A .npz sparse matrix (csr, csc or coo)."),
      Option.flag("--json", "Print one JSON object instead of the text summary."),
      Option.value("--plot", "FILE.svg", "Also write an SVG bar chart of the in-degree histogram."));

  /** Text histograms longer than this are binned. */
  private static final int TEXT_ROWS = 20;
  private static final int TEXT_BAR = 40;

  Path graph;
  boolean json;
  Path plot;

  @Override
  String name() {
    return "info";
  }

  @Override
  String[] description() {
    return new String[] {
      "Prints statistics of a sparse graph saved as .npz (by knng build or",
      "scipy.sparse.save_npz): nodes, edges (stored entries, explicit zeros included),",
      "self-loops, whether it is symmetric (structure and weights), out- and in-degree",
      "min/mean/max, weakly connected components and the largest one's size, hubness",
      "(skewness of the in-degrees; 0 when all are equal), an in-degree histogram, and",
      "the weights' min/mean/max with how many are negative, NaN or infinite.",
      ""
    };
  }

  @Override
  String[] footer() {
    return new String[] {"", "Example:", "  knng info iris-knn.npz --json --plot iris-indegree.svg"};
  }

  @Override
  List<Option> options() {
    return OPTIONS;
  }

  @Override
  void set(String option, String value) {
    switch (option) {
      case "GRAPH":
        graph = path(value);
        break;
      case "--json":
        json = Boolean.parseBoolean(value);
        break;
      case "--plot":
        plot = path(value);
        break;
      default:
        throw new IllegalStateException("no option " + option);
    }
  }

  @Override
  int call() throws IOException {
    if (plot != null) {
      checkPlot();
    }
    SparseGraph g = GraphReader.read(graph);
    if (g.rows() != g.columns()) {
      throw new InvalidInputException(graph + ": a " + g.rows() + " x " + g.columns()
          + " matrix is not a graph (it needs as many rows as columns)");
    }
    GraphStatistics s = GraphStatistics.of(g);
    if (plot != null) { // first: a plot that cannot be written fails the command before it prints
      byte[] svg = DegreeHistogramChart.svg(s.inDegreeHistogram(), "In-degree histogram of " + graph.getFileName())
          .getBytes(StandardCharsets.UTF_8);
      AtomicOutput.write(plot, stream -> stream.write(svg));
    }
    out.print(json ? json(s) : text(s));
    out.flush();
    return 0;
  }

  private void checkPlot() {
    String name = plot.getFileName() == null ? "" : plot.getFileName().toString().toLowerCase(Locale.ROOT);
    if (!name.endsWith(".svg")) {
      throw new InvalidInputException("--plot " + plot + ": must end in .svg");
    }
    GraphOutput.checkDirectory("--plot", plot);
    if (GraphOutput.same(plot, graph)) {
      throw new InvalidInputException("--plot " + plot + " would overwrite the graph " + graph);
    }
  }

  /** The JSON object: numbers, booleans and one array, written by hand (no JSON library needed). */
  static String json(GraphStatistics s) {
    StringBuilder j = new StringBuilder("{");
    j.append("\"nodes\": ").append(s.nodes());
    j.append(", \"edges\": ").append(s.edges());
    j.append(", \"self_loops\": ").append(s.selfLoops());
    j.append(", \"symmetric\": ").append(s.symmetric());
    j.append(", \"components\": ").append(s.components());
    j.append(", \"largest_component\": ").append(s.largestComponent());
    j.append(", \"out_degree\": ").append(degrees(s.minOutDegree(), s.meanOutDegree(), s.maxOutDegree()));
    j.append(", \"in_degree\": ").append(degrees(s.minInDegree(), s.meanInDegree(), s.maxInDegree()));
    j.append(", \"hubness\": ").append(number(s.hubness()));
    j.append(", \"weights\": {\"min\": ").append(number(s.minWeight()))
        .append(", \"mean\": ").append(number(s.meanWeight()))
        .append(", \"max\": ").append(number(s.maxWeight()))
        .append(", \"negative\": ").append(s.negativeWeights())
        .append(", \"non_finite\": ").append(s.nonFiniteWeights()).append('}');
    j.append(", \"in_degree_histogram\": [");
    long[] h = s.inDegreeHistogram();
    for (int d = 0; d < h.length; d++) {
      j.append(d == 0 ? "" : ", ").append(h[d]);
    }
    return j.append("]}\n").toString();
  }

  private static String degrees(int min, double mean, int max) {
    return "{\"min\": " + min + ", \"mean\": " + number(mean) + ", \"max\": " + max + "}";
  }

  /** A finite double as JSON (Double.toString is valid JSON for finite values). */
  private static String number(double v) {
    return Double.isFinite(v) ? Double.toString(v) : "null";
  }

  /** The weights' line: range and mean of the finite ones, and the counts a user must see. */
  private static String weights(GraphStatistics s) {
    String range = Double.isNaN(s.minWeight()) ? "none finite"
        : String.format(Locale.ROOT, "min %s, mean %s, max %s", shortest(s.minWeight()),
            shortest(s.meanWeight()), shortest(s.maxWeight()));
    if (s.edges() == 0) {
      range = "none";
    }
    StringBuilder t = new StringBuilder(range);
    if (s.negativeWeights() > 0) {
      t.append(", ").append(s.negativeWeights()).append(" negative");
    }
    if (s.nonFiniteWeights() > 0) {
      t.append(", ").append(s.nonFiniteWeights()).append(" NaN or infinite");
    }
    return t.toString();
  }

  /** A weight with the digits that tell it apart (six significant ones at most). */
  static String shortest(double v) {
    String s = String.format(Locale.ROOT, "%.6g", v); // 0.435702, 1.00000, 100000, 7.36994e-05
    int e = s.indexOf('e');
    String mantissa = e < 0 ? s : s.substring(0, e);
    if (mantissa.indexOf('.') >= 0) {
      mantissa = mantissa.replaceFirst("\\.?0+$", "");
    }
    return e < 0 ? mantissa : mantissa + s.substring(e);
  }

  private String text(GraphStatistics s) {
    StringBuilder t = new StringBuilder();
    t.append(String.format(Locale.ROOT, "%s%n", graph));
    t.append(String.format(Locale.ROOT, "  nodes              %d%n", s.nodes()));
    t.append(String.format(Locale.ROOT, "  edges              %d (stored entries)%n", s.edges()));
    t.append(String.format(Locale.ROOT, "  weights            %s%n", weights(s)));
    t.append(String.format(Locale.ROOT, "  self-loops         %d%n", s.selfLoops()));
    t.append(String.format(Locale.ROOT, "  symmetric          %s%n", s.symmetric() ? "yes" : "no"));
    t.append(String.format(Locale.ROOT, "  out-degree         min %d, mean %.3f, max %d%n",
        s.minOutDegree(), s.meanOutDegree(), s.maxOutDegree()));
    t.append(String.format(Locale.ROOT, "  in-degree          min %d, mean %.3f, max %d%n",
        s.minInDegree(), s.meanInDegree(), s.maxInDegree()));
    t.append(String.format(Locale.ROOT, "  components         %d weakly connected, largest %d nodes%n",
        s.components(), s.largestComponent()));
    t.append(String.format(Locale.ROOT, "  hubness            %.4f (skewness of in-degrees)%n", s.hubness()));
    long[] h = s.inDegreeHistogram();
    if (h.length > 0) {
      t.append("  in-degree histogram:\n");
      int bin = Math.max(1, (h.length + TEXT_ROWS - 1) / TEXT_ROWS);
      long[] counts = new long[(h.length + bin - 1) / bin];
      for (int d = 0; d < h.length; d++) {
        counts[d / bin] += h[d];
      }
      long max = 1;
      for (long c : counts) {
        max = Math.max(max, c);
      }
      for (int b = 0; b < counts.length; b++) {
        int lo = b * bin;
        int hi = Math.min(h.length, lo + bin) - 1;
        String label = lo == hi ? Integer.toString(lo) : lo + "-" + hi;
        int width = (int) Math.round((double) TEXT_BAR * counts[b] / max);
        t.append(String.format(Locale.ROOT, "  %9s | %-" + TEXT_BAR + "s %d%n", label,
            "#".repeat(counts[b] > 0 ? Math.max(width, 1) : 0), counts[b]));
      }
    }
    return t.toString();
  }
}
