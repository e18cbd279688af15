package org.knng.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knng.engine.KnnOptions;
import org.knng.exact.BruteForceEngine;
import org.knng.graph.KnnResult;
import org.knng.graph.SparseGraph;
import org.knng.io.GraphReader;
import org.knng.metric.Metric;
import org.knng.testing.PythonRunner;
import org.knng.testing.TestData;
import org.knng.vectors.Vectors;

/**
 * {@code ./knng spark} through the launcher: the same files as {@code ./knng build}, Parquet
 * tables in and out (written and read back with Spark here), and bad input refused in one line
 * with exit code 2 and nothing written.
 */
class SparkCommandIT {
  @TempDir Path dir;

  @Test
  void theReadmeExampleGivesBuildsGraph() throws Exception {
    Path iris = Launcher.ROOT.resolve("examples/iris/iris.csv");
    String[] options = {"--k", "10", "--mode", "umap", "--include-self", "--symmetrize", "fuzzy-union"};
    PythonRunner.Result spark = Launcher.knng(dir, concat(new String[] {"spark", "--master", "local[2]",
        "--input", iris.toString(), "--output", "spark.npz", "--distances", "spark-d.npy"}, options));
    assertEquals(0, spark.exitCode, spark.toString());
    assertTrue(spark.stderr.contains("wrote spark.npz: 150 points x 10 neighbours (spark exact"),
        spark.stderr);
    assertFalse(spark.stderr.contains("WARN"), spark.stderr);
    PythonRunner.Result build = Launcher.knng(dir, concat(new String[] {"build", "--algorithm", "exact",
        "--input", iris.toString(), "--output", "build.npz", "--distances", "build-d.npy"}, options));
    assertEquals(0, build.exitCode, build.toString());
    SparseGraph a = GraphReader.read(dir.resolve("spark.npz"));
    SparseGraph b = GraphReader.read(dir.resolve("build.npz"));
    assertArrayEquals(b.indptr(), a.indptr());
    assertArrayEquals(b.indices(), a.indices());
    assertArrayEquals(b.weights(), a.weights());
    assertArrayEquals(Files.readAllBytes(dir.resolve("build-d.npy")),
        Files.readAllBytes(dir.resolve("spark-d.npy")));
  }

  /** --dataset names the HDF5 dataset (here not the default train) as it does for knng build. */
  @Test
  void anHdf5DatasetNamedByDataset() throws Exception {
    for (String name : new String[] {"ann.hdf5", "float64.npy"}) {
      try (java.io.InputStream in = getClass().getResourceAsStream("/hdf5/" + name)) {
        Files.copy(in, dir.resolve(name));
      }
    }
    PythonRunner.Result spark = Launcher.knng(dir, "spark", "--master", "local[2]", "--input", "ann.hdf5",
        "--dataset", "float64", "--k", "4", "--output", "spark.npy", "--distances", "spark-d.npy");
    assertEquals(0, spark.exitCode, spark.toString());
    PythonRunner.Result build = Launcher.knng(dir, "build", "--algorithm", "exact", "--input", "float64.npy",
        "--k", "4", "--output", "build.npy", "--distances", "build-d.npy");
    assertEquals(0, build.exitCode, build.toString());
    assertArrayEquals(Files.readAllBytes(dir.resolve("build.npy")), Files.readAllBytes(dir.resolve("spark.npy")));
    assertArrayEquals(Files.readAllBytes(dir.resolve("build-d.npy")),
        Files.readAllBytes(dir.resolve("spark-d.npy")));
  }

