package org.knng.cli;

import java.io.IOException;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkThrowable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.SparkSession;
import org.knng.InvalidInputException;
import org.knng.graph.KnnResult;
import org.knng.spark.SparkGraph;
import org.knng.spark.SparkKnn;

/**
 * The Spark side of {@code knng spark}, kept apart so that the other commands never load a Spark
 * class: starts the session, reads the input, runs {@link SparkKnn}, and writes Parquet output
 * into a temporary directory that is renamed into place only when complete.
 */
final class SparkJob implements AutoCloseable {
  private final JavaSparkContext context;
  private SparkSession session; // only for Parquet: the SQL side costs seconds to start

  /** What a run produced. */
  static final class Built {
    final KnnResult result;
    final long points;
    final int blocks;
    final String master;
    final String algorithm;
    final org.knng.graph.RecallEstimate recall;

    Built(KnnResult result, SparkGraph graph, String master) {
      this.result = result;
      this.points = graph.points();
      this.blocks = graph.blocks();
      this.master = master;
      this.algorithm = graph.algorithm();
      this.recall = graph.recall().orElse(null);
    }
  }

  private static final java.util.regex.Pattern MASTER = java.util.regex.Pattern.compile(
      "local(\\[([1-9]\\d*|\\*)(\\s*,\\s*\\d+)?\\])?|local-cluster\\[\\s*\\d+\\s*,\\s*\\d+\\s*,\\s*\\d+\\s*]"
          + "|spark://.+|yarn|k8s://.+");

  /** Whether Spark can parse this master URL (its own forms, and the cluster managers it may load). */
  static boolean isMaster(String master) {
    return MASTER.matcher(master).matches();
  }

  SparkJob(String master, java.util.Map<String, String> conf, boolean quiet) {
    String given = (master != null ? master : System.getProperty("spark.master", "local[*]")).trim();
    // Refused here, before Spark logs its own stack trace for a master it cannot parse.
    if (!isMaster(given)) {
      throw new InvalidInputException("--master " + given + ": not a Spark master URL (expected local,"
          + " local[N], local[*], local-cluster[N,C,M], spark://HOST:PORT, yarn or k8s://URL)");
    }
    SparkConf config = new SparkConf().setAppName("knng").setMaster(given)
        .set("spark.ui.showConsoleProgress", String.valueOf(!quiet))
        // Candidate lists and blocks cross the shuffle: Kryo moves them faster than Java's
        // serialization (measured on Fashion-MNIST's merge).
        .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
    if (given.startsWith("local")) {
      config.set("spark.ui.enabled", "false");
    } else if (System.getProperty("spark.jars") == null) {
      // Executors on other JVMs load knng from this jar (spark-submit ships it itself).
      config.set("spark.jars", ownJar());
    }
    conf.forEach(config::set);
    // In local mode a task gets every local thread (unless --conf says otherwise): tasks then run
    // one at a time, each with the core's threads, as `knng build` runs, instead of one thread
    // each side by side, where the largest block or cell ends the stage alone on one core
    // (mixture 200k, approximate: 35.8 / 43.6 s -> 27.2 / 28.7 s; Fashion-MNIST, exact: 18.2 s ->
    // 17.2 s, means of four).
    int threads = localThreads(given);
    if (threads > 1 && !config.contains("spark.task.cpus")) {
      config.set("spark.task.cpus", String.valueOf(threads));
    }
    try {
      context = new JavaSparkContext(config);
    } catch (Exception e) {
      // Scala throws SparkException (checked in Java) undeclared, e.g. for a master URL it cannot
      // parse: bad input too, not a bug.
      throw new InvalidInputException("could not start Spark with master " + given + ": "
          + Main.oneLine(String.valueOf(e.getMessage())));
    }
  }

  /**
   * The threads of a local master ({@code local}, {@code local[N]}, {@code local[*]}, with or
   * without a retry count), or 0 for any other master.
   */
  static int localThreads(String master) {
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("local(?:\\[(\\*|\\d+)(?:,\\d+)?\\])?").matcher(master.trim());
    if (!m.matches()) {
      return 0;
    }
    String n = m.group(1);
    return n == null ? 1 : n.equals("*") ? Runtime.getRuntime().availableProcessors()
        : Integer.parseInt(n);
  }

  private SparkSession session() {
    if (session == null) {
      session = SparkSession.builder().sparkContext(context.sc()).getOrCreate();
    }
    return session;
  }

