package org.knng.cli;

import org.knng.graph.RecallEstimate;

/** {@code build --report}: the settings, the timings and the recall estimate of one build, as JSON. */
final class BuildReport {
  private BuildReport() {}

  /**
   * @param seconds read, search, write and total seconds
   */
  static Json json(BuildCommand build, String engine, int points, int dimension, long edges,
      RecallEstimate r, double[] seconds) {
    Json settings = new Json()
        .put("input", build.input.toString())
        .put("output", build.output.toString())
        .put("queries", build.queries == null ? null : build.queries.toString())
        .put("groups", build.groups == null ? null : build.groups.toString())
        .put("algorithm", build.algorithm.id())
        .put("metric", build.metric.id())
        .put("k", build.k == null ? 0 : build.k)
        .put("radius", build.radius == null ? Double.NaN : build.radius)
        .put("include_self", build.includeSelf)
        .put("seed", build.seed)
        .put("target_recall", build.targetRecall == null ? Double.NaN : build.targetRecall)
        .put("threads", build.threadsUsed);
    Json timings = new Json()
        .put("read", seconds[0])
        .put("search", seconds[1])
        .put("write", seconds[2])
        .put("total", seconds[3]);
    Json recall = r == null ? null : new Json()
        .put("recall", r.recall())
        .put("low", r.low())
        .put("high", r.high())
        .put("rows", r.rows())
        .put("k", r.k());
    return new Json()
        .put("command", "build")
        .put("engine", engine)
        .put("points", points)
        .put("dimension", dimension)
        .put("edges", edges)
        .put("settings", settings)
        .put("seconds", timings)
        .put("recall", recall);
  }
}