  @Test
  void parquetInAndOut() throws Exception {
    float[][] rows = TestData.plantDuplicates(TestData.gaussian(4, 600, 12, 0.5f), 2, 20, 3);
    KnnResult want = BruteForceEngine.create(KnnOptions.defaults().withK(5).withMetric(Metric.COSINE))
        .graph(Vectors.of(rows));
    Path table = dir.resolve("points.parquet");
    Path edges = dir.resolve("graph.parquet");
    SparkSession spark = SparkSession.builder().master("local[2]").appName("knng-cli-test")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
    try {
      // Ids 1000 + 3 i (in the rows' order, so ties order alike), vectors as array<double>.
      List<Row> out = new ArrayList<>();
      for (int i = 0; i < rows.length; i++) {
        Double[] v = new Double[rows[i].length];
        for (int j = 0; j < v.length; j++) {
          v[j] = (double) rows[i][j];
        }
        out.add(RowFactory.create(1000L + 3L * i, v));
      }
      spark.createDataFrame(out, new StructType().add("key", DataTypes.LongType)
              .add("embedding", DataTypes.createArrayType(DataTypes.DoubleType)))
          .repartition(4).write().parquet(table.toString());
      PythonRunner.Result r = Launcher.knng(dir, "spark", "--master", "local[2]", "--input",
          table.toString(), "--id-column", "key", "--vector-column", "embedding", "--k", "5",
          "--metric", "cosine", "--mode", "distance", "--output", edges.toString());
      assertEquals(0, r.exitCode, r.toString());
      List<Row> got = spark.read().parquet(edges.toString()).orderBy("src", "distance", "dst")
          .collectAsList();
      assertEquals(rows.length * 5, got.size());
      for (int e = 0; e < got.size(); e++) {
        Row row = got.get(e);
        int i = e / 5;
        assertEquals(1000L + 3L * i, row.getLong(0));
        assertEquals(1000L + 3L * want.neighbor(i, e % 5), row.getLong(1), "edge " + e);
        assertEquals(want.distance(i, e % 5), row.getFloat(2), "edge " + e);
        assertEquals(row.getFloat(2), row.getFloat(3), "distance mode: the weight is the distance");
      }
      // An existing output is never overwritten, and a failed run leaves nothing behind.
      PythonRunner.Result again = Launcher.knng(dir, "spark", "--master", "local[2]", "--input",
          table.toString(), "--id-column", "key", "--vector-column", "embedding", "--k", "5",
          "--output", edges.toString(), "--debug");
      assertEquals(2, again.exitCode, again.toString());
      assertTrue(again.stderr.contains("exists: remove it first"), again.stderr);
      // --debug notes when the context has started: a local output is refused before.
      assertFalse(again.stderr.contains("context started"), again.stderr);
      PythonRunner.Result wrongColumn = Launcher.knng(dir, "spark", "--master", "local[2]", "--input",
          table.toString(), "--k", "5", "--output", dir.resolve("other.parquet").toString());
      assertEquals(2, wrongColumn.exitCode, wrongColumn.toString());
      assertEquals("error: no id column 'id' in the input (its columns: key, embedding)",
          lastLine(wrongColumn.stderr));
      try (Stream<Path> left = Files.list(dir)) {
        assertEquals(List.of("graph.parquet", "points.parquet"),
            left.map(p -> p.getFileName().toString()).sorted().toList());
      }
    } finally {
      spark.stop();
    }
  }

  /**
   * The approximate job through the command line: it says so and prints its recall estimate, and
   * and knng eval, measuring every row of its graph exactly, finds it nearly exact.
   */
  @Test
  void nndescentPrintsItsRecall() throws Exception {
    float[][] rows = TestData.clusters(4, 3000, 16, 8, 5);
    StringBuilder csv = new StringBuilder();
    for (float[] row : rows) {
      for (int j = 0; j < row.length; j++) {
        csv.append(j == 0 ? "" : ",").append(row[j]);
      }
      csv.append('\n');
    }
    Files.writeString(dir.resolve("points.csv"), csv);
    PythonRunner.Result spark = Launcher.knng(dir, "spark", "--master", "local[2]", "--input", "points.csv",
        "--k", "5", "--algorithm", "nndescent", "--blocks", "6", "--output", "approx.npy");
    assertEquals(0, spark.exitCode, spark.toString());
    String[] lines = spark.stderr.strip().split("[\r\n]+"); // Spark's progress bar ends in \r
    String summary = lines[lines.length - 2];
    assertTrue(summary.startsWith("wrote approx.npy: 3000 points x 5 neighbours (spark nndescent euclidean, "),
        summary);
    String estimate = lines[lines.length - 1];
    assertTrue(estimate.startsWith("estimated recall@5 ") && estimate.contains("(95% interval "), estimate);
    PythonRunner.Result eval = Launcher.knng(dir, "eval", "--input", "points.csv", "--graph", "approx.npy",
        "--sample", "3000");
    assertEquals(0, eval.exitCode, eval.toString());
    assertTrue(eval.stdout.contains("recall@5 0.9") || eval.stdout.contains("recall@5 1.0"), eval.toString());
    PythonRunner.Result refused = Launcher.knng(dir, "spark", "--master", "local[1]", "--input", "points.csv",
        "--k", "5", "--algorithm", "kdtree", "--output", "no.npy");
    assertEquals(2, refused.exitCode, refused.toString());
    assertEquals("error: --algorithm kdtree is not available on Spark: use exact, nndescent or auto",
        lastLine(refused.stderr));
    assertFalse(Files.exists(dir.resolve("no.npy")));
  }

