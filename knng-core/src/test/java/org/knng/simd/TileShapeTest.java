package org.knng.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.knng.testing.Kernels;

/**
 * The Vector API kernels run in the tile shape this JVM was started with: the build runs the
 * kernel and engine tests once with {@code -Dknng.simd.tile=6x4} and once with {@code 6x2}, and
 * this checks that each pass really used its shape (a pass that silently fell back to the other
 * would leave one shape untested).
 */
class TileShapeTest {
  @Test
  void kernelsUseTheShapeThisRunAskedFor() {
    VectorOps panama = Kernels.panama();
    int lanes = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
    String shape = System.getProperty(VectorOpsProvider.SHAPE_PROPERTY, "");
    int vectors = shape.isEmpty() ? (lanes >= 16 ? 4 : 2) : Integer.parseInt(shape.substring(2));
    assertEquals(vectors * lanes, panama.tileWidth(), panama.name());
    assertEquals("/6x" + vectors, panama.name().substring(panama.name().indexOf('/')));
  }
}
