package org.normlab.norm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.normlab.kernels.Parallel;
import org.normlab.norm.BatchNormPasses.Block;
import org.normlab.tensor.AllClose;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * Channels-first inputs larger than {@link BatchNormPasses#CACHED_FLOATS} run channel group by
 * channel group; channels-last ones always as one group. The same values in NCHW (grouped) and
 * NHWC (one group) give the same outputs and gradients, and the grouped passes give the same bits
 * with 1 and 2 threads.
 */
class BatchNormGroupsTest {
  private final int threadsBefore = Parallel.threads();

  @AfterEach
  void restoreThreads() {
    Parallel.setThreads(threadsBefore);
  }

  /** Forward output, dx, dgamma, dbeta, running mean and variance. */
  private static float[][] run(Tensor x, Tensor dy, boolean relu, int threads) {
    Parallel.setThreads(threads);
    int c = x.channels();
    BatchNorm bn = BatchNorm.builder(c).optFusedRelu(relu).build();
    bn.loadAffine(Tensor.uniform(3, 0.5f, 1.5f, Layout.ROW_MAJOR, c),
        Tensor.uniform(4, -0.5f, 0.5f, Layout.ROW_MAJOR, c));
    Tensor y = bn.forward(x);
    Tensor dx = bn.backward(dy);
    return new float[][] {y.toChannelsFirst().data(), dx.toChannelsFirst().data(),
        bn.weightGrad().data(), bn.biasGrad().data(), bn.runningMean().data(),
        bn.runningVar().data()};
  }

  /**
   * (2,33,256,256): rows of 65536 values, a group's rows of a sample cut into chunks of one row;
   * (64,48,40,40): rows of 1600, pieces of two samples' rows of one group.
   */
  @ParameterizedTest(name = "{0}x{1}x{2}x{3} relu={4} forward group {5}, backward group {6}")
  @CsvSource({"2, 33, 256, 256, false, 16, 8", "64, 48, 40, 40, true, 20, 6"})
  void groupedChannelsFirstMatchesOneGroupChannelsLast(int n, int c, int h, int w, boolean relu,
      int forwardGroup, int backwardGroup) {
    Tensor x = Tensor.randn(1, 100f, 2f, Layout.NCHW, n, c, h, w);
    Tensor dy = Tensor.randn(2, Layout.NCHW, n, c, h, w);
    Block block = Block.of(x, 1, 0);
    assertEquals(forwardGroup, block.groupChannels(1), "forward channels per group");
    assertEquals(backwardGroup, block.groupChannels(relu ? 3 : 2), "backward channels per group");
    assertEquals(c, Block.of(x.toChannelsLast(), 1, 0).groupChannels(1), "channels-last: one group");

    float[][] grouped = run(x, dy, relu, 1);
    float[][] oneGroup = run(x.toChannelsLast(), dy.toChannelsLast(), relu, 1);
    String[] names = {"y", "dx", "dgamma", "dbeta", "running mean", "running var"};
    double[] atol = {1e-5, 1e-6, 1e-3, 1e-3, 1e-5, 1e-5};
    for (int i = 0; i < names.length; i++) {
      AllClose.assertAllClose(grouped[i], oneGroup[i], 1e-5, atol[i], names[i]);
    }
    float[][] twoThreads = run(x, dy, relu, 2);
    for (int i = 0; i < names.length; i++) {
      assertArrayEquals(grouped[i], twoThreads[i], names[i] + ": 1 and 2 threads");
    }
  }

  /** Groups only where the input exceeds the cached size and a group's runs stay long. */
  @Test
  void groupSizeFollowsTheCacheAndRunLengthRules() {
    // (8,64,56,56): 1.6M floats, within CACHED_FLOATS: one group
    assertEquals(64, new Block(0, 8, 64, 3136, false).groupChannels(2));
    // (64,64,56,56): 8 MiB groups of 10 channels forward (runs of 31360), 5 backward (15680)
    assertEquals(10, new Block(0, 64, 64, 3136, false).groupChannels(1));
    assertEquals(5, new Block(0, 64, 64, 3136, false).groupChannels(2));
    // (256,24,28,28): groups of 10 would run 7840 values per sample, under MIN_RUN_FLOATS
    assertEquals(24, new Block(0, 256, 24, 784, false).groupChannels(1));
    // channels-last: always one group
    assertEquals(64, new Block(0, 64, 64, 3136, true).groupChannels(1));
  }
}
