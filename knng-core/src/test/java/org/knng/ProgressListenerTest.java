package org.knng;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.knng.engine.KnnOptions;
import org.knng.exact.BruteForceEngine;
import org.knng.kdtree.KdTreeEngine;
import org.knng.vectors.Vectors;

/** The engines' phase notes: one line per phase, with its seconds, and none without a listener. */
class ProgressListenerTest {

  @Test
  void aPhaseIsNotedWithItsSeconds() {
    List<String> notes = new ArrayList<>();
    long start = System.nanoTime() - 1_500_000_000L;
    ProgressListener.notes(notes::add).phase("exact engine", "join", start);
    double most = (System.nanoTime() - start) / 1e9; // however long this machine paused meanwhile
    assertEquals(1, notes.size());
    String note = notes.get(0);
    assertTrue(note.matches("exact engine: join \\d+\\.\\d\\d s"), note);
    double seconds = Double.parseDouble(note.substring("exact engine: join ".length(),
        note.length() - 2));
    assertTrue(seconds >= 1.5 && seconds <= most + 0.005, note + ", at most " + most);
  }

  @Test
  void bothEnginesNoteTheirPhases() {
    float[][] rows = new float[300][];
    java.util.Random random = new java.util.Random(3);
    for (int i = 0; i < rows.length; i++) {
      rows[i] = new float[] {random.nextFloat(), random.nextFloat(), random.nextFloat()};
    }
    List<String> exact = new ArrayList<>();
    BruteForceEngine.builder().k(5).progress(ProgressListener.notes(exact::add)).build()
        .graph(Vectors.of(rows));
    assertTrue(exact.stream().anyMatch(n -> n.matches("exact engine: re-scoring \\d+\\.\\d\\d s")),
        exact.toString());
    List<String> tree = new ArrayList<>();
    KdTreeEngine.builder().k(5).progress(ProgressListener.notes(tree::add)).build()
        .graph(Vectors.of(rows));
    assertTrue(tree.stream().anyMatch(n -> n.matches("kdtree engine: search \\d+\\.\\d\\d s")),
        tree.toString());
    // Without a listener the same calls run and note nothing (what is skipped is not observable).
    ProgressListener.NONE.phase("exact engine", "join", System.nanoTime());
    KdTreeEngine.create(KnnOptions.defaults().withK(5)).graph(Vectors.of(rows));
  }
}
