package org.knng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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

  @Test
  void localPathsAreThoseWithoutASchemeOrWithFile() {
    assertEquals(Path.of("out.parquet"), SparkCommand.localPath("out.parquet"));
    assertEquals(Path.of("/tmp/a b.parquet"), SparkCommand.localPath("/tmp/a b.parquet"));
    assertEquals(Path.of("/tmp/g.parquet"), SparkCommand.localPath("file:///tmp/g.parquet"));
    assertNull(SparkCommand.localPath("hdfs://namenode:8020/graphs/g.parquet"));
    assertNull(SparkCommand.localPath("s3a://bucket/g.parquet"));
  }
}
