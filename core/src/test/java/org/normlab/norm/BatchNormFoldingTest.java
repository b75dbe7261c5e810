package org.normlab.norm;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.normlab.kernels.Gemm;
import org.normlab.tensor.AllClose;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/** Folded layers give the outputs of layer followed by eval-mode BN. */
class BatchNormFoldingTest {

  private static BatchNorm evalBn(int channels) {
    BatchNorm bn = BatchNorm.builder(channels).build();
    bn.loadAffine(Tensor.uniform(1, 0.5f, 2f, Layout.ROW_MAJOR, channels),
        Tensor.uniform(2, -1f, 1f, Layout.ROW_MAJOR, channels));
    bn.loadRunningStats(Tensor.uniform(3, -1f, 1f, Layout.ROW_MAJOR, channels),
        Tensor.uniform(4, 0.2f, 3f, Layout.ROW_MAJOR, channels));
    return bn.setTraining(false);
  }

  /** y = x W^T + b with Gemm: x (n, in), W (out, in). */
  private static Tensor linear(Tensor x, Tensor w, Tensor b) {
    int n = x.dim(0);
    int in = x.dim(1);
    int out = w.dim(0);
    Tensor y = Tensor.zeros(Layout.NC, n, out);
    Gemm.sgemm(false, true, n, out, in, 1f, x.data(), 0, in, w.data(), 0, in, 0f, y.data(), 0, out);
    for (int i = 0; i < n; i++) {
      for (int o = 0; o < out; o++) {
        y.data()[i * out + o] += b == null ? 0f : b.data()[o];
      }
    }
    return y;
  }

  /** Direct 3x3 convolution, stride 1, zero padding 1, NCHW. */
  private static Tensor conv(Tensor x, Tensor w, Tensor b) {
    int n = x.dim(0);
    int in = x.dim(1);
    int h = x.dim(2);
    int wd = x.dim(3);
    int out = w.dim(0);
    Tensor y = Tensor.zeros(Layout.NCHW, n, out, h, wd);
    for (int i = 0; i < n; i++) {
      for (int o = 0; o < out; o++) {
        for (int r = 0; r < h; r++) {
          for (int c = 0; c < wd; c++) {
            double s = b == null ? 0 : b.data()[o];
            for (int ci = 0; ci < in; ci++) {
              for (int kr = 0; kr < 3; kr++) {
                for (int kc = 0; kc < 3; kc++) {
                  int rr = r + kr - 1;
                  int cc = c + kc - 1;
                  if (rr >= 0 && rr < h && cc >= 0 && cc < wd) {
                    s += x.get(i, ci, rr, cc) * w.get(o, ci, kr, kc);
                  }
                }
              }
            }
            y.set((float) s, i, o, r, c);
          }
        }
      }
    }
    return y;
  }

  @Test
  void foldedLinearMatchesLinearThenBatchNorm() {
    Tensor x = Tensor.randn(10, Layout.NC, 5, 7);
    Tensor w = Tensor.randn(11, Layout.ROW_MAJOR, 4, 7);
    Tensor b = Tensor.randn(12, Layout.ROW_MAJOR, 4);
    BatchNorm bn = evalBn(4);
    Tensor expected = bn.forward(linear(x, w, b));
    BatchNormFolding.Folded f = BatchNormFolding.fold(w, b, bn);
    AllClose.assertAllClose(linear(x, f.weight(), f.bias()), expected, 1e-5, 1e-5, "folded linear");
    Tensor noBias = bn.forward(linear(x, w, null));
    BatchNormFolding.Folded g = BatchNormFolding.fold(w, null, bn);
    AllClose.assertAllClose(linear(x, g.weight(), g.bias()), noBias, 1e-5, 1e-5, "folded, no bias");
  }

  @Test
  void foldedConvMatchesConvThenBatchNorm() {
    Tensor x = Tensor.randn(20, Layout.NCHW, 2, 3, 5, 4);
    Tensor w = Tensor.randn(21, Layout.ROW_MAJOR, 6, 3, 3, 3);
    Tensor b = Tensor.randn(22, Layout.ROW_MAJOR, 6);
    BatchNorm bn = evalBn(6);
    Tensor expected = bn.forward(conv(x, w, b));
    BatchNormFolding.Folded f = BatchNormFolding.fold(w, b, bn);
    AllClose.assertAllClose(conv(x, f.weight(), f.bias()), expected, 1e-5, 1e-5, "folded conv");
  }

  @Test
  void rejectsMismatchedShapes() {
    BatchNorm bn = evalBn(4);
    assertThrows(IllegalArgumentException.class,
        () -> BatchNormFolding.fold(Tensor.zeros(Layout.ROW_MAJOR, 5, 3), null, bn));
    assertThrows(IllegalArgumentException.class,
        () -> BatchNormFolding.fold(Tensor.zeros(Layout.ROW_MAJOR, 4), null, bn));
    assertThrows(IllegalArgumentException.class, () -> BatchNormFolding.fold(
        Tensor.zeros(Layout.ROW_MAJOR, 4, 3), null, BatchNorm.builder(4).optTrackRunningStats(false).build()));
  }
}
