package org.knng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * How `knng spark` reads a local master's thread count (each task gets them all), and which
 * outputs it can check before Spark starts (local ones).
 */
class SparkJobTest {

  @Test
  void localMastersGiveTheirThreadsOthersNone() {
    assertEquals(1, SparkJob.localThreads("local"));
    assertEquals(3, SparkJob.localThreads("local[3]"));
    assertEquals(2, SparkJob.localThreads("local[2,4]"));
    assertEquals(Runtime.getRuntime().availableProcessors(), SparkJob.localThreads("local[*]"));
    assertEquals(Runtime.getRuntime().availableProcessors(), SparkJob.localThreads("local[*,3]"));
    assertEquals(0, SparkJob.localThreads("local-cluster[2,1,1024]"));
    assertEquals(0, SparkJob.localThreads("spark://127.0.0.1:7077"));
    assertEquals(0, SparkJob.localThreads("yarn"));
    assertEquals(0, SparkJob.localThreads("local[x]"));
  }

  /**
   * A task's failed write (Spark's own error, as its Parquet writer throws it, around an Error as
   * Hadoop's FSError, around the disk's IOException) is read down to the IOException; other
   * failures are not write failures.
   */
  @Test
  void aFailedWriteIsReadDownToItsIoError() {
    java.io.IOException disk = new java.io.IOException("No space left on device");
    Throwable failed = org.apache.spark.sql.errors.QueryExecutionErrors.taskFailedWhileWritingRowsError(
        "file:/tmp/out/.g.parquet.tmp-1", new RuntimeException("Unable to close resource",
            new Error(disk))); // as Hadoop's FSError wraps it
    assertSame(disk, SparkJob.writeFailure(new IllegalStateException(failed)));
    assertNull(SparkJob.writeFailure(new IllegalStateException(new RuntimeException(disk))));
    assertNull(SparkJob.writeFailure(failed.getCause().getCause())); // no task write in the chain
  }

  /** A local Parquet output in a missing directory is refused before Spark starts, as build's. */
  @Test
  void aParquetOutputNeedsItsDirectory(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path in = java.nio.file.Files.writeString(dir.resolve("p.csv"), "0\n1\n3\n");
    Path out = dir.resolve("missing").resolve("g.parquet");
    CliRun r = CliRun.of("spark", "--input", in.toString(), "--k", "1", "--output", out.toString());
    assertEquals(2, r.exit(), r.err());
    assertEquals("error: --output " + out + ": output directory " + out.getParent() + " does not exist\n",
        r.err());
    assertFalse(java.nio.file.Files.exists(out.getParent()));
  }

  @Test
  void localPathsAreThoseWithoutASchemeOrWithFile() {
    assertEquals(Path.of("out.parquet"), SparkCommand.localPath("out.parquet"));
    assertEquals(Path.of("/tmp/a b.parquet"), SparkCommand.localPath("/tmp/a b.parquet"));
    assertEquals(Path.of("/tmp/g.parquet"), SparkCommand.localPath("file:///tmp/g.parquet"));
    assertNull(SparkCommand.localPath("hdfs://namenode:8020/graphs/g.parquet"));
    assertNull(SparkCommand.localPath("s3a://bucket/g.parquet"));
  }

  @Test
  void mastersAreTheFormsSparkParses() {
    for (String m : new String[] {"local", "local[2]", "local[*]", "local[2,4]", "local[*, 3]",
        "local-cluster[2,1,1024]", "spark://host:7077", "spark://a:7077,b:7077", "yarn", "k8s://https://k:443"}) {
      assertTrue(SparkJob.isMaster(m), m);
    }
    for (String m : new String[] {"bogus", "bogus://x", "local[", "local[-1]", "local[0]", "local[01]", "spark:/x", "",
        "Local", " local"}) {
      assertFalse(SparkJob.isMaster(m), m);
    }
  }
}
