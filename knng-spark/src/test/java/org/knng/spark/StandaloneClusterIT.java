package org.knng.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.knng.Algorithm;
import org.knng.engine.KnnOptions;
import org.knng.exact.BruteForceEngine;
import org.knng.graph.KnnResult;
import org.knng.graph.RecallEstimate;
import org.knng.metric.Metric;
import org.knng.testing.TestData;
import org.knng.vectors.Vectors;

/**
 * The job on a real standalone cluster: a master and two one-core workers, each in its own JVM,
 * started here from the Spark jars; executors are separate processes the workers launch, so
 * blocks and candidate lists really cross process boundaries (serialization, shuffle files, task
 * retries). The graph equals the core's, also when every join task fails once and when an
 * executor is killed in the middle of the job; the approximate job runs there too.
 */
class StandaloneClusterIT {
  private static final List<Process> daemons = new ArrayList<>();
  private static SparkSession spark;

  @BeforeAll
  static void startCluster() throws Exception {
    Path target = Path.of("target").toAbsolutePath();
    Path home = target.resolve("spark-home");
    Path jars = home.resolve("jars");
    // Executors are started from SPARK_HOME/jars: a Spark home made of links to the jars of this
    // test's own class path (Spark and its dependencies, from the Maven repository).
    Files.createDirectories(jars);
    List<String> classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(p -> p.endsWith(".jar")).collect(Collectors.toList());
    for (String jar : classpath) {
      Path link = jars.resolve(Path.of(jar).getFileName());
      if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        Files.createSymbolicLink(link, Path.of(jar));
      }
    }
    int port = freePort();
    String master = "spark://127.0.0.1:" + port;
    daemons.add(start(home, target.resolve("master.log"), "org.apache.spark.deploy.master.Master",
        "--host", "127.0.0.1", "--port", String.valueOf(port), "--webui-port", "0"));
    waitForPort(port);
    for (int w = 1; w <= 2; w++) {
      Path work = Files.createDirectories(target.resolve("spark-work-" + w));
      daemons.add(start(home, target.resolve("worker-" + w + ".log"), "org.apache.spark.deploy.worker.Worker",
          "--host", "127.0.0.1", "--cores", "1", "--memory", "1g", "--webui-port", "0",
          "--work-dir", work.toString(), master));
    }
    spark = SparkSession.builder().master(master).appName("knng-cluster-test")
        .config("spark.jars", System.getProperty("knng.jars"))
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.executor.memory", "600m")
        .config("spark.executor.extraJavaOptions", "--add-modules=jdk.incubator.vector")
        .config("spark.task.maxFailures", "4")
        .config("spark.ui.enabled", "false")
        .getOrCreate();
    // Both executors registered before any job, so that the work is really spread.
    long deadline = System.currentTimeMillis() + 120_000;
    while (spark.sparkContext().getExecutorMemoryStatus().size() < 3) { // the driver counts as one
      assertTrue(System.currentTimeMillis() < deadline, "the two executors did not register; see target/*.log");
      Thread.sleep(200);
    }
  }

  @AfterAll
  static void stopCluster() {
    if (spark != null) {
      spark.stop();
    }
    for (Process p : daemons) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  @Test
  void theClustersGraphIsTheCoresAndSurvivesFailedTasksAndALostExecutor() throws Exception {
    float[][] rows = TestData.plantDuplicates(TestData.gaussian(21, 12000, 24, 0.5f), 2, 100, 3);
    KnnResult want = BruteForceEngine.create(KnnOptions.defaults().withK(10).withMetric(Metric.COSINE))
        .graph(Vectors.of(rows));
    SparkKnn job = SparkKnn.builder().k(10).metric(Metric.COSINE).blocks(5).build();
    SparkKnnTest.assertSame(want, job.neighbors(SparkKnnTest.table(rows, DataTypes.FloatType, null)),
        "standalone cluster");
    // Vectors held on the driver (a file read by the command line) go to a cluster in slices.
    KnnResult fromDriver = job.collect(job.graph(
        org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext()), Vectors.of(rows)));
    assertArrayEquals(want.ids(), fromDriver.ids());
    assertArrayEquals(want.distances(), fromDriver.distances());

    SparkKnn failing = SparkKnn.builder().k(10).metric(Metric.COSINE).blocks(5).failFirstAttempts(true).build();
    SparkKnnTest.assertSame(want, failing.neighbors(SparkKnnTest.table(rows, DataTypes.FloatType, null)),
        "every join task failing once");

    // An executor killed once a few join tasks have written their output: its shuffle files are
    // lost, the stages that need them run again on a new executor, the graph is the same.
    AtomicInteger ended = new AtomicInteger();
    AtomicBoolean killed = new AtomicBoolean();
    spark.sparkContext().addSparkListener(new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd end) {
        if (ended.incrementAndGet() == 12 && killed.compareAndSet(false, true)) {
          executorProcess().ifPresent(ProcessHandle::destroyForcibly);
        }
      }
    });
    SparkKnnTest.assertSame(want, job.neighbors(SparkKnnTest.table(rows, DataTypes.FloatType, null)),
        "an executor killed mid-job");
    assertTrue(killed.get(), "no executor was killed");
  }

  /**
   * The approximate job on the cluster: cells dealt by a shuffle across processes, the core's
   * engine in each, lists merged by id; the same rows when every local-graph task fails once, and
   * a recall against the exact graph above a floor and within the job's own estimate.
   */
  @Test
  void theApproximateJobRunsOnTheClusterAndRetriesChangeNothing() {
    float[][] rows = TestData.clusters(23, 12000, 24, 10, 6);
    KnnResult exact = BruteForceEngine.create(KnnOptions.defaults().withK(10)).graph(Vectors.of(rows));
    SparkKnn job = SparkKnn.builder().k(10).algorithm(Algorithm.NNDESCENT).build();
    SparkGraph graph = job.graph(SparkKnnTest.table(rows, DataTypes.FloatType, null));
    KnnResult once = job.collect(graph);
    SparkKnn failing = SparkKnn.builder().k(10).algorithm(Algorithm.NNDESCENT)
        .failFirstAttempts(true).build();
    KnnResult again = failing.collect(failing.graph(SparkKnnTest.table(rows, DataTypes.FloatType, null)));
    assertArrayEquals(once.ids(), again.ids());
    assertArrayEquals(once.distances(), again.distances());
    long hits = 0;
    for (int i = 0; i < rows.length; i++) {
      float kth = exact.distance(i, 9);
      for (int s = 0; s < 10; s++) {
        hits += once.neighbor(i, s) >= 0 && once.distance(i, s) <= kth ? 1 : 0;
      }
    }
    double recall = hits / (rows.length * 10.0);
    RecallEstimate e = graph.recall().orElseThrow();
    assertTrue(recall >= 0.9, "recall " + recall);
    assertTrue(e.low() - 0.01 <= recall && recall <= e.high() + 0.01, e + " vs " + recall);
  }

  /** One executor process of the cluster (a child of a worker JVM). */
  private static Optional<ProcessHandle> executorProcess() {
    return daemons.stream().flatMap(Process::descendants)
        .filter(p -> p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
        .findFirst();
  }

  private static Process start(Path home, Path log, String mainClass, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(Arrays.asList(System.getProperty("knng.spark.jvm.args").trim().split("\\s+")));
    command.add("-Xmx512m");
    command.add("-cp");
    command.add(home.resolve("jars") + File.separator + "*");
    command.add(mainClass);
    command.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().put("SPARK_HOME", home.toString());
    pb.environment().put("SPARK_SCALA_VERSION", "2.13");
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return pb.start();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void waitForPort(int port) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException e) {
        Thread.sleep(200);
      }
    }
    throw new AssertionError("the Spark master did not start; see target/master.log");
  }
}
