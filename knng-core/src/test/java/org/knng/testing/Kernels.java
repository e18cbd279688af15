package org.knng.testing;

import java.util.List;
import org.knng.simd.ScalarVectorOps;
import org.knng.simd.VectorOps;
import org.knng.simd.VectorOpsProvider;

/**
 * The two {@link VectorOps} implementations, for tests parameterized over both. The Vector API one
 * is package-private, so it is obtained the public way: {@link VectorOpsProvider#get()} with
 * {@code knng.simd=panama}, the property being restored afterwards.
 */
public final class Kernels {
  private Kernels() {}

  /** A kernel implementation with a readable name for parameterized test display names. */
  public static final class Kernel {
    private final String name;
    private final VectorOps ops;

    Kernel(String name, VectorOps ops) {
      this.name = name;
      this.ops = ops;
    }

    /** @return the implementation */
    public VectorOps ops() {
      return ops;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** @return the plain Java implementation */
  public static VectorOps scalar() {
    return new ScalarVectorOps();
  }

  /**
   * The Vector API implementation. Surefire runs with {@code --add-modules jdk.incubator.vector},
   * so its absence is a configuration error and fails loudly (it must not be skipped silently).
   *
   * @return the Panama implementation
   */
  public static VectorOps panama() {
    return withProperty("panama");
  }

  /**
   * Calls {@link VectorOpsProvider#get()} with {@code knng.simd} set to {@code value}, restoring
   * the previous value (or absence) afterwards.
   *
   * @param value the property value
   * @return what the provider chose
   */
  public static VectorOps withProperty(String value) {
    String old = System.getProperty(VectorOpsProvider.PROPERTY);
    System.setProperty(VectorOpsProvider.PROPERTY, value);
    try {
      return VectorOpsProvider.get();
    } finally {
      if (old == null) {
        System.clearProperty(VectorOpsProvider.PROPERTY);
      } else {
        System.setProperty(VectorOpsProvider.PROPERTY, old);
      }
    }
  }

  /** @return both implementations, scalar first */
  public static List<Kernel> both() {
    return List.of(new Kernel("scalar", scalar()), new Kernel(panama().name(), panama()));
  }
}