  private static String ownJar() {
    try {
      return java.nio.file.Path.of(SparkJob.class.getProtectionDomain().getCodeSource().getLocation()
          .toURI()).toString();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Runs {@code job} on the Parquet table {@code input}, or on {@code points} read from a file
   * (already checked with {@link SparkKnn#check}); writes Parquet output when {@code parquetOut},
   * else collects the graph for the caller to write.
   */
  Built run(java.util.function.Consumer<String> note, SparkKnn job, String input,
      org.knng.vectors.Vectors points, String output, boolean parquetOut) throws IOException {
    org.apache.hadoop.fs.Path out = parquetOut ? new org.apache.hadoop.fs.Path(output) : null;
    FileSystem fs = out == null ? null : out.getFileSystem(context.hadoopConfiguration());
    if (fs != null && fs.exists(out)) {
      // A local output was refused before the context started; hdfs:// or s3a:// only the context
      // reaches.
      throw outputExists(output);
    }
    SparkGraph graph;
    if (points == null) {
      org.apache.hadoop.fs.Path in = new org.apache.hadoop.fs.Path(input);
      if (!in.getFileSystem(context.hadoopConfiguration()).exists(in)) {
        throw new InvalidInputException(input + ": no such file or directory");
      }
      try {
        graph = job.graph(session().read().parquet(input));
      } catch (Exception e) {
        throw unreadable(input, e);
      }
    } else {
      long t0 = System.nanoTime();
      graph = job.graph(context, points);
      note.accept(String.format(java.util.Locale.ROOT, "spark: checked and dealt into %d block%s"
          + " %.2f s (the approximate job's local graphs and checks included)", graph.blocks(),
          graph.blocks() == 1 ? "" : "s", (System.nanoTime() - t0) / 1e9));
    }
    String used = context.master();
    if (!parquetOut) {
      long t0 = System.nanoTime();
      KnnResult result = job.collect(graph);
      note.accept(String.format(java.util.Locale.ROOT, "spark: joins and merge %.2f s",
          (System.nanoTime() - t0) / 1e9));
      return new Built(result, graph, used);
    }
    org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(out.getParent(),
        "." + out.getName() + ".tmp-" + UUID.randomUUID());
    // Ctrl-C or a kill while the tasks write: the JVM stops before the catch below runs, so a
    // local temporary directory is removed by a hook of its own.
    java.nio.file.Path localTmp = SparkCommand.localPath(tmp.toString());
    Thread cleanup = new Thread(() -> removeTree(localTmp), "knng-parquet-cleanup");
    if (localTmp != null) {
      Runtime.getRuntime().addShutdownHook(cleanup);
    }
    try {
      session();
      job.edges(graph).write().parquet(tmp.toString());
      if (!fs.rename(tmp, out)) {
        throw new IOException("could not rename " + tmp + " to " + out);
      }
    } catch (Exception e) {
      fs.delete(tmp, true);
      if (e instanceof IOException) {
        throw (IOException) e;
      }
      IOException io = writeFailure(e);
      if (io != null) {
        throw new IOException(output + ": cannot write (" + Main.oneLine(io.getMessage()) + ")", e);
      }
      throw SparkKnn.unwrap(e);
    } finally {
      if (localTmp != null) {
        try {
          Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException stopping) {
          // the hook runs (or has run)
        }
      }
    }
    return new Built(null, graph, used);
  }

  /**
   * Deletes a directory tree that tasks may still be writing into as the JVM stops: again until
   * it stays gone, for at most about a second.
   */
  private static void removeTree(java.nio.file.Path dir) {
    for (int attempt = 0; attempt < 20 && java.nio.file.Files.exists(dir); attempt++) {
      try (java.util.stream.Stream<java.nio.file.Path> walk = java.nio.file.Files.walk(dir)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException | java.io.UncheckedIOException e) {
        // a file the tasks removed or added meanwhile: walk again
      }
      if (java.nio.file.Files.exists(dir)) {
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /**
   * The I/O error under a failed write of the Parquet output (a full disk, a permission), as the
   * tasks that wrote it met it: the innermost {@link IOException} of a TASK_WRITE_FAILED, or null
   * if the write failed for another reason.
   */
  static IOException writeFailure(Throwable e) {
    boolean writing = false;
    IOException innermost = null;
    for (Throwable c = e; c != null && c.getCause() != c; c = c.getCause()) {
      writing |= c instanceof SparkThrowable
          && String.valueOf(((SparkThrowable) c).getCondition()).startsWith("TASK_WRITE_FAILED");
      if (c instanceof IOException) {
        innermost = (IOException) c;
      }
    }
    return writing ? innermost : null;
  }

  /**
   * What reading the input table threw, as the one-line error it is where the input is at fault:
   * Spark's (checked, undeclared) AnalysisException for a path that is not a table, a file whose
   * footer or data cannot be read (not Parquet, or corrupt), or an input error of a row; else the
   * exception itself (a bug or a cluster failure).
   */
  static RuntimeException unreadable(String input, Exception e) {
    if (e instanceof AnalysisException) {
      return new InvalidInputException("--input " + input + ": " + Main.oneLine(e.getMessage()));
    }
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof SparkThrowable && String.valueOf(((SparkThrowable) c).getCondition())
          .startsWith("FAILED_READ_FILE")) {
        return new InvalidInputException("--input " + input + ": not a readable Parquet table ("
            + Main.oneLine(c.getMessage()) + ")");
      }
    }
    return SparkKnn.unwrap(e);
  }

  /** The error for a Parquet output that exists already. */
  static InvalidInputException outputExists(String output) {
    return new InvalidInputException("--output " + output + " exists: remove it first (a Parquet"
        + " output is a directory, never overwritten)");
  }

  @Override
  public void close() {
    context.stop();
  }
}
