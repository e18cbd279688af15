package org.knng.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.knng.InvalidInputException;
import org.knng.engine.KnnOptions;
import org.knng.exact.BruteForceEngine;
import org.knng.graph.EdgeWeights;
import org.knng.graph.GraphMode;
import org.knng.graph.KnnResult;
import org.knng.graph.SparseGraph;
import org.knng.metric.Metric;
import org.knng.testing.TestData;

/**
 * The Spark job in local mode gives the core exact engine's graph bit for bit (ids, distances and
 * weights) for every metric, k, include-self and block count, on inputs with ties and duplicate
 * points; reads every vector column type; refuses bad input with one line naming the id or column;
 * and a task that fails on its first attempt changes nothing.
 */
class SparkKnnTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    // local[2, 2]: two threads, and a failed task is tried once more (the retry test needs it).
    spark = SparkSession.builder().master("local[2,2]").appName("knng-test")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
        .getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void everyMetricKAndBlockCountGivesTheCoresGraph() {
    float[][] rows = TestData.plantDuplicates(TestData.grid(2, 300, 5, 3), 3, 20, 3);
    Dataset<Row> table = table(rows, DataTypes.FloatType, null);
    // Each job costs about half a second whatever its size: the block count alternates with the
    // metric, k and include-self, so that every metric meets both counts and every (k,
    // include-self, blocks) combination meets several metrics.
    for (Metric metric : Metric.values()) {
      for (int k : new int[] {1, 8}) {
        for (boolean self : new boolean[] {false, true}) {
          KnnResult want = BruteForceEngine.create(KnnOptions.defaults().withMetric(metric).withK(k)
              .withIncludeSelf(self)).graph(org.knng.vectors.Vectors.of(rows));
          int blocks = (metric.ordinal() + k + (self ? 1 : 0)) % 2 == 0 ? 1 : 4;
          SparkKnn job = SparkKnn.builder().metric(metric).k(k).includeSelf(self).blocks(blocks).build();
          assertSame(want, job.neighbors(table), metric + " k=" + k + " self " + self + " blocks " + blocks);
        }
      }
    }
  }

  @Test
  void vectorsHeldByTheDriverGiveTheSameGraph() {
    // The command line's path: rows checked and dealt into blocks on the driver.
    float[][] rows = TestData.plantDuplicates(TestData.clusters(8, 2500, 30, 12, 6), 1, 40, 3);
    for (Metric metric : new Metric[] {Metric.EUCLIDEAN, Metric.COSINE, Metric.MANHATTAN}) {
      KnnResult want = BruteForceEngine.create(KnnOptions.defaults().withK(12).withMetric(metric))
          .graph(org.knng.vectors.Vectors.of(rows));
      for (int blocks : new int[] {0, 5}) {
        SparkKnn job = SparkKnn.builder().k(12).metric(metric).blocks(blocks).build();
        KnnResult got = job.collect(job.graph(
            new org.apache.spark.api.java.JavaSparkContext(spark.sparkContext()),
            org.knng.vectors.Vectors.of(rows)));
        assertArrayEquals(want.ids(), got.ids(), metric + ", " + blocks + " blocks");
        assertArrayEquals(want.distances(), got.distances(), metric + ", " + blocks + " blocks");
      }
    }
  }

  @Test
  void automaticBlocksOnALargerSetAndLargeK() {
    float[][] rows = TestData.gaussian(5, 3000, 40, 0.5f);
    KnnResult want = BruteForceEngine.create(KnnOptions.defaults().withK(120))
        .graph(org.knng.vectors.Vectors.of(rows));
    assertSame(want, SparkKnn.builder().k(120).build().neighbors(table(rows, DataTypes.FloatType, null)),
        "3000 x 40, k=120");
  }

  @Test
  void doubleArraysMlVectorsAndSparseIdsAreRead() {
    float[][] rows = TestData.gaussian(7, 200, 6, 0.5f);
    KnnResult want = BruteForceEngine.create(KnnOptions.defaults().withK(5).withMetric(Metric.COSINE))
        .graph(org.knng.vectors.Vectors.of(rows));
    SparkKnn job = SparkKnn.builder().k(5).metric(Metric.COSINE).build();
    assertSame(want, job.neighbors(table(rows, DataTypes.DoubleType, null)), "array<double>");
    assertSame(want, job.neighbors(table(rows, new VectorUDT(), null)), "ML vectors");
    // Ids in the same order as the rows but far apart: the graph is the same up to renaming.
    long[] ids = new long[rows.length];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = -5_000_000_000L + 1000L * i * i;
    }
    List<Row> got = job.neighbors(table(rows, DataTypes.FloatType, ids)).orderBy("id").collectAsList();
    for (int i = 0; i < rows.length; i++) {
      assertEquals(ids[i], got.get(i).getLong(0));
      List<Long> neighbors = got.get(i).getList(1);
      for (int s = 0; s < 5; s++) {
        assertEquals(ids[want.neighbor(i, s)], (long) neighbors.get(s), "row " + i + " slot " + s);
      }
    }
  }

  @Test
  void edgesCarryTheCoresWeights() {
    float[][] rows = TestData.plantDuplicates(TestData.gaussian(3, 400, 8, 0.5f), 4, 10, 4);
    for (GraphMode mode : new GraphMode[] {GraphMode.UMAP, GraphMode.GAUSSIAN, GraphMode.CONNECTIVITY}) {
      KnnResult knn = BruteForceEngine.create(KnnOptions.defaults().withK(7).withIncludeSelf(true))
          .graph(org.knng.vectors.Vectors.of(rows));
      SparseGraph want = (mode == GraphMode.GAUSSIAN ? EdgeWeights.gaussian(0.7) : EdgeWeights.of(mode))
          .apply(knn);
      List<Row> edges = SparkKnn.builder().k(7).includeSelf(true).mode(mode).sigma(0.7).blocks(3).build()
          .edges(table(rows, DataTypes.FloatType, null)).collectAsList();
      assertEquals(want.edgeCount(), edges.size(), mode.id());
      for (Row e : edges) {
        int src = (int) e.getLong(0);
        int dst = (int) e.getLong(1);
        assertEquals(want.weight(src, dst), e.getFloat(3), mode.id() + " edge " + src + " -> " + dst);
      }
    }
  }

  @Test
  void symmetrizedEdgesAreTheCoresSymmetrization() {
    float[][] rows = TestData.plantDuplicates(TestData.gaussian(12, 300, 6, 0.5f), 5, 10, 3);
    KnnResult knn = BruteForceEngine.create(KnnOptions.defaults().withK(6).withIncludeSelf(true))
        .graph(org.knng.vectors.Vectors.of(rows));
    SparseGraph weighted = EdgeWeights.umap().apply(knn);
    Dataset<Row> table = table(rows, DataTypes.FloatType, null);
    for (org.knng.graph.Symmetrization mode : org.knng.graph.Symmetrization.values()) {
      SparseGraph want = mode.apply(weighted);
      List<Row> edges = SparkKnn.builder().k(6).includeSelf(true).mode(GraphMode.UMAP).symmetrize(mode)
          .blocks(3).build().edges(table).collectAsList();
      assertEquals(want.edgeCount(), edges.size(), mode.id());
      for (Row e : edges) {
        int src = (int) e.getLong(0);
        int dst = (int) e.getLong(1);
        assertTrue(want.hasEdge(src, dst), mode.id() + ": " + src + " -> " + dst);
        assertEquals(want.weight(src, dst), e.getFloat(3), mode.id() + " edge " + src + " -> " + dst);
      }
    }
  }

  @Test
  void aTaskThatFailsOnceChangesNothing() {
    float[][] rows = TestData.gaussian(11, 500, 12, 0.5f);
    KnnResult want = BruteForceEngine.create(KnnOptions.defaults().withK(6))
        .graph(org.knng.vectors.Vectors.of(rows));
    SparkKnn job = SparkKnn.builder().k(6).blocks(3).failFirstAttempts(true).build();
    assertSame(want, job.neighbors(table(rows, DataTypes.FloatType, null)), "after retries");
  }

  @Test
  void badInputIsOneLineNamingTheIdOrColumn() {
    SparkKnn job = SparkKnn.builder().k(2).build();
    StructType schema = new StructType().add("id", DataTypes.LongType)
        .add("vector", DataTypes.createArrayType(DataTypes.FloatType));
    assertMessage("no vector column 'vector' in the input (its columns: id, v)", () -> job.neighbors(
        spark.createDataFrame(List.of(RowFactory.create(1L, new Float[] {1f})),
            new StructType().add("id", DataTypes.LongType)
                .add("v", DataTypes.createArrayType(DataTypes.FloatType)))));
    assertMessage("column 'id' has type string: ids must be integers (long)", () -> job.neighbors(
        spark.createDataFrame(List.of(RowFactory.create("a", new Float[] {1f})),
            new StructType().add("id", DataTypes.StringType)
                .add("vector", DataTypes.createArrayType(DataTypes.FloatType)))));
    assertMessage("id 3: 'vector' is null", () -> job.neighbors(rowsOf(schema,
        RowFactory.create(1L, new Float[] {1f, 2f}), RowFactory.create(2L, new Float[] {1f, 3f}),
        RowFactory.create(3L, null))));
    assertMessage("id 2 has 3 values, expected 2 (as id 1)", () -> job.neighbors(rowsOf(schema,
        RowFactory.create(1L, new Float[] {1f, 2f}), RowFactory.create(2L, new Float[] {1f, 3f, 4f}),
        RowFactory.create(3L, new Float[] {1f, 3f}))));
    assertMessage("id 2, column 1: value NaN is not a finite number", () -> job.neighbors(rowsOf(schema,
        RowFactory.create(1L, new Float[] {1f, 2f}), RowFactory.create(2L, new Float[] {1f, Float.NaN}),
        RowFactory.create(3L, new Float[] {1f, 3f}))));
    assertMessage("duplicate id 1: every point needs its own id (the graph is keyed by id)",
        () -> job.neighbors(rowsOf(schema, RowFactory.create(1L, new Float[] {1f, 2f}),
            RowFactory.create(1L, new Float[] {1f, 3f}), RowFactory.create(3L, new Float[] {1f, 3f}))));
    assertMessage("a row has a null 'id': every point needs an id", () -> job.neighbors(rowsOf(schema,
        RowFactory.create(1L, new Float[] {1f, 2f}), RowFactory.create(null, new Float[] {1f, 3f}),
        RowFactory.create(3L, new Float[] {1f, 3f}))));
    assertMessage("k = 2 is out of range for 2 points: need 1 <= k < N (a point is not its own neighbour)",
        () -> job.neighbors(rowsOf(schema, RowFactory.create(1L, new Float[] {1f, 2f}),
            RowFactory.create(2L, new Float[] {1f, 3f}))));
    assertThrows(InvalidInputException.class, () -> SparkKnn.builder().mode(GraphMode.SELF_TUNING));
    assertMessage("mode umap weighs distances >= 0, and metric inner-product gives negative ones (-dot): use"
        + " connectivity or distance, or cosine",
        () -> SparkKnn.builder().k(2).metric(Metric.INNER_PRODUCT).mode(GraphMode.UMAP).build());
  }

  @Test
  void tinyRowsAreSearchedAmongOrdinaryOnesAndRefusedOnlyWhenTheWholeInputIsTiny() {
    // A fifth of the rows scaled to about 1e-20: the core engine searches them again in double
    // and they are valid input; only an input whose every value is that small is refused, and the
    // refusal names the largest value of the whole input (a cell or block alone must not decide).
    float[][] rows = TestData.gaussian(7, 600, 6, 0.5f);
    for (int i = 0; i < rows.length; i += 5) {
      for (int j = 0; j < rows[i].length; j++) {
        rows[i][j] *= 1e-20f;
      }
    }
    KnnResult want = BruteForceEngine.create(KnnOptions.defaults().withK(4))
        .graph(org.knng.vectors.Vectors.of(rows));
    SparkKnn job = SparkKnn.builder().k(4).blocks(4).build();
    assertSame(want, job.neighbors(table(rows, DataTypes.FloatType, null)), "a fifth tiny");
    KnnResult held = job.collect(job.graph(
        new org.apache.spark.api.java.JavaSparkContext(spark.sparkContext()),
        org.knng.vectors.Vectors.of(rows)));
    assertArrayEquals(want.ids(), held.ids(), "a fifth tiny, held by the driver");

    float[][] tiny = new float[rows.length][];
    int top = 0;
    for (int i = 0; i < rows.length; i++) {
      tiny[i] = rows[i].clone();
      for (int j = 0; j < tiny[i].length; j++) {
        tiny[i][j] *= i % 5 == 0 ? 1f : 1e-20f;
        if (Math.abs(tiny[i][j]) > Math.abs(tiny[top / 6][top % 6])) {
          top = i * 6 + j;
        }
      }
    }
    String largest = "the largest, " + tiny[top / 6][top % 6] + " (";
    String where = top / 6 + ", column " + top % 6 + "), is below";
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> job.neighbors(table(tiny, DataTypes.FloatType, null)));
    assertTrue(e.getMessage().startsWith("every value is too small for euclidean in float32: "),
        e.getMessage());
    assertTrue(e.getMessage().contains(largest + "id " + where), e.getMessage());
    e = assertThrows(InvalidInputException.class, () -> job.check(org.knng.vectors.Vectors.of(tiny)));
    assertTrue(e.getMessage().contains(largest + "row " + where), e.getMessage());
  }

  private static Dataset<Row> rowsOf(StructType schema, Row... rows) {
    return spark.createDataFrame(Arrays.asList(rows), schema);
  }

  private static void assertMessage(String message, org.junit.jupiter.api.function.Executable run) {
    InvalidInputException e = assertThrows(InvalidInputException.class, run);
    assertEquals(message, e.getMessage());
  }

  /** A table of the rows: ids 0..N-1 (or {@code ids}), vectors of the given element type. */
  static Dataset<Row> table(float[][] rows, DataType element, long[] ids) {
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < rows.length; i++) {
      Object vector;
      if (element instanceof VectorUDT) {
        double[] v = new double[rows[i].length];
        for (int j = 0; j < v.length; j++) {
          v[j] = rows[i][j];
        }
        vector = Vectors.dense(v);
      } else if (element.equals(DataTypes.DoubleType)) {
        Double[] v = new Double[rows[i].length];
        for (int j = 0; j < v.length; j++) {
          v[j] = (double) rows[i][j];
        }
        vector = v;
      } else {
        Float[] v = new Float[rows[i].length];
        for (int j = 0; j < v.length; j++) {
          v[j] = rows[i][j];
        }
        vector = v;
      }
      out.add(RowFactory.create(ids == null ? (long) i : ids[i], vector));
    }
    DataType type = element instanceof VectorUDT ? element : DataTypes.createArrayType(element);
    StructType schema = new StructType().add("id", DataTypes.LongType).add("vector", type);
    // Several partitions, so that the input is really spread.
    return SparkSession.active().createDataFrame(out, schema).repartition(3);
  }

  /** The job's rows equal the core's: same ids, same distances (padding dropped), bit for bit. */
  static void assertSame(KnnResult want, Dataset<Row> got, String what) {
    List<Row> rows = got.orderBy("id").collectAsList();
    assertEquals(want.rows(), rows.size(), what + ": rows");
    for (int i = 0; i < want.rows(); i++) {
      Row r = rows.get(i);
      assertEquals(i, r.getLong(0), what);
      List<Long> ids = r.getList(1);
      List<Float> dist = r.getList(2);
      int real = 0;
      while (real < want.k() && want.neighbor(i, real) >= 0) {
        real++;
      }
      assertEquals(real, ids.size(), what + ": row " + i + " length");
      for (int s = 0; s < real; s++) {
        assertEquals(want.neighbor(i, s), (long) ids.get(s), what + ": row " + i + " slot " + s);
        assertEquals(Float.floatToIntBits(want.distance(i, s)), Float.floatToIntBits(dist.get(s)),
            what + ": row " + i + " slot " + s + " distance");
      }
    }
    assertTrue(rows.size() > 0);
  }
}
