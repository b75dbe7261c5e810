package org.normlab.norm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.normlab.kernels.Parallel;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/** Forward and backward give the same bits with 1 and 2 threads (fixed chunking, fixed merge order). */
class BatchNormDeterminismTest {
  private final int threadsBefore = Parallel.threads();

  @AfterEach
  void restoreThreads() {
    Parallel.setThreads(threadsBefore);
  }

  private static float[][] run(Layout layout, int threads, boolean ghost) {
    Parallel.setThreads(threads);
    // 4*16*24*24 = 36864 floats: more than one channels-last chunk of BatchNormPasses.
    int[] dims = layout == Layout.NC ? new int[] {300, 130}
        : layout.isChannelsLast() ? new int[] {4, 24, 24, 16} : new int[] {4, 16, 24, 24};
    int c = dims[layout.channelAxis()];
    BatchNorm.Builder b = BatchNorm.builder(c).optFusedRelu(true);
    if (ghost) {
      b.optGhostBatchSize(2).optRenorm(1.5, 0.5);
    }
    BatchNorm bn = b.build();
    Tensor x = Tensor.randn(5, 3f, 2f, layout, dims);
    Tensor y = bn.forward(x);
    Tensor dx = bn.backward(Tensor.randn(6, layout, dims));
    return new float[][] {y.data(), dx.data(), bn.weightGrad().data(), bn.biasGrad().data(),
        bn.runningMean().data(), bn.runningVar().data()};
  }

  @ParameterizedTest
  @EnumSource(value = Layout.class, names = {"NC", "NCHW", "NHWC"})
  void oneAndTwoThreadsAgreeBitwise(Layout layout) {
    for (boolean ghost : new boolean[] {false, true}) {
      float[][] one = run(layout, 1, ghost);
      float[][] two = run(layout, 2, ghost);
      for (int i = 0; i < one.length; i++) {
        assertArrayEquals(one[i], two[i], layout + " ghost=" + ghost + " output " + i);
      }
    }
  }
}
