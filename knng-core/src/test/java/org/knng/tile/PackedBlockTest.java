package org.knng.tile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.knng.simd.VectorOps;

/**
 * The packed layout against its definition: panel {@code p} of width W holds value {@code j} of
 * the block's vector {@code p*W + c} at {@code p*W*d + j*W + c}, times the row's scale, and zeros
 * past the block's last vector.
 */
class PackedBlockTest {
  private static final int D = 7;

  @Test
  void stripsAndPanelsFollowTheLayoutWithAndWithoutScale() {
    Random random = new Random(11);
    int n = 40;
    float[] data = new float[n * D];
    float[] scale = new float[n];
    for (int i = 0; i < data.length; i++) {
      data[i] = random.nextFloat() - 0.5f;
    }
    for (int i = 0; i < n; i++) {
      scale[i] = 0.5f + random.nextFloat();
    }
    int[] rows = {5, 17, 3, 39, 0, 22, 8, 8, 31, 12, 1, 30, 27, 14};
    int tall = VectorOps.TILE_ROWS;
    // Counts that leave full strips only, a partial last strip, and a 64-wide panel whose last
    // (only) panel holds exactly six vectors.
    for (int width : new int[] {tall, 64, 16}) {
      for (int count : new int[] {tall, 2 * tall, 2 * tall + 1, rows.length - 1}) {
        for (float[] s : new float[][] {null, scale}) {
          PackedBlock block = new PackedBlock(width, D, rows.length);
          block.pack(data, rows, 1, count, s);
          check(block, data, rows, 1, count, s, width);
          PackedBlock consecutive = new PackedBlock(width, D, rows.length);
          consecutive.pack(data, 3, count, s);
          check(consecutive, data, null, 3, count, s, width);
        }
      }
    }
  }

  private static void check(PackedBlock block, float[] data, int[] rows, int from, int count,
      float[] scale, int width) {
    int panels = (count + width - 1) / width;
    assertEquals(panels, block.panelCount());
    float[] packed = block.panels();
    for (int p = 0; p < panels; p++) {
      assertEquals(p * width * D, block.offset(p));
      for (int j = 0; j < D; j++) {
        for (int c = 0; c < width; c++) {
          int v = p * width + c;
          float expected = 0f;
          if (v < count) {
            int row = rows == null ? from + v : rows[from + v];
            expected = data[row * D + j] * (scale == null ? 1f : scale[row]);
          }
          assertEquals(expected, packed[block.offset(p) + j * width + c],
              "width " + width + ", count " + count + ", vector " + v + ", value " + j);
        }
      }
    }
  }
}
