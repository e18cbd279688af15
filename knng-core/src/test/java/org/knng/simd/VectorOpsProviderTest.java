package org.knng.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How {@link VectorOpsProvider} chooses an implementation from the {@code knng.simd} property and
 * the boot layer. The property is restored after each test.
 */
class VectorOpsProviderTest {
  private String saved;

  @BeforeEach
  void save() {
    saved = System.getProperty(VectorOpsProvider.PROPERTY);
  }

  @AfterEach
  void restore() {
    if (saved == null) {
      System.clearProperty(VectorOpsProvider.PROPERTY);
    } else {
      System.setProperty(VectorOpsProvider.PROPERTY, saved);
    }
  }

  /**
   * Surefire passes {@code --add-modules jdk.incubator.vector}: if that ever stops, the Panama
   * kernels would silently go untested, so this fails instead.
   */
  @Test
  void vectorApiIsInTheBootLayerUnderSurefire() {
    assertTrue(VectorOpsProvider.vectorApiAvailable(),
        "jdk.incubator.vector missing: check surefire's argLine");
  }

  @ParameterizedTest
  @ValueSource(strings = {"scalar", "SCALAR", " Scalar "})
  void scalarPropertyGivesTheScalarImplementation(String value) {
    System.setProperty(VectorOpsProvider.PROPERTY, value);
    VectorOps ops = VectorOpsProvider.get();
    assertInstanceOf(ScalarVectorOps.class, ops);
    assertEquals("scalar", ops.name());
  }

  @Test
  void panamaPropertyGivesTheVectorApiImplementation() {
    System.setProperty(VectorOpsProvider.PROPERTY, "panama");
    VectorOps ops = VectorOpsProvider.get();
    assertInstanceOf(PanamaVectorOps.class, ops);
    assertTrue(ops.name().startsWith("panama-"), ops.name());
  }

  /** Auto (explicit or by default) picks the Vector API when it is present. */
  @Test
  void autoPrefersTheVectorApiWhenPresent() {
    System.clearProperty(VectorOpsProvider.PROPERTY);
    assertInstanceOf(PanamaVectorOps.class, VectorOpsProvider.get());
    System.setProperty(VectorOpsProvider.PROPERTY, "auto");
    assertInstanceOf(PanamaVectorOps.class, VectorOpsProvider.get());
  }

  /** The choice is re-evaluated on each call, so switching the property switches the result. */
  @Test
  void choiceFollowsThePropertyEachCall() {
    System.setProperty(VectorOpsProvider.PROPERTY, "scalar");
    assertInstanceOf(ScalarVectorOps.class, VectorOpsProvider.get());
    System.setProperty(VectorOpsProvider.PROPERTY, "panama");
    assertFalse(VectorOpsProvider.get() instanceof ScalarVectorOps);
  }

  @ParameterizedTest
  @ValueSource(strings = {"avx512", "", "scalarx"})
  void unknownValueIsRejectedWithTheChoices(String value) {
    System.setProperty(VectorOpsProvider.PROPERTY, value);
    IllegalStateException e = assertThrows(IllegalStateException.class, VectorOpsProvider::get);
    assertTrue(e.getMessage().contains(VectorOpsProvider.PROPERTY), e.getMessage());
    assertTrue(e.getMessage().contains("scalar") && e.getMessage().contains("panama"), e.getMessage());
  }

  @Test
  void tileShapeFollowsTheVectorWidthUnlessForced() {
    String shape = System.getProperty(VectorOpsProvider.SHAPE_PROPERTY);
    try {
      System.clearProperty(VectorOpsProvider.SHAPE_PROPERTY);
      assertEquals(4, VectorOpsProvider.tileVectors(512));
      assertEquals(2, VectorOpsProvider.tileVectors(256));
      System.setProperty(VectorOpsProvider.SHAPE_PROPERTY, "6x2");
      assertEquals(2, VectorOpsProvider.tileVectors(512));
      System.setProperty(VectorOpsProvider.SHAPE_PROPERTY, "6x4");
      assertEquals(4, VectorOpsProvider.tileVectors(256));
      System.setProperty(VectorOpsProvider.SHAPE_PROPERTY, "8x8");
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> VectorOpsProvider.tileVectors(512));
      assertEquals("unknown knng.simd.tile=8x8 (expected 6x4 or 6x2)", e.getMessage());
    } finally {
      if (shape == null) {
        System.clearProperty(VectorOpsProvider.SHAPE_PROPERTY);
      } else {
        System.setProperty(VectorOpsProvider.SHAPE_PROPERTY, shape);
      }
    }
  }
}
