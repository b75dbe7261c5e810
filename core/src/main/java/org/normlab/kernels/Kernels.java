package org.normlab.kernels;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Chooses the {@link KernelSupport} implementation once, on first use (Lucene's pattern).
 *
 * <p>The Vector API implementation is used when the {@code jdk.incubator.vector} module is in the
 * boot layer and the CPU has vectors of at least 128 bits. Setting the system property
 * {@code normlab.kernels=scalar} or the environment variable {@code NORMLAB_KERNELS=scalar}
 * forces the scalar implementation. When the module is missing, one warning names the fix
 * ({@code --add-modules jdk.incubator.vector}) and the scalar implementation runs.
 *
 * <p>No public class touches the Vector API in a static initializer: {@link VectorKernels} is
 * loaded reflectively, only after the module check.
 */
public final class Kernels {
  private static final Logger LOG = Logger.getLogger(Kernels.class.getName());

  private Kernels() {}

  private static final class Holder {
    static final KernelSupport CHOSEN = choose();
  }

  /** The implementation chosen at start-up. */
  public static KernelSupport get() {
    return Holder.CHOSEN;
  }

  /** The scalar reference implementation (for tests and benchmarks). */
  public static KernelSupport scalar() {
    return ScalarKernels.INSTANCE;
  }

  /** The Vector API implementation when the module is available (for tests and benchmarks). */
  public static Optional<KernelSupport> vector() {
    return Optional.ofNullable(VectorHolder.VECTOR);
  }

  private static final class VectorHolder {
    static final KernelSupport VECTOR = loadVector();
  }

  private static KernelSupport choose() {
    String forced = System.getProperty("normlab.kernels", System.getenv("NORMLAB_KERNELS"));
    if (forced != null && forced.toLowerCase(Locale.ROOT).equals("scalar")) {
      return ScalarKernels.INSTANCE;
    }
    KernelSupport vector = VectorHolder.VECTOR;
    if (vector == null) {
      LOG.warning("normlab: the Vector API module is not available; running scalar kernels."
          + " Add --add-modules jdk.incubator.vector to the java command line for SIMD kernels.");
      return ScalarKernels.INSTANCE;
    }
    return vector;
  }

  private static KernelSupport loadVector() {
    boolean present = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    if (!present) {
      return null;
    }
    try {
      var lookup = MethodHandles.lookup();
      Class<?> cls = lookup.findClass("org.normlab.kernels.VectorKernels");
      return (KernelSupport) lookup.findConstructor(cls, MethodType.methodType(void.class)).invoke();
    } catch (Throwable e) {
      LOG.warning("normlab: could not start the Vector API kernels (" + e + "); running scalar kernels.");
      return null;
    }
  }
}
