package org.normlab.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * Direct convolution on padded planes: the vector kernels give the scalar kernels' forward bits
 * and (within float rounding) their weight gradient, over row widths below, at and around the
 * vector length (the overlapping last vector), channel counts around the 8-channel block, every
 * window up to {@link DirectConvolution#MAX_WINDOW} shape and padding 0-2; both match the
 * definitions summed in double.
 */
class DirectConvolutionTest {
  private static final EngineKernels SCALAR = new ScalarEngineKernels();
  private static final EngineKernels VECTOR = new VectorEngineKernels();

  private static float[] random(long seed, int n) {
    return Tensor.uniform(seed, -1f, 1f, Layout.ROW_MAJOR, n).data();
  }

  /** (channels, kernel) pairs: windows of 1, 9, 18, 27 and 25 values. */
  private static final int[][] WINDOWS = {{1, 1}, {1, 3}, {2, 3}, {3, 3}, {1, 5}};

  /** A case of the parameterized tests: geometry (3 images of 5 rows), output channels. */
  private interface Case {
    void run(ConvGeometry g, int out);
  }

  /** Every window of {@link #WINDOWS}, padding 0-2 and 1, 8, 19 output channels at this width. */
  private static void forEachCase(int width, Case body) {
    for (int[] window : WINDOWS) {
      for (int pad = 0; pad <= 2; pad++) {
        int k = window[1];
        if (width + 2 * pad >= k) {
          ConvGeometry g = new ConvGeometry(window[0], 5, width, k, k, 1, 1, pad, pad);
          for (int out : new int[] {1, 8, 19}) {
            body.run(g, out);
          }
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 5, 15, 16, 17, 28, 31, 33, 40})
  void vectorForwardEqualsScalarAndDefinition(int width) {
    forEachCase(width, (g, out) -> {
      int images = 3;
      float[] x = random(width * 31L + g.padW() * 7 + g.c(), images * g.c() * 5 * width);
      float[] w = random(out * 13L + g.kw(), out * g.windowSize());
      int size = images * out * g.outPositions();
      float[] ys = nanFilled(size);
      float[] yv = nanFilled(size);
      convolve(SCALAR, ys, x, w, out, g, images);
      convolve(VECTOR, yv, x, w, out, g, images);
      String what = g + ", " + out + " output channels";
      AllClose.assertAllClose(yv, ys, 0, 0, "vector and scalar forward (same fmas, same bits): " + what);
      double[] expected = reference(x, w, out, g, images);
      for (int i = 0; i < size; i++) {
        assertEquals(expected[i], ys[i], 1e-5 * (1 + Math.abs(expected[i])), what + " output " + i);
      }
    });
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 5, 15, 16, 17, 28, 31, 33, 40})
  void weightGradientMatchesDefinitionInBothKernels(int width) {
    forEachCase(width, (g, out) -> {
      int images = 3;
      float[] x = random(width * 17L + g.padW() + g.c(), images * g.c() * 5 * width);
      float[] dy = random(width * 5L + out, images * out * g.outPositions());
      double[] expected = new double[out * g.windowSize()];
      double[] magnitude = new double[expected.length];
      referenceGradient(expected, magnitude, x, dy, out, g, 1, 2);
      for (EngineKernels kernels : new EngineKernels[] {SCALAR, VECTOR}) {
        float[] dw = new float[expected.length];
        Arrays.fill(dw, 0.5f);
        weightGradient(kernels, dw, x, dy, out, g, 1, 2);
        for (int e = 0; e < dw.length; e++) {
          // dw accumulates into its 0.5
          assertEquals(expected[e] + 0.5, dw[e], 1e-6 * magnitude[e] + 1e-6,
              kernels.getClass().getSimpleName() + " " + g + ", " + out + " channels, entry " + e);
        }
      }
    });
  }

  @Test
  void publicEntryPointsOverwriteTheirImagesOnly() {
    ConvGeometry g = new ConvGeometry(1, 28, 28, 3, 3, 1, 1, 1, 1);
    int out = 32;
    float[] x = random(1, 4 * 28 * 28);
    float[] w = random(2, out * 9);
    float[] y = nanFilled(4 * out * 28 * 28);
    DirectConvolution.convolve(y, x, 1, 2, w, out, g);
    double[] expected = reference(x, w, out, g, 4);
    int image = out * 28 * 28;
    for (int i = 0; i < y.length; i++) {
      if (i < image || i >= 3 * image) {
        assertTrue(Float.isNaN(y[i]), "images 0 and 3 untouched, index " + i);
      } else {
        assertEquals(expected[i], y[i], 1e-5 * (1 + Math.abs(expected[i])), "output " + i);
      }
    }
    float[] dy = random(3, 4 * image);
    float[] dw = nanFilled(out * 9);
    DirectConvolution.weightGradient(dw, x, dy, 1, 2, out, g);
    double[] grad = new double[out * 9];
    double[] magnitude = new double[out * 9];
    referenceGradient(grad, magnitude, x, dy, out, g, 1, 2);
    for (int e = 0; e < dw.length; e++) {
      assertEquals(grad[e], dw[e], 1e-6 * magnitude[e] + 1e-6, "weight gradient (overwritten) " + e);
    }
  }

  @Test
  void appliesToSmallStrideOneWindowsOnly() {
    assertTrue(DirectConvolution.applies(new ConvGeometry(1, 28, 28, 3, 3, 1, 1, 1, 1)));
    assertTrue(DirectConvolution.applies(new ConvGeometry(3, 8, 8, 3, 3, 1, 1, 0, 0)));
    assertFalse(DirectConvolution.applies(new ConvGeometry(4, 8, 8, 3, 3, 1, 1, 0, 0)), "window 36");
    assertFalse(DirectConvolution.applies(new ConvGeometry(1, 8, 8, 3, 3, 2, 2, 0, 0)), "stride 2");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DirectConvolution.convolve(new float[64], new float[256], 0, 1, new float[36], 1,
            new ConvGeometry(4, 8, 8, 3, 3, 1, 1, 0, 0)));
    assertTrue(e.getMessage().contains("at most " + DirectConvolution.MAX_WINDOW), e.getMessage());
  }

  private static float[] nanFilled(int n) {
    float[] a = new float[n];
    Arrays.fill(a, Float.NaN);
    return a;
  }

  /** The kernels' forward pass image by image, as {@link DirectConvolution#convolve} runs it. */
  private static void convolve(EngineKernels kernels, float[] y, float[] x, float[] w, int out,
      ConvGeometry g, int images) {
    PaddedPlanes planes = new PaddedPlanes(g);
    float[] padded = new float[planes.imageSize()];
    for (int n = 0; n < images; n++) {
      planes.fill(padded, 0, x, n);
      kernels.directConvolution(y, n * out * g.outPositions(), padded, w, out, planes);
    }
  }

  /** The kernels' weight gradient of images [n0, n0+count), added into dw. */
  private static void weightGradient(EngineKernels kernels, float[] dw, float[] x, float[] dy, int out,
      ConvGeometry g, int n0, int count) {
    PaddedPlanes planes = new PaddedPlanes(g);
    float[] padded = new float[count * planes.imageSize()];
    for (int n = 0; n < count; n++) {
      planes.fill(padded, n, x, n0 + n);
    }
    kernels.directFilterGradient(dw, dy, n0 * out * g.outPositions(), padded, count, out, planes);
  }

  /** y[n, co, oy, ox] = sum of w[co, c, r, s] * x[n, c, oy - pad + r, ox - pad + s], in double. */
  private static double[] reference(float[] x, float[] w, int out, ConvGeometry g, int images) {
    double[] y = new double[images * out * g.outPositions()];
    for (int n = 0; n < images; n++) {
      for (int co = 0; co < out; co++) {
        for (int oy = 0; oy < g.outH(); oy++) {
          for (int ox = 0; ox < g.outW(); ox++) {
            double s = 0;
            for (int c = 0; c < g.c(); c++) {
              for (int r = 0; r < g.kh(); r++) {
                for (int q = 0; q < g.kw(); q++) {
                  int iy = oy - g.padH() + r;
                  int ix = ox - g.padW() + q;
                  if (iy >= 0 && iy < g.h() && ix >= 0 && ix < g.w()) {
                    s += (double) w[((co * g.c() + c) * g.kh() + r) * g.kw() + q]
                        * x[((n * g.c() + c) * g.h() + iy) * g.w() + ix];
                  }
                }
              }
            }
            y[((n * out + co) * g.outH() + oy) * g.outW() + ox] = s;
          }
        }
      }
    }
    return y;
  }

  /** dw = sum over images [n0, n0+count) of dy * the input each weight multiplies, in double. */
  private static void referenceGradient(double[] dw, double[] magnitude, float[] x, float[] dy, int out,
      ConvGeometry g, int n0, int count) {
    for (int n = n0; n < n0 + count; n++) {
      for (int co = 0; co < out; co++) {
        for (int oy = 0; oy < g.outH(); oy++) {
          for (int ox = 0; ox < g.outW(); ox++) {
            double d = dy[((n * out + co) * g.outH() + oy) * g.outW() + ox];
            for (int c = 0; c < g.c(); c++) {
              for (int r = 0; r < g.kh(); r++) {
                for (int q = 0; q < g.kw(); q++) {
                  int iy = oy - g.padH() + r;
                  int ix = ox - g.padW() + q;
                  if (iy >= 0 && iy < g.h() && ix >= 0 && ix < g.w()) {
                    int e = ((co * g.c() + c) * g.kh() + r) * g.kw() + q;
                    double term = d * x[((n * g.c() + c) * g.h() + iy) * g.w() + ix];
                    dw[e] += term;
                    magnitude[e] += Math.abs(term);
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}
