package org.normlab.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.normlab.tensor.AllClose;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * The engine's data-movement kernels against direct definitions: the blocked transpose, the
 * unfold in bands of output rows, and the unpadded channels-first max-pooling path (ties and NaN
 * as PyTorch). Both kernel implementations run every case.
 */
class ConvPoolKernelsTest {
  private static final EngineKernels[] BOTH = {new ScalarEngineKernels(), new VectorEngineKernels()};

  private static float[] random(long seed, int n) {
    return Tensor.uniform(seed, -1f, 1f, Layout.ROW_MAJOR, n).data();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, 15, 16, 17, 31, 33, 100, 1023, 4097})
  void transposeMatchesTheDefinition(int n) {
    // an n x 3 and a 33 x n matrix: both block edges and single rows or columns
    for (int[] rc : new int[][] {{n, 3}, {33, n}}) {
      int rows = rc[0];
      int cols = rc[1];
      float[] src = random(n, rows * cols);
      for (EngineKernels k : BOTH) {
        float[] dst = new float[rows * cols];
        k.transpose(dst, src, rows, cols);
        for (int r = 0; r < rows; r++) {
          for (int c = 0; c < cols; c++) {
            assertEquals(src[r * cols + c], dst[c * rows + r], rows + "x" + cols + " at " + r + "," + c);
          }
        }
      }
    }
  }

  @Test
  void unfoldInBandsEqualsTheWholeUnfoldAndItsAdjoint() {
    // stride 1 and 2, padding 0..2: each band is the matching column slice of the whole unfold
    for (int[] sp : new int[][] {{1, 1}, {1, 0}, {2, 1}, {2, 2}}) {
      ConvGeometry g = new ConvGeometry(3, 9, 7, 3, 3, sp[0], sp[0], sp[1], sp[1]);
      int k = g.windowSize();
      int ow = g.outW();
      int p = g.outPositions();
      float[] x = random(5, 2 * 3 * 9 * 7);
      for (EngineKernels kernels : BOTH) {
        float[] whole = new float[k * p];
        kernels.im2colChannelsFirst(whole, x, 1, 0, g.outH(), g);
        float[] dxWhole = new float[x.length];
        kernels.col2imChannelsFirstAccumulate(dxWhole, whole, 1, 0, g.outH(), g);
        float[] dxBands = new float[x.length];
        for (int oy0 = 0; oy0 < g.outH(); oy0 += 2) {
          int oy1 = Math.min(g.outH(), oy0 + 2);
          int len = (oy1 - oy0) * ow;
          float[] band = new float[k * len];
          Arrays.fill(band, Float.NaN);
          kernels.im2colChannelsFirst(band, x, 1, oy0, oy1, g);
          for (int r = 0; r < k; r++) {
            assertArrayEquals(Arrays.copyOfRange(whole, r * p + oy0 * ow, r * p + oy1 * ow),
                Arrays.copyOfRange(band, r * len, (r + 1) * len), "row " + r + " band " + oy0 + " " + g);
          }
          kernels.col2imChannelsFirstAccumulate(dxBands, band, 1, oy0, oy1, g);
        }
        AllClose.assertAllClose(dxBands, dxWhole, 1e-6, 1e-6, "col2im in bands " + g);
        // image 0 is untouched by image 1's adjoint
        for (int i = 0; i < 3 * 9 * 7; i++) {
          assertEquals(0f, dxWhole[i]);
        }
        // the adjoint: each input element gathers the unfolded entries copied from it
        float[] ones = new float[k * p];
        Arrays.fill(ones, 1f);
        float[] counts = new float[x.length];
        kernels.col2imChannelsFirstAccumulate(counts, ones, 1, 0, g.outH(), g);
        float[] marker = new float[x.length];
        float[] unfolded = new float[k * p];
        for (int e = 3 * 9 * 7; e < x.length; e += 11) {
          Arrays.fill(marker, 0f);
          marker[e] = 1f;
          kernels.im2colChannelsFirst(unfolded, marker, 1, 0, g.outH(), g);
          double copies = 0;
          for (float v : unfolded) {
            copies += v;
          }
          assertEquals(copies, counts[e], 0, "copies of element " + e + " " + g);
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, 15, 16, 17, 31, 33})
  void unpaddedMaxPoolMatchesADirectScan(int size) {
    // windows 2x2/2, 3x3/2 (overlapping) and 3x3/3; values from a few levels make ties common
    for (int[] ks : new int[][] {{2, 2}, {3, 2}, {3, 3}, {1, 1}}) {
      int h = Math.max(size, ks[0]);
      int w = Math.max(size + 1, ks[0]);
      PoolGeometry g = new PoolGeometry(2, 3, h, w, ks[0], ks[0], ks[1], ks[1], 0, 0, false);
      float[] x = random(size, 2 * 3 * h * w);
      for (int i = 0; i < x.length; i++) {
        x[i] = Math.round(x[i] * 3) / 3f;
      }
      if (x.length > 10) {
        x[7] = Float.NaN;
        x[x.length - 2] = Float.NaN;
      }
      int[] expectedArgmax = new int[g.outputs()];
      float[] expected = directMaxPool(x, g, expectedArgmax);
      for (EngineKernels k : BOTH) {
        float[] y = new float[g.outputs()];
        int[] argmax = new int[g.outputs()];
        k.maxPool(y, argmax, x, g);
        assertArrayEquals(expected, y, "max " + g);
        assertArrayEquals(expectedArgmax, argmax, "argmax " + g);
        // image by image (as a convolution fused with the pool calls it), in reverse order
        float[] yi = new float[g.outputs()];
        int[] argmaxi = new int[g.outputs()];
        for (int n = g.n() - 1; n >= 0; n--) {
          k.maxPoolImages(yi, argmaxi, x, g, n, n + 1);
        }
        assertArrayEquals(expected, yi, "max image by image " + g);
        assertArrayEquals(expectedArgmax, argmaxi, "argmax image by image " + g);
      }
    }
  }

  @Test
  void maxPoolImagesRejectsPaddingChannelsLastAndBadRanges() {
    PoolGeometry padded = new PoolGeometry(2, 3, 4, 4, 3, 3, 1, 1, 1, 1, false);
    PoolGeometry last = new PoolGeometry(2, 3, 4, 4, 2, 2, 2, 2, 0, 0, true);
    PoolGeometry plain = new PoolGeometry(2, 3, 4, 4, 2, 2, 2, 2, 0, 0, false);
    float[] x = new float[2 * 3 * 16];
    for (EngineKernels k : BOTH) {
      float[] y = new float[padded.outputs()];
      int[] argmax = new int[padded.outputs()];
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> k.maxPoolImages(y, argmax, x, padded, 0, 1));
      assertTrue(e.getMessage().contains("without padding"), e.getMessage());
      assertThrows(IllegalArgumentException.class,
          () -> k.maxPoolImages(y, argmax, x, last, 0, 1));
      e = assertThrows(IllegalArgumentException.class,
          () -> k.maxPoolImages(y, argmax, x, plain, 1, 3));
      assertTrue(e.getMessage().contains("to <= 2") && e.getMessage().contains("[1, 3)"),
          e.getMessage());
    }
  }

  /** Row-major scan of each window: the first maximum wins, the first NaN wins and stays. */
  private static float[] directMaxPool(float[] x, PoolGeometry g, int[] argmax) {
    float[] y = new float[g.outputs()];
    for (int n = 0; n < g.n(); n++) {
      for (int c = 0; c < g.c(); c++) {
        for (int oy = 0; oy < g.outH(); oy++) {
          for (int ox = 0; ox < g.outW(); ox++) {
            int best = -1;
            for (int i = 0; i < g.kh(); i++) {
              for (int j = 0; j < g.kw(); j++) {
                int idx = g.inputIndex(n, c, oy * g.strideH() + i, ox * g.strideW() + j);
                boolean bestIsNaN = best >= 0 && Float.isNaN(x[best]);
                if (best < 0 || (!bestIsNaN && (x[idx] > x[best] || Float.isNaN(x[idx])))) {
                  best = idx;
                }
              }
            }
            int o = g.outputIndex(n, c, oy, ox);
            y[o] = x[best];
            argmax[o] = best;
          }
        }
      }
    }
    return y;
  }
}
