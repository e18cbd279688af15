package org.knng.cli;

import java.io.IOException;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.knng.InvalidInputException;
import org.knng.graph.GraphMode;
import org.knng.graph.KnnResult;
import org.knng.metric.Metric;
import org.knng.spark.SparkGraph;
import org.knng.spark.SparkKnn;

/**
 * The Spark side of {@code knng spark}, kept apart so that the other commands never load a Spark
 * class: starts the session, reads the input, runs {@link SparkKnn}, and writes Parquet output
 * into a temporary directory that is renamed into place only when complete.
 */
final class SparkJob implements AutoCloseable {
  private final SparkSession spark;

  /** What a run produced. */
  static final class Built {
    final KnnResult result;
    final long points;
    final int blocks;
    final String master;

    Built(KnnResult result, long points, int blocks, String master) {
      this.result = result;
      this.points = points;
      this.blocks = blocks;
      this.master = master;
    }
  }

  SparkJob(String master, java.util.Map<String, String> conf, boolean quiet) {
    SparkSession.Builder builder = SparkSession.builder().appName("knng");
    String given = master != null ? master : System.getProperty("spark.master", "local[*]");
    builder.master(given);
    if (given.startsWith("local")) {
      builder.config("spark.ui.enabled", "false");
    }
    builder.config("spark.ui.showConsoleProgress", String.valueOf(!quiet));
    conf.forEach(builder::config);
    try {
      spark = builder.getOrCreate();
    } catch (RuntimeException e) {
      throw new InvalidInputException("could not start Spark with master " + given + ": "
          + Main.oneLine(String.valueOf(e.getMessage())));
    }
  }

  Built run(String input, String idColumn, String vectorColumn, String output, boolean parquetOut,
      int k, Metric metric, boolean includeSelf, GraphMode mode, Double sigma, int blocks)
      throws IOException {
    SparkKnn.Builder b = SparkKnn.builder().k(k).metric(metric).includeSelf(includeSelf)
        .idColumn(idColumn).vectorColumn(vectorColumn).blocks(blocks)
        .mode(parquetOut ? mode : GraphMode.DISTANCE);
    if (sigma != null) {
      b.sigma(sigma);
    }
    SparkKnn job = b.build();
    org.apache.hadoop.fs.Path out = parquetOut ? new org.apache.hadoop.fs.Path(output) : null;
    FileSystem fs = out == null ? null : out.getFileSystem(spark.sparkContext().hadoopConfiguration());
    if (fs != null && fs.exists(out)) {
      throw new InvalidInputException("--output " + output + " exists: remove it first (a Parquet"
          + " output is a directory, never overwritten)");
    }
    SparkGraph graph;
    if (SparkCommand.parquetInput(input)) {
      org.apache.hadoop.fs.Path in = new org.apache.hadoop.fs.Path(input);
      if (!in.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(in)) {
        throw new InvalidInputException(input + ": no such file or directory");
      }
      Dataset<Row> table;
      try {
        table = spark.read().parquet(input);
      } catch (Exception e) {
        // Spark throws its (checked) AnalysisException undeclared: a path that is not a table.
        if (e instanceof AnalysisException) {
          throw new InvalidInputException("--input " + input + ": " + Main.oneLine(e.getMessage()));
        }
        throw e;
      }
      graph = job.graph(table);
    } else {
      graph = job.graph(spark, SparkCommand.readFile(input));
    }
    String used = spark.sparkContext().master();
    if (!parquetOut) {
      return new Built(job.collect(graph), graph.points(), graph.blocks(), used);
    }
    org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(out.getParent(),
        "." + out.getName() + ".tmp-" + UUID.randomUUID());
    try {
      job.edges(graph).write().parquet(tmp.toString());
      if (!fs.rename(tmp, out)) {
        throw new IOException("could not rename " + tmp + " to " + out);
      }
    } catch (Exception e) {
      fs.delete(tmp, true);
      if (e instanceof IOException) {
        throw (IOException) e;
      }
      throw SparkKnn.unwrap(e);
    }
    return new Built(null, graph.points(), graph.blocks(), used);
  }

  @Override
  public void close() {
    spark.stop();
  }
}
