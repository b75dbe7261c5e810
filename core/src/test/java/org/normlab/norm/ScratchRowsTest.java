package org.normlab.norm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.normlab.kernels.Parallel;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * Reused scratch rows are zeroed before use: a pass on a thread whose rows still hold another
 * call's sums gives the bits of the same pass on a fresh thread (fresh rows).
 */
class ScratchRowsTest {
  private final int threadsBefore = Parallel.threads();

  @AfterEach
  void restoreThreads() {
    Parallel.setThreads(threadsBefore);
  }

  /** BatchNorm training forward and backward; returns y, dx, dgamma, dbeta. */
  private static float[][] batchNorm(Layout layout, int[] dims, long seed) {
    int c = dims[layout.channelAxis()];
    BatchNorm bn = BatchNorm.builder(c).build();
    Tensor y = bn.forward(Tensor.randn(seed, 3f, 2f, layout, dims));
    Tensor dx = bn.backward(Tensor.randn(seed + 1, layout, dims));
    return new float[][] {y.data(), dx.data(), bn.weightGrad().data(), bn.biasGrad().data()};
  }

  /** LayerNorm forward and backward over the last dim; returns dx, dgamma, dbeta. */
  private static float[][] layerNorm(long seed) {
    LayerNorm ln = LayerNorm.builder(96).build();
    ln.forward(Tensor.randn(seed, Layout.NC, 700, 96));
    Tensor dx = ln.backward(Tensor.randn(seed + 1, Layout.NC, 700, 96));
    return new float[][] {dx.data(), ln.weightGrad().data(), ln.biasGrad().data()};
  }

  private static float[][] onFreshThread(Supplier<float[][]> pass) throws InterruptedException {
    AtomicReference<float[][]> out = new AtomicReference<>();
    Thread t = new Thread(() -> out.set(pass.get()));
    t.start();
    t.join();
    return out.get();
  }

  private static void assertSameBitsAfterOtherCall(Supplier<float[][]> other,
      Supplier<float[][]> pass) throws InterruptedException {
    Parallel.setThreads(1);
    float[][] fresh = onFreshThread(pass);
    other.get(); // leaves this thread's rows holding other sums of the same width
    float[][] reused = pass.get();
    for (int i = 0; i < fresh.length; i++) {
      assertArrayEquals(fresh[i], reused[i], "output " + i);
    }
  }

  @Test
  void channelsLastBatchNormSumsStartFromZero() throws InterruptedException {
    int[] dims = {300, 130}; // NC: several chunks of 130 channels
    assertSameBitsAfterOtherCall(() -> batchNorm(Layout.NC, dims, 7),
        () -> batchNorm(Layout.NC, dims, 3));
  }

  @Test
  void channelGroupsOfALargeBatchNormStartFromZero() throws InterruptedException {
    // 4.7M floats: larger than BatchNormPasses.CACHED_FLOATS, so it runs in channel groups and
    // each group's pieces use only the rows' entries [c0, c1)
    int[] dims = {8, 64, 96, 96};
    assertSameBitsAfterOtherCall(() -> batchNorm(Layout.NCHW, dims, 7),
        () -> batchNorm(Layout.NCHW, dims, 3));
  }

  @Test
  void gradientChunksStartFromZero() throws InterruptedException {
    assertSameBitsAfterOtherCall(() -> layerNorm(7), () -> layerNorm(3));
  }

  @Test
  void aSecondLeaseOfTheSameKindOnOneThreadIsRefused() {
    ScratchRows scratch = ScratchRows.local();
    double[][] rows = scratch.doubles(3, 5);
    try {
      assertThrows(IllegalStateException.class, () -> scratch.doubles(1, 5));
      scratch.floats(2, 5); // the other kind is free
      scratch.releaseFloats();
    } finally {
      scratch.releaseDoubles();
    }
    double[][] again = scratch.doubles(2, 5);
    scratch.releaseDoubles();
    assertSame(rows, again, "rows of one width are reused");
  }
}
