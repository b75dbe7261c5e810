package org.normlab.norm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.normlab.kernels.Parallel;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * LayerNorm and GroupNorm forward run pipelined over parallel pieces (the pass over one row or
 * group also reads the next), and LayerNorm backward reads a few rows per pass. A row's or group's
 * results must not depend on where the pieces start or on the thread count, so the full tensor
 * gives bitwise the numbers each row or sample gives alone (one piece, no pipelining), for 1 and
 * 2 threads; and LayerNorm's weight gradients are bitwise the same for 1 and 2 threads.
 */
class PipelinedNormTest {

  /** Runs {@code body} with 1 and then 2 threads, restoring the thread count. */
  private static void forOneAndTwoThreads(Runnable body) {
    int before = Parallel.threads();
    try {
      for (int t = 1; t <= 2; t++) {
        Parallel.setThreads(t);
        body.run();
      }
    } finally {
      Parallel.setThreads(before);
    }
  }

  private static float[] part(float[] a, int index, int size) {
    return Arrays.copyOfRange(a, index * size, (index + 1) * size);
  }

  @Test
  void layerNormRowsAreIndependentOfPieces() {
    int rows = 2000;
    int d = 40; // 1638 rows per pipelined piece: two pieces
    Tensor x = Tensor.randn(21, Layout.ROW_MAJOR, rows, d);
    Tensor dy = Tensor.randn(22, Layout.ROW_MAJOR, rows, d);
    List<float[]> grads = new ArrayList<>();
    forOneAndTwoThreads(() -> {
      LayerNorm ln = LayerNorm.builder(d).build();
      float[] y = ln.forward(x).data();
      float[] mean = ln.savedMean().clone();
      float[] rstd = ln.savedRstd().clone();
      float[] dx = ln.backward(dy).data();
      grads.add(ln.weightGrad().data().clone());
      grads.add(ln.biasGrad().data().clone());
      for (int r : new int[] {0, 1, 1637, 1638, 1639, rows - 1}) {
        LayerNorm one = LayerNorm.builder(d).build();
        float[] yr = one.forward(Tensor.of(part(x.data(), r, d), Layout.ROW_MAJOR, 1, d)).data();
        assertArrayEquals(yr, part(y, r, d), "y row " + r);
        assertArrayEquals(new float[] {mean[r], rstd[r]},
            new float[] {one.savedMean()[0], one.savedRstd()[0]}, "statistics row " + r);
        float[] dxr = one.backward(Tensor.of(part(dy.data(), r, d), Layout.ROW_MAJOR, 1, d)).data();
        assertArrayEquals(dxr, part(dx, r, d), "dx row " + r);
      }
    });
    assertArrayEquals(grads.get(0), grads.get(2), "weight gradient, 1 and 2 threads");
    assertArrayEquals(grads.get(1), grads.get(3), "bias gradient, 1 and 2 threads");
  }

  @Test
  void groupNormGroupsAreIndependentOfPieces() {
    int n = 300;
    int c = 4;
    int groups = 2; // groups of 2 channels x 64 positions: 512 groups per piece, 600 in all
    Tensor x = Tensor.randn(23, Layout.NCHW, n, c, 8, 8);
    int sample = c * 64;
    forOneAndTwoThreads(() -> {
      GroupNorm gn = GroupNorm.builder(groups, c).build();
      float[] y = gn.forward(x).data();
      float[] mean = gn.savedMean().clone();
      for (int i : new int[] {0, 1, 255, 256, 257, n - 1}) {
        GroupNorm one = GroupNorm.builder(groups, c).build();
        Tensor xi = Tensor.of(part(x.data(), i, sample), Layout.NCHW, 1, c, 8, 8);
        assertArrayEquals(one.forward(xi).data(), part(y, i, sample), "y sample " + i);
        assertArrayEquals(one.savedMean(), part(mean, i, groups), "means sample " + i);
      }
    });
  }
}
