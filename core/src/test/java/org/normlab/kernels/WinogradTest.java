package org.normlab.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.normlab.tensor.AllClose;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * Winograd F(2x2, 3x3) convolution: both kernel implementations give the same transform bits
 * (input, output and output gradient) over awkward tile counts and odd edges, and the whole
 * convolution matches a direct convolution summed
 * in double for every padding and odd or even sizes.
 */
class WinogradTest {
  private static final EngineKernels SCALAR = new ScalarEngineKernels();
  private static final EngineKernels VECTOR = new VectorEngineKernels();

  private static float[] random(long seed, int n) {
    return Tensor.uniform(seed, -1f, 1f, Layout.ROW_MAJOR, n).data();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, 15, 16, 17, 31, 33})
  void vectorInputTransformEqualsScalar(int tilesPerRow) {
    for (int pad = 0; pad <= 2; pad++) {
      // output width 2*tilesPerRow (and one less: a half tile at the edge)
      for (int ow : new int[] {2 * tilesPerRow, 2 * tilesPerRow - 1}) {
        int w = ow + 2 - 2 * pad;
        if (w < 1 || w + 2 * pad < 3) {
          continue;
        }
        ConvGeometry g = new ConvGeometry(3, 5, w, 3, 3, 1, 1, pad, pad);
        int tiles = 2 * ((g.outH() + 1) / 2) * ((g.outW() + 1) / 2);
        float[] x = random(tilesPerRow * 10 + pad, 3 * 3 * 5 * w);
        // rows of exactly T floats, and padded rows (whose padding may be overwritten)
        for (int ld : new int[] {tiles, tiles + 7}) {
          float[] vs = new float[16 * 3 * ld];
          float[] vv = new float[16 * 3 * ld];
          SCALAR.winogradInput(vs, ld, x, 1, 2, g);
          VECTOR.winogradInput(vv, ld, x, 1, 2, g);
          for (int row = 0; row < 16 * 3; row++) {
            AllClose.assertAllClose(java.util.Arrays.copyOfRange(vv, row * ld, row * ld + tiles),
                java.util.Arrays.copyOfRange(vs, row * ld, row * ld + tiles), 0, 0,
                "input transform row " + row + ", ld " + ld + ", " + g + " (same operations: same bits)");
          }
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 13, 14, 15, 16, 17, 31, 32, 33, 40})
  void vectorSplitEqualsScalarAndLeavesTheRestAlone(int width) {
    // widths around one and two vectors of column pairs, odd widths, padding 0-2; the buffer
    // starts filled with markers, which both must leave wherever the plane does not land; the
    // plane is the last of x, so the rows near its end run the scalar fallback of the vector code
    for (int pad = 0; pad <= 2; pad++) {
      if (width + 2 * pad < 3) {
        continue;
      }
      ConvGeometry g = new ConvGeometry(1, 6, width, 3, 3, 1, 1, pad, pad);
      int rowLen = (g.outW() + 1) / 2 + 1;
      int quarter = ((g.outH() + 1) / 2 + 1) * rowLen;
      float[] x = random(width * 3L + pad, 2 * 6 * width);
      float[] markers = random(width + 50L * pad, 4 * quarter + 64);
      for (int plane : new int[] {0, 6 * width}) {
        float[] qs = markers.clone();
        float[] qv = markers.clone();
        ((ScalarEngineKernels) SCALAR).split(qs, 0, x, plane, g, quarter, rowLen);
        ((ScalarEngineKernels) VECTOR).split(qv, 0, x, plane, g, quarter, rowLen);
        AllClose.assertAllClose(qv, qs, 0, 0, "split of plane at " + plane + ", " + g);
        int changed = 0;
        for (int i = 0; i < qs.length; i++) {
          changed += Float.floatToIntBits(qs[i]) != Float.floatToIntBits(markers[i]) ? 1 : 0;
        }
        assertTrue(changed <= 6 * width, "only the plane's values land: " + changed + ", " + g);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 5, 13, 28, 31, 32, 33, 63, 64, 65, 70})
  void vectorSplitByFourEqualsScalarAndLeavesTheRestAlone(int width) {
    // widths around 2L (the short-row path) and one and two groups of 4L columns, every residue
    // of the last group; padding 0-3 (every residue of the first column); the last plane of x
    // runs the fallback
    for (int pad = 0; pad <= 3; pad++) {
      if (width + 2 * pad < 3) {
        continue;
      }
      ConvGeometry g = new ConvGeometry(1, 9, width, 3, 3, 1, 1, pad, pad);
      TileGrid grid = TileGrid.of(g, 4);
      float[] x = random(width * 5L + pad, 2 * 9 * width);
      float[] markers = random(width + 70L * pad, 16 * grid.splitPlane() + 64);
      for (int plane : new int[] {0, 9 * width}) {
        float[] ps = markers.clone();
        float[] pv = markers.clone();
        ((ScalarEngineKernels) SCALAR).split4(ps, 0, x, plane, g, grid);
        ((ScalarEngineKernels) VECTOR).split4(pv, 0, x, plane, g, grid);
        AllClose.assertAllClose(pv, ps, 0, 0, "split by 4 of plane at " + plane + ", " + g);
        int changed = 0;
        for (int i = 0; i < ps.length; i++) {
          changed += Float.floatToIntBits(ps[i]) != Float.floatToIntBits(markers[i]) ? 1 : 0;
        }
        assertTrue(changed <= 9 * width, "only the plane's values land: " + changed + ", " + g);
        // each input value lands where the patch offsets read it
        int rowLen = grid.rowLen();
        for (int yy = 0; yy < 9; yy++) {
          for (int xx = 0; xx < width; xx++) {
            int py = yy + pad;
            int px = xx + pad;
            if (py < 4 * (grid.th() + 1) && px < 4 * rowLen) {
              int at = Winograd4Transforms.patchOffset(py % 4, px % 4, grid.splitPlane(), rowLen)
                  + (py / 4) * rowLen + px / 4;
              assertTrue(ps[at] == x[plane + yy * width + xx], "value (" + yy + ", " + xx + ")");
            }
          }
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 5, 7, 8, 12, 13, 28, 30})
  void vectorOutputGradientByFourEqualsScalar(int size) {
    // whole and cut tiles (sizes not a multiple of 4), 19 channels (one vector of 16 and a
    // scalar tail), panels of 32 (vector) and 8 (scalar only); the positions per image rounded
    // up to whole panels, so the last ones are padding, which must come out zero
    for (int panel : new int[] {32, 8}) {
      int out = 19;
      int count = 2;
      ConvGeometry g = new ConvGeometry(3, size, size + 1, 3, 3, 1, 1, 1, 1);
      TileGrid grid = TileGrid.of(g, 4);
      int perImage = (grid.positions() + 31) / 32 * 32;
      float[] dy = random(size * 11L + panel, (count + 1) * out * g.outPositions());
      int dmSize = 36 * Winograd4Transforms.gradientProductStride(out, panel, count * perImage);
      float[] dms = random(1, dmSize);
      float[] dmv = dms.clone();
      SCALAR.winograd4OutputGradient(dms, panel, dy, 1, count, perImage, out, g);
      VECTOR.winograd4OutputGradient(dmv, panel, dy, 1, count, perImage, out, g);
      AllClose.assertAllClose(dmv, dms, 0, 0, "F(4x4) output gradient, panels of " + panel + ", " + g);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 7, 8, 9, 19, 64})
  void vectorFilterTransformByFourEqualsScalar(int out) {
    // lanes over filters: whole groups and a scalar tail (out*in not a multiple of the lanes)
    for (int in : new int[] {1, 5, 8, 64}) {
      float[] w = random(out * 101L + in, out * in * 9);
      for (int i = 0; i < w.length; i += 7) {
        w[i] *= 1e6f;
      }
      float[] us = new float[36 * out * in];
      float[] uv = new float[36 * out * in];
      java.util.Arrays.fill(uv, Float.NaN);
      SCALAR.winograd4Filters(us, w, out, in);
      VECTOR.winograd4Filters(uv, w, out, in);
      AllClose.assertAllClose(uv, us, 0, 0, "F(4x4) filter transform, " + out + " x " + in
          + " filters (same double operations: same bits, every value written)");
    }
  }

  @Test
  void fourByFourTilesWhereTheyFillPanels() {
    int width = 32;
    assertTrue(Winograd.tileFor(new ConvGeometry(32, 28, 28, 3, 3, 1, 1, 1, 1), width) == 4,
        "28x28: 56 positions x 36 products against 216 x 16");
    assertTrue(Winograd.tileFor(new ConvGeometry(32, 14, 14, 3, 3, 1, 1, 1, 1), width) == 4,
        "14x14: 20 x 36 (eight images side by side) against 56 x 16");
    assertTrue(Winograd.tileFor(new ConvGeometry(32, 7, 7, 3, 3, 1, 1, 1, 1), width) == 2,
        "7x7: 8 x 36 against 20 x 16");
    assertTrue(Winograd.tileFor(new ConvGeometry(64, 56, 56, 3, 3, 1, 1, 1, 1), width) == 4, "56x56");
    assertTrue(Winograd.tileFor(new ConvGeometry(8, 3, 3, 3, 3, 1, 1, 1, 1), width) == 2, "3x3");
    assertTrue(Winograd.gradientTileFor(new ConvGeometry(32, 28, 28, 3, 3, 1, 1, 1, 1)) == 4,
        "28x28 weight gradient: 56 positions x 36 products against 196 tiles x 16");
    assertTrue(Winograd.gradientTileFor(new ConvGeometry(32, 14, 14, 3, 3, 1, 1, 1, 1)) == 2,
        "14x14 weight gradient: 20 x 36 against 49 x 16");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, 15, 16, 17, 31, 33})
  void vectorOutputTransformsEqualScalar(int tilesPerRow) {
    // odd and even output sizes (half tiles at the right and bottom edges); 19 channels: one
    // vector of 16 and a scalar tail of 3 for the output gradient, whose lanes are channels
    for (int ow : new int[] {2 * tilesPerRow, 2 * tilesPerRow - 1}) {
      for (int oh : new int[] {4, 5}) {
        if (ow < 1) {
          continue;
        }
        int out = 19;
        int count = 2;
        ConvGeometry g = new ConvGeometry(3, oh, ow, 3, 3, 1, 1, 1, 1);
        int tiles = count * ((oh + 1) / 2) * ((ow + 1) / 2);
        int outputs = (count + 1) * out * oh * ow;
        // one panel output per panel of 32 positions over images 1 and 2 (channels 0..out-1,
        // products with an 8-row stride as the tile kernel writes them)
        int width = 32;
        int rowLen = (ow + 1) / 2 + 1;
        int panels = ((oh + 1) / 2 * rowLen + width - 1) / width;
        float[] m = random(tilesPerRow * 3L + oh, 16 * out * width + width);
        float[] ys = new float[outputs];
        float[] yv = new float[outputs];
        java.util.Arrays.fill(ys, Float.NaN);
        java.util.Arrays.fill(yv, Float.NaN);
        for (int n = 1; n <= count; n++) {
          for (int p = 0; p < panels; p++) {
            SCALAR.winogradPanelOutput(ys, n * out * oh * ow, m, width, out * width, out, p * width, g,
                null, 0);
            VECTOR.winogradPanelOutput(yv, n * out * oh * ow, m, width, out * width, out, p * width, g,
                null, 0);
          }
        }
        AllClose.assertAllClose(yv, ys, 0, 0, "panel output transform, " + g
            + " (same operations: same bits)");
        for (int i = 0; i < outputs; i++) {
          assertTrue(Float.isNaN(yv[i]) == (i < out * oh * ow), "image 0 is left as it was, images"
              + " 1 and 2 are written whole (" + g + ", index " + i + ")");
        }
        float[] dy = random(tilesPerRow * 5L + oh, outputs);
        // panels of 32 channels (19 in one partial panel) and of out (the plain (T, out) layout)
        for (int panel : new int[] {32, out}) {
          int size = 16 * ((out + panel - 1) / panel) * tiles * panel;
          float[] dms = new float[size];
          float[] dmv = new float[size];
          SCALAR.winogradOutputGradient(dms, panel, dy, 1, count, out, g);
          VECTOR.winogradOutputGradient(dmv, panel, dy, 1, count, out, g);
          AllClose.assertAllClose(dmv, dms, 0, 0, "output gradient, panels of " + panel + ", " + g
              + " (same operations: same bits)");
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 5, 8, 17, 62})
  void convolutionMatchesTheDirectSum(int size) {
    for (int tile : new int[] {2, 4}) {
      for (int pad = 0; pad <= 2; pad++) {
        convolutionMatchesTheDirectSum(size, pad, tile);
      }
    }
  }

  private static void convolutionMatchesTheDirectSum(int size, int pad, int tile) {
    int h = size + 2;
    int w = size + 3;
    if (h + 2 * pad < 3 || w + 2 * pad < 3) {
      return;
    }
    int in = 8;
    int out = 9;
    ConvGeometry g = new ConvGeometry(in, h, w, 3, 3, 1, 1, pad, pad);
    assertTrue(Winograd.applies(g, out));
    int n = 3;
    float[] x = random(size + pad, n * in * h * w);
    float[] wt = random(size * 7 + pad, out * in * 9);
    float[] y = new float[n * out * g.outPositions()];
    java.util.Arrays.fill(y, Float.NaN);
    Winograd.Filters u = Winograd.filters(wt, out, in, tile);
    // images 0..1 in one call, image 2 in another: the tile index restarts per call
    Winograd.convolve(y, x, 0, 2, u, g, null);
    Winograd.convolve(y, x, 2, 1, u, g, null);
    float[] expected = direct(x, wt, n, in, out, g);
    // F(4x4, 3x3) rounds about ten times more: its transforms multiply by up to 8 (A) and 5
    // (B) and its filter transform by 1/24 (measured: up to 4.9e-5 on outputs near 1, where
    // F(2x2, 3x3) stays within 5e-6)
    double atol = tile == 4 ? 1e-4 : 1e-5;
    AllClose.assertAllClose(y, expected, 1e-5, atol, "Winograd vs direct, " + u + ", " + g);
  }

  @Test
  void imagesGoSideBySideWhereTheyFillPanels() {
    // 14x14 (F(2x2)) and 28x28 (F(4x4)) outputs: 7 tile rows of 8 positions, 56 per image, 64
    // in 32-wide panels; four side by side fill seven panels
    assertEquals(4, WinogradPanels.imagesSideBySide(4, 56, 32));
    assertEquals(2, WinogradPanels.imagesSideBySide(2, 48, 32));
    assertEquals(1, WinogradPanels.imagesSideBySide(3, 56, 32), "3 images: 168 positions, 6 panels");
    assertEquals(1, WinogradPanels.imagesSideBySide(4, 64, 32), "no waste to save");
    assertEquals(1, WinogradPanels.imagesSideBySide(2, 20, 32), "a tie keeps one image");
    assertEquals(8, WinogradPanels.imagesSideBySide(8, 20, 32), "14x14 by F(4x4): 5 panels");
    assertEquals(4, WinogradPanels.imagesSideBySide(8, 56, 32), "a tie keeps four");
    assertEquals(8, WinogradPanels.imagesSideBySide(16, 20, 32), "at most eight");
  }

  @ParameterizedTest
  @ValueSource(ints = {3, 7, 12, 14, 28})
  void imagesSideBySideGiveTheBitsOfOneImageAtATime(int size) {
    // the same transforms and products of the same positions, in another order of panels
    GemmKernels gemm = Kernels.vector().orElseThrow().gemm();
    for (EngineKernels engine : new EngineKernels[] {SCALAR, VECTOR}) {
      for (int tile : new int[] {2, 4}) {
        for (int pad = 0; pad <= 2; pad++) {
          ConvGeometry g = new ConvGeometry(9, size, size + 2 * (size % 2), 3, 3, 1, 1, pad, pad);
          int out = 11;
          int n = 4;
          float[] x = random(size * 3L + pad, n * 9 * g.h() * g.w());
          Winograd.Filters u = Winograd.filters(random(size * 5L + pad, out * 9 * 9), out, 9, tile);
          float[] bias = random(size * 7L + pad, out);
          float[] together = new float[n * out * g.outPositions()];
          float[] alone = new float[together.length];
          WinogradPanels.convolve(engine, gemm, together, x, 0, n, u, g, bias);
          for (int i = 0; i < n; i++) {
            WinogradPanels.convolve(engine, gemm, alone, x, i, 1, u, g, bias);
          }
          AllClose.assertAllClose(together, alone, 0, 0, "side by side, " + engine + ", " + u + ", " + g);
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 5, 8, 17, 62})
  void scalarAndVectorPanelConvolutionsAgreeBitwise(int size) {
    for (int tile : new int[] {2, 4}) {
      for (int pad = 0; pad <= 2; pad++) {
        scalarAndVectorPanelConvolutionsAgreeBitwise(size, pad, tile);
      }
    }
  }

  private static void scalarAndVectorPanelConvolutionsAgreeBitwise(int size, int pad, int tile) {
    // panels of the vector tile kernel's width with both kernel sets: the same transforms and the
    // same fused multiply-add order, so the same bits; 19 output channels leave a partial block
    GemmKernels vectorGemm = Kernels.vector().orElseThrow().gemm();
    GemmKernels scalarGemm = new ScalarGemmKernels(vectorGemm.mr(), vectorGemm.nr());
    ConvGeometry g = new ConvGeometry(9, size + 2, size + 3, 3, 3, 1, 1, pad, pad);
    int out = 19;
    int n = 3;
    float[] x = random(size * 3L + pad, n * 9 * g.h() * g.w());
    Winograd.Filters u = Winograd.filters(random(size * 5L + pad, out * 9 * 9), out, 9, tile);
    float[] ys = new float[n * out * g.outPositions()];
    float[] yv = new float[n * out * g.outPositions()];
    WinogradPanels.convolve(SCALAR, scalarGemm, ys, x, 0, n, u, g, null);
    WinogradPanels.convolve(VECTOR, vectorGemm, yv, x, 0, n, u, g, null);
    AllClose.assertAllClose(yv, ys, 0, 0, "panel convolution, " + u + ", " + g);
    // with a bias: both kernel sets give the bits of adding it to the finished convolution
    float[] bias = random(size * 7L + pad, out);
    float[] expected = ys.clone();
    for (int i = 0; i < expected.length; i++) {
      expected[i] += bias[i / g.outPositions() % out];
    }
    WinogradPanels.convolve(SCALAR, scalarGemm, ys, x, 0, n, u, g, bias);
    WinogradPanels.convolve(VECTOR, vectorGemm, yv, x, 0, n, u, g, bias);
    AllClose.assertAllClose(ys, expected, 0, 0, "scalar panel convolution with bias, " + g);
    AllClose.assertAllClose(yv, expected, 0, 0, "vector panel convolution with bias, " + g);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 5, 8, 17, 62})
  void weightGradientMatchesTheDirectSum(int size) {
    for (int tile : new int[] {2, 4}) {
      weightGradientMatchesTheDirectSum(size, tile);
    }
  }

  private static void weightGradientMatchesTheDirectSum(int size, int tile) {
    for (int pad = 0; pad <= 2; pad++) {
      int h = size + 3;
      int w = size + 2;
      if (h + 2 * pad < 3 || w + 2 * pad < 3) {
        continue;
      }
      int in = 8;
      int out = 10;
      ConvGeometry g = new ConvGeometry(in, h, w, 3, 3, 1, 1, pad, pad);
      int n = 3;
      float[] x = random(size + pad + 100, n * in * h * w);
      float[] dy = random(size + pad + 200, n * out * g.outPositions());
      // images 1..2 only: image 0 must not count
      float[] dw = new float[out * in * 9];
      java.util.Arrays.fill(dw, Float.NaN);
      float[] dut = new float[(tile + 2) * (tile + 2) * in * out];
      Winograd.transformedWeightGradient(dut, 0, x, dy, 1, 2, out, g, tile);
      Winograd.filterGradient(dw, dut, out, in, tile);
      float[] expected = new float[out * in * 9];
      // the sum of |dy * x| per element: float summation error is relative to it, not to the sum
      double[] magnitude = new double[out * in * 9];
      for (int co = 0; co < out; co++) {
        for (int ci = 0; ci < in; ci++) {
          for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
              double s = 0;
              double mag = 0;
              for (int b = 1; b < n; b++) {
                for (int oy = 0; oy < g.outH(); oy++) {
                  for (int ox = 0; ox < g.outW(); ox++) {
                    int iy = oy - pad + i;
                    int ix = ox - pad + j;
                    if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                      double term = (double) dy[((b * out + co) * g.outH() + oy) * g.outW() + ox]
                          * x[((b * in + ci) * h + iy) * w + ix];
                      s += term;
                      mag += Math.abs(term);
                    }
                  }
                }
              }
              expected[((co * in + ci) * 3 + i) * 3 + j] = (float) s;
              magnitude[((co * in + ci) * 3 + i) * 3 + j] = mag;
            }
          }
        }
      }
      for (int e = 0; e < dw.length; e++) {
        // a few float roundings per term, far below the k * 2^-24 bound of a float dot product;
        // F(4x4, 3x3)'s larger coefficients about ten times more (see convolutionMatchesTheDirectSum)
        double tolerance = (tile == 4 ? 1e-5 : 1e-6) * magnitude[e] + 1e-7;
        assertTrue(Math.abs(dw[e] - expected[e]) <= tolerance, "Winograd weight gradient vs direct at "
            + e + ": " + dw[e] + " vs " + expected[e] + " (tolerance " + tolerance + "), F(" + tile
            + "x" + tile + ", 3x3), " + g);
      }
    }
  }

  @Test
  void largeImagesRunOneImagePerChunk() {
    // size 62 above: 1024 tiles per image, so two images take two chunks (the weight gradient
    // adds the second chunk's products to the first's)
    assertTrue(Winograd.imagesPerChunk(8, 10, new ConvGeometry(8, 65, 64, 3, 3, 1, 1, 1, 1)) == 1);
    assertTrue(Winograd.imagesPerChunk(32, 32, new ConvGeometry(32, 14, 14, 3, 3, 1, 1, 1, 1)) > 1);
  }

  @Test
  void appliesOnlyToStrideOne3x3WithEnoughChannels() {
    assertTrue(Winograd.applies(new ConvGeometry(8, 5, 5, 3, 3, 1, 1, 1, 1), 8));
    assertFalse(Winograd.applies(new ConvGeometry(1, 5, 5, 3, 3, 1, 1, 1, 1), 32));
    assertFalse(Winograd.applies(new ConvGeometry(32, 5, 5, 3, 3, 1, 1, 1, 1), 4));
    assertFalse(Winograd.applies(new ConvGeometry(32, 5, 5, 3, 3, 2, 2, 1, 1), 32));
    assertFalse(Winograd.applies(new ConvGeometry(32, 5, 5, 5, 5, 1, 1, 2, 2), 32));
  }

  /** y[n, co, oy, ox] = sum over ci, i, j of w[co, ci, i, j] * x[n, ci, oy - pad + i, ox - pad + j], in double. */
  private static float[] direct(float[] x, float[] w, int n, int in, int out, ConvGeometry g) {
    int oh = g.outH();
    int ow = g.outW();
    float[] y = new float[n * out * oh * ow];
    for (int b = 0; b < n; b++) {
      for (int co = 0; co < out; co++) {
        for (int oy = 0; oy < oh; oy++) {
          for (int ox = 0; ox < ow; ox++) {
            double s = 0;
            for (int ci = 0; ci < in; ci++) {
              for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                  int iy = oy - g.padH() + i;
                  int ix = ox - g.padW() + j;
                  if (iy >= 0 && iy < g.h() && ix >= 0 && ix < g.w()) {
                    s += (double) w[((co * in + ci) * 3 + i) * 3 + j] * x[((b * in + ci) * g.h() + iy) * g.w() + ix];
                  }
                }
              }
            }
            y[((b * out + co) * oh + oy) * ow + ox] = (float) s;
          }
        }
      }
    }
    return y;
  }
}
