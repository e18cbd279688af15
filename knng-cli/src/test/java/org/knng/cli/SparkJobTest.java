package org.knng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How `knng spark` reads a local master's thread count (each task gets them all). */
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
}
