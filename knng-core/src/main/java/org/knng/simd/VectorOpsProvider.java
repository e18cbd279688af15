package org.knng.simd;

import java.util.Locale;

/**
 * Chooses the {@link VectorOps} implementation once per JVM.
 *
 * <p>The Vector API implementation is used when the module {@code jdk.incubator.vector} is in the
 * boot layer (the {@code ./knng} launcher, surefire and JMH pass {@code --add-modules
 * jdk.incubator.vector}); otherwise the scalar one is, silently. The system property {@value
 * #PROPERTY} overrides the choice: {@code scalar} forces the fallback, {@code panama} demands the
 * Vector API (and fails if it is absent), {@code auto} (the default) decides as above.
 */
public final class VectorOpsProvider {
  /** System property that forces an implementation: {@code auto}, {@code scalar} or {@code panama}. */
  public static final String PROPERTY = "knng.simd";

  /**
   * System property that forces the Vector API kernels' tile shape: {@code 6x4} (six rows by four
   * vectors) or {@code 6x2}. By default 512-bit vectors get 6x4 and narrower ones 6x2. It is read
   * once, when the kernels are first loaded (the shape is a constant of the compiled kernels), so it
   * must be given on the command line ({@code -Dknng.simd.tile=6x2}); the tests run a second pass
   * with it to cover the shape the machine would not pick.
   */
  public static final String SHAPE_PROPERTY = "knng.simd.tile";

  private static final String PANAMA_CLASS = "org.knng.simd.PanamaVectorOps";

  private VectorOpsProvider() {}

  /**
   * The implementation selected by {@value #PROPERTY} and the boot layer. Cheap to call: the
   * implementations are stateless, and the choice is re-evaluated each call so that tests can switch
   * the property.
   *
   * @return the implementation to use
   * @throws IllegalStateException if {@code panama} is demanded but the module is not present
   */
  public static VectorOps get() {
    String wanted = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
    switch (wanted) {
      case "scalar":
        return new ScalarVectorOps();
      case "panama":
        if (!vectorApiAvailable()) {
          throw new IllegalStateException(
              PROPERTY + "=panama but jdk.incubator.vector is not in the boot layer"
                  + " (run java with --add-modules jdk.incubator.vector)");
        }
        return panama();
      case "auto":
        return vectorApiAvailable() ? panama() : new ScalarVectorOps();
      default:
        throw new IllegalStateException(
            "unknown " + PROPERTY + "=" + wanted + " (expected auto, scalar or panama)");
    }
  }

  /** @return whether {@code jdk.incubator.vector} is in the boot layer of this JVM */
  public static boolean vectorApiAvailable() {
    return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
  }

  /**
   * Vectors per tile row for the Vector API kernels: {@value #SHAPE_PROPERTY} if set, else 4 for
   * 512-bit vectors and 2 for narrower ones.
   *
   * @param vectorBits the width of the preferred float vector
   * @return 2 or 4
   * @throws IllegalStateException if the property names another shape
   */
  static int tileVectors(int vectorBits) {
    String shape = System.getProperty(SHAPE_PROPERTY, "").trim();
    switch (shape) {
      case "":
        return vectorBits >= 512 ? 4 : 2;
      case "6x4":
        return 4;
      case "6x2":
        return 2;
      default:
        throw new IllegalStateException(
            "unknown " + SHAPE_PROPERTY + "=" + shape + " (expected 6x4 or 6x2)");
    }
  }

  private static VectorOps panama() {
    try {
      return (VectorOps) Class.forName(PANAMA_CLASS).getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new IllegalStateException("cannot load the Vector API implementation", e);
    }
  }
}
