package org.knng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** {@code knng info} in-process, on graphs made with {@code knng build}: JSON, text, SVG, errors. */
class InfoCommandTest {
  @TempDir Path dir;

  private static CliRun knng(String... args) {
    return CliRun.of(args);
  }

  /** Two clusters far apart (x = 0, 1, 2 and x = 100, 101, 102), k = 2: two components, 6 nodes. */
  private Path twoClusters(String... extra) throws Exception {
    Path in = dir.resolve("pts.csv");
    Files.writeString(in, "0,0\n1,0\n2,0\n100,0\n101,0\n102,0\n");
    Path out = dir.resolve("g.npz");
    String[] args = Stream.concat(Stream.of("build", "--input", in.toString(), "--k", "2", "--output",
        out.toString(), "--quiet"), Stream.of(extra)).toArray(String[]::new);
    CliRun r = knng(args);
    assertEquals(0, r.exit(), r.err());
    return out;
  }

  private static String value(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\": (\\{[^}]*\\}|\\[[^\\]]*\\]|[^,}\\]]+)").matcher(json);
    assertTrue(m.find(), () -> "no key " + key + " in " + json);
    return m.group(1).trim();
  }

  @Test
  void jsonHasTheStatistics() throws Exception {
    Path g = twoClusters();
    CliRun r = knng("info", g.toString(), "--json");
    assertEquals(0, r.exit(), r.err());
    assertEquals("", r.err());
    String json = r.out().trim();
    assertTrue(json.startsWith("{") && json.endsWith("}"), json);
    assertEquals("6", value(json, "nodes"));
    assertEquals("12", value(json, "edges"));
    assertEquals("0", value(json, "self_loops"));
    // Each cluster of 3 with k = 2 is complete both ways: symmetric with connectivity weights.
    assertEquals("true", value(json, "symmetric"));
    assertEquals("2", value(json, "components"));
    assertEquals("3", value(json, "largest_component"));
    assertEquals("{\"min\": 2, \"mean\": 2.0, \"max\": 2}", value(json, "out_degree"));
    assertEquals("{\"min\": 2, \"mean\": 2.0, \"max\": 2}", value(json, "in_degree"));
    assertEquals("0.0", value(json, "hubness"));
    assertEquals("[0, 0, 6]", value(json, "in_degree_histogram"));
  }

  @Test
  void asymmetricGraphAndTextSummary() throws Exception {
    // Points 0, 1, 3, 7 with k = 1: 0->1, 1->0, 2->1, 3->2; in-degrees 1, 2, 1, 0.
    Path in = dir.resolve("line.csv");
    Files.writeString(in, "0\n1\n3\n7\n");
    Path g = dir.resolve("line.npz");
    assertEquals(0, knng("build", "--input", in.toString(), "--k", "1", "--output", g.toString(), "--quiet").exit());
    CliRun json = knng("info", g.toString(), "--json");
    assertEquals("false", value(json.out(), "symmetric"));
    assertEquals("1", value(json.out(), "components"));
    assertEquals("[1, 2, 1]", value(json.out(), "in_degree_histogram"));
    CliRun text = knng("info", g.toString());
    assertEquals(0, text.exit(), text.err());
    assertTrue(text.out().contains("nodes              4"), text.out());
    assertTrue(text.out().contains("symmetric          no"), text.out());
    assertTrue(text.out().contains("in-degree histogram"), text.out());
    assertTrue(text.out().contains("        1 | " + "#".repeat(20)), text.out());
    assertTrue(text.out().contains("weights            min 1, mean 1, max 1\n"), text.out());
    // Distances: 0 -> 1 is 1, 1 -> 0 is 1, 2 -> 1 is 2, 3 -> 2 is 4.
    Path d = dir.resolve("line-distance.npz");
    assertEquals(0, knng("build", "--input", in.toString(), "--k", "1", "--mode", "distance",
        "--output", d.toString(), "--quiet").exit());
    assertTrue(knng("info", d.toString()).out().contains("weights            min 1, mean 2, max 4\n"));
    assertEquals("{\"min\": 1.0, \"mean\": 2.0, \"max\": 4.0, \"negative\": 0, \"non_finite\": 0}",
        value(knng("info", d.toString(), "--json").out(), "weights"));
  }

  @Test
  void weightsArePrintedWithTheirSignificantDigits() {
    assertEquals("1", InfoCommand.shortest(1));
    assertEquals("100000", InfoCommand.shortest(100000));
    assertEquals("10", InfoCommand.shortest(10));
    assertEquals("0.5", InfoCommand.shortest(0.5));
    assertEquals("0", InfoCommand.shortest(0));
    assertEquals("-2.25", InfoCommand.shortest(-2.25));
    assertEquals("0.435702", InfoCommand.shortest(0.43570196));
    assertEquals("7.36994e-05", InfoCommand.shortest(7.369943e-5));
    assertEquals("1.23457e+06", InfoCommand.shortest(1234567));
    assertEquals("2e+06", InfoCommand.shortest(2e6));
  }

  /** A plot that cannot be written (no file can be made in /proc) fails before anything is printed. */
  @Test
  void aPlotThatCannotBeWrittenFailsBeforeTheStatistics() throws Exception {
    Path g = twoClusters();
    CliRun r = knng("info", g.toString(), "--plot", "/proc/knng-plot.svg");
    assertEquals(2, r.exit(), r.err());
    assertEquals("", r.out());
    assertEquals("error: /proc/knng-plot.svg: cannot write (no such file or directory)\n", r.err());
  }

  @Test
  void plotWritesWellFormedSvg() throws Exception {
    Path g = twoClusters("--mode", "distance");
    Path svg = dir.resolve("deg.svg");
    CliRun r = knng("info", g.toString(), "--plot", svg.toString());
    assertEquals(0, r.exit(), r.err());
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    Document doc = f.newDocumentBuilder().parse(svg.toFile());
    assertEquals("svg", doc.getDocumentElement().getLocalName());
    assertEquals("http://www.w3.org/2000/svg", doc.getDocumentElement().getNamespaceURI());
    // One bar per in-degree value 0, 1, 2 (plus the white background rect).
    assertEquals(4, doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "rect").getLength());
  }

  private static void assertOneErrorLine(CliRun r, String mentions) {
    assertEquals(2, r.exit(), r.err());
    String[] lines = r.err().strip().split("\n");
    assertEquals(1, lines.length, r.err());
    assertTrue(lines[0].startsWith("error: "), r.err());
    assertTrue(lines[0].contains(mentions), () -> "should mention " + mentions + ": " + r.err());
    assertEquals("", r.out());
  }

  @Test
  void badInputsGiveOneErrorLine() throws Exception {
    assertOneErrorLine(knng("info", dir.resolve("none.npz").toString()), "none.npz");
    Path text = dir.resolve("text.npz");
    Files.writeString(text, "hello");
    assertOneErrorLine(knng("info", text.toString()), "text.npz");
    assertOneErrorLine(knng("info", dir.toString()), dir.toString());
    Path g = twoClusters();
    Path nowhere = dir.resolve("missing").resolve("deg.svg");
    assertOneErrorLine(knng("info", g.toString(), "--plot", nowhere.toString()), "--plot");
    assertFalse(Files.exists(nowhere.getParent()));
    assertOneErrorLine(knng("info", g.toString(), "--plot", dir.resolve("deg.png").toString()), ".svg");
    assertOneErrorLine(knng("info"), "GRAPH");
  }
}