  /**
   * A table's bad input is the one line of stderr (with -q, no progress bar), exit code 2: a row
   * with a NaN or a null id (no executor stack trace or lost-task lines before it), a table of no
   * rows, a file that is not Parquet.
   */
  @Test
  void badParquetInputIsOneLineAndExitTwo() throws Exception {
    SparkSession spark = SparkSession.builder().master("local[1]").appName("knng-cli-test")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
    StructType schema = new StructType().add("id", DataTypes.LongType)
        .add("vector", DataTypes.createArrayType(DataTypes.FloatType));
    try {
      spark.createDataFrame(List.of(RowFactory.create(0L, new Float[] {0f}),
          RowFactory.create(1L, new Float[] {Float.NaN}), RowFactory.create(2L, new Float[] {1f})), schema)
          .write().parquet(dir.resolve("nan.parquet").toString());
      spark.createDataFrame(List.of(RowFactory.create(0L, new Float[] {0f}),
          RowFactory.create(null, new Float[] {1f})), schema)
          .write().parquet(dir.resolve("nullid.parquet").toString());
      spark.createDataFrame(List.<Row>of(), schema).write().parquet(dir.resolve("empty.parquet").toString());
    } finally {
      spark.stop();
    }
    Files.writeString(dir.resolve("text.parquet"), "not a table\n");
    String[][] cases = {{"nan.parquet", "error: id 1, column 0: value NaN is not a finite number"},
        {"nullid.parquet", "error: a row has a null 'id': every point needs an id"},
        {"empty.parquet", "error: the input has no points"},
        {"text.parquet", "error: --input text.parquet: not a readable Parquet table ("}};
    for (String[] c : cases) {
      PythonRunner.Result r = Launcher.knng(dir, "spark", "-q", "--master", "local[1]", "--input", c[0],
          "--k", "1", "--output", "out.parquet");
      assertEquals(2, r.exitCode, r.toString());
      String err = r.stderr.strip();
      assertTrue(err.startsWith(c[1]) && !err.contains("\n"), c[0] + ": " + r.stderr);
      assertFalse(Files.exists(dir.resolve("out.parquet")), c[0]);
    }
  }

  @Test
  void badInputIsOneLineAndExitTwo() throws Exception {
    Path csv = dir.resolve("bad.csv");
    Files.writeString(csv, "1,2\n3,4\n5,nan\n");
    PythonRunner.Result r = Launcher.knng(dir, "spark", "--master", "local[1]", "--input",
        csv.toString(), "--k", "1", "--output", "out.npz");
    assertEquals(2, r.exitCode, r.toString());
    assertTrue(lastLine(r.stderr).startsWith("error: ") && lastLine(r.stderr).contains("line 3, column 2"),
        r.stderr);
    PythonRunner.Result k = Launcher.knng(dir, "spark", "--master", "local[1]", "--input",
        Launcher.ROOT.resolve("examples/iris/iris.csv").toString(), "--k", "150", "--output", "out.npz");
    assertEquals(2, k.exitCode, k.toString());
    assertEquals("error: k = 150 is out of range for 150 points: need 1 <= k < N (a point is not its"
        + " own neighbour)", lastLine(k.stderr));
    // --debug notes when the Spark context has started (and prints the error's stack trace): a
    // file's errors are found before the context starts.
    for (String[] bad : new String[][] {{csv.toString(), "1"},
        {Launcher.ROOT.resolve("examples/iris/iris.csv").toString(), "150"}}) {
      PythonRunner.Result debug = Launcher.knng(dir, "spark", "--master", "local[1]", "--input",
          bad[0], "--k", bad[1], "--output", "out.npz", "--debug");
      assertEquals(2, debug.exitCode, debug.toString());
      assertTrue(debug.stderr.contains("\nerror: ") || debug.stderr.startsWith("error: "), debug.stderr);
      assertFalse(debug.stderr.contains("context started"), debug.stderr);
    }
    assertFalse(Files.exists(dir.resolve("out.npz")));
    // A master Spark cannot parse is bad input, refused before Spark logs a stack trace for it.
    PythonRunner.Result master = Launcher.knng(dir, "spark", "--master", "bogus://x", "--input",
        Launcher.ROOT.resolve("examples/iris/iris.csv").toString(), "--k", "5", "--output", "out.npz");
    assertEquals(2, master.exitCode, master.toString());
    assertEquals("error: --master bogus://x: not a Spark master URL (expected local, local[N], local[*],"
        + " local-cluster[N,C,M], spark://HOST:PORT, yarn or k8s://URL)", lastLine(master.stderr));
    assertFalse(master.stderr.contains("Exception") || master.stderr.contains("\tat "), master.stderr);
    PythonRunner.Result missing = Launcher.knng(dir, "spark", "--master", "local[1]", "--input",
        dir.resolve("none.npy").toString(), "--k", "5", "--output", "out.npz");
    assertEquals(2, missing.exitCode, missing.toString());
    assertTrue(lastLine(missing.stderr).startsWith("error: ") && lastLine(missing.stderr).contains("none.npy"),
        missing.stderr);
    assertFalse(Files.exists(dir.resolve("out.npz")));
  }

  private static String lastLine(String text) {
    // Spark's progress bar ends in carriage returns, not new lines.
    String[] lines = text.strip().split("[\r\n]+");
    return lines[lines.length - 1];
  }

  private static String[] concat(String[] a, String[] b) {
    String[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
