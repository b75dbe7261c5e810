package org.normlab.kernels;

/**
 * The transforms of Winograd's F(4x4, 3x3) (Lavin and Gray 2016; interpolation points 0, 1, -1,
 * 2, -2 and infinity), scalar: each 4x4 block of outputs is
 * <pre>
 *   Y = A^T [ (G g G^T) .* (B^T d B) ] A
 * </pre>
 * for the 6x6 input patch d and the 3x3 kernel g, with
 * <pre>
 *   B^T = [ 4  0 -5  0  1  0 ]    G = [  1/4     0     0  ]    A^T = [ 1  1  1  1  1  0 ]
 *         [ 0 -4 -4  1  1  0 ]        [ -1/6  -1/6  -1/6  ]          [ 0  1 -1  2 -2  0 ]
 *         [ 0  4 -4 -1  1  0 ]        [ -1/6   1/6  -1/6  ]          [ 0  1  1  4  4  0 ]
 *         [ 0 -2 -1  2  1  0 ]        [ 1/24  1/12   1/6  ]          [ 0  1 -1  8 -8  1 ]
 *         [ 0  2 -1 -2  1  0 ]        [ 1/24 -1/12   1/6  ]
 *         [ 0  4  0 -5  0  1 ]        [   0     0     1   ]
 * </pre>
 * 36 products per 16 outputs, against F(2x2, 3x3)'s 16 per 4 (1.78x fewer) and im2col's 9 per
 * output, for larger coefficients (so a few more float roundings' error). xi = 6a + b indexes
 * the 6x6 transformed values.
 *
 * <p>The input planes are split by the residues of their padded rows and columns modulo 4 into
 * 16 planes of (TH+1) x rowLen ({@link TileGrid#splitPlane}): padded (py, px) lies in plane
 * 4*(py%4) + px%4 at row py/4, column px/4, so element (r, s) of tile position q's patch lies at
 * {@code (4*(r%4) + s%4)*plane + (r/4)*rowLen + s/4 + q} and a run of positions reads a
 * contiguous run of each plane, as in the F(2x2, 3x3) panels ({@link WinogradPanels}).
 *
 * <p>{@link VectorWinograd4} computes the same operations in the same order on vectors (so the
 * same bits); the helpers here are the shared definition.
 */
final class Winograd4Transforms {
  /** G (6 x 3), the filter transform. */
  private static final double[][] G = {
      {0.25, 0, 0}, {-1 / 6.0, -1 / 6.0, -1 / 6.0}, {-1 / 6.0, 1 / 6.0, -1 / 6.0},
      {1 / 24.0, 1 / 12.0, 1 / 6.0}, {1 / 24.0, -1 / 12.0, 1 / 6.0}, {0, 0, 1}};

  private Winograd4Transforms() {}

  /** Offset of patch element (r, s) from its tile position, for split planes of the grid. */
  static int patchOffset(int r, int s, int plane, int rowLen) {
    return (4 * (r % 4) + s % 4) * plane + (r / 4) * rowLen + s / 4;
  }

  /**
   * Channel plane {@code src} of x (H x W) split into the 16 residue planes at
   * {@code planes[off ..]}; changes only the plane's values (the padding stays as it was).
   */
  static void split(float[] planes, int off, float[] x, int src, ConvGeometry g, TileGrid grid) {
    int plane = grid.splitPlane();
    int rowLen = grid.rowLen();
    int w = g.w();
    int rows = Math.min(g.h(), 4 * (grid.th() + 1) - g.padH());
    int cols = Math.min(w, 4 * rowLen - g.padW());
    for (int y = 0; y < rows; y++) {
      int py = y + g.padH();
      int row = off + 4 * (py % 4) * plane + (py / 4) * rowLen;
      for (int xx = 0; xx < cols; xx++) {
        int px = xx + g.padW();
        planes[row + (px % 4) * plane + px / 4] = x[src + y * w + xx];
      }
    }
  }

  /**
   * B^T applied to the six values d[o + i*st] (a patch column, or a row of B^T d), written to
   * t[to + i*tst]: 4d0 - 5d2 + d4, (d4 - 4d2) + (d3 - 4d1), (d4 - 4d2) - (d3 - 4d1),
   * (d4 - d2) + 2(d3 - d1), (d4 - d2) - 2(d3 - d1), 4d1 - 5d3 + d5.
   */
  static void inputColumn(float[] d, int o, int st, float[] t, int to, int tst) {
    float d0 = d[o];
    float d1 = d[o + st];
    float d2 = d[o + 2 * st];
    float d3 = d[o + 3 * st];
    float d4 = d[o + 4 * st];
    float d5 = d[o + 5 * st];
    float a = Math.fma(d2, -4f, d4);
    float b = Math.fma(d1, -4f, d3);
    float c = d4 - d2;
    float e = 2f * (d3 - d1);
    t[to] = Math.fma(d0, 4f, Math.fma(d2, -5f, d4));
    t[to + tst] = a + b;
    t[to + 2 * tst] = a - b;
    t[to + 3 * tst] = c + e;
    t[to + 4 * tst] = c - e;
    t[to + 5 * tst] = Math.fma(d1, 4f, Math.fma(d3, -5f, d5));
  }

  /**
   * A^T applied to the six values m[o + i*st], written to t[to + i*tst] for i &lt; 4: with
   * p = m1 + m2, q = m1 - m2, r = m3 + m4, s = m3 - m4: (m0 + p) + r, q + 2s, p + 4r,
   * (q + 8s) + m5.
   */
  static void outputColumn(float[] m, int o, int st, float[] t, int to, int tst) {
    float m1 = m[o + st];
    float m2 = m[o + 2 * st];
    float m3 = m[o + 3 * st];
    float m4 = m[o + 4 * st];
    float p = m1 + m2;
    float q = m1 - m2;
    float r = m3 + m4;
    float s = m3 - m4;
    t[to] = m[o] + p + r;
    t[to + tst] = Math.fma(s, 2f, q);
    t[to + 2 * tst] = Math.fma(r, 4f, p);
    t[to + 3 * tst] = Math.fma(s, 8f, q) + m[o + 5 * st];
  }

  /**
   * The input transform of one panel: for channels c &lt; {@code channels} and lanes
   * j &lt; width, tile position q = q0 + j of the split planes (channel c's 16 planes at
   * {@code planes[c*channelStride]}), {@code v[vOff + xi*xiStride + c*rowStride + j] =
   * (B^T d B)[xi]}.
   */
  static void panelInput(float[] v, int vOff, int rowStride, int width, int xiStride,
      float[] planes, int channelStride, int channels, int q0, TileGrid grid) {
    int plane = grid.splitPlane();
    int rowLen = grid.rowLen();
    float[] d = new float[36];
    float[] t = new float[36];
    float[] u = new float[36];
    for (int c = 0; c < channels; c++) {
      for (int j = 0; j < width; j++) {
        int at = c * channelStride + q0 + j;
        for (int r = 0; r < 6; r++) {
          for (int s = 0; s < 6; s++) {
            d[6 * r + s] = planes[at + patchOffset(r, s, plane, rowLen)];
          }
        }
        // B^T d column by column, then (B^T d) B row by row
        for (int s = 0; s < 6; s++) {
          inputColumn(d, s, 6, t, s, 6);
        }
        for (int a = 0; a < 6; a++) {
          inputColumn(t, 6 * a, 1, u, 6 * a, 1);
        }
        for (int xi = 0; xi < 36; xi++) {
          v[vOff + xi * xiStride + c * rowStride + j] = u[xi];
        }
      }
    }
  }

  /**
   * The output transform of one panel: for channels c &lt; {@code channels} and lanes
   * j &lt; width whose tile position q = q0 + j lies in the image (ty &lt; TH, tx &lt; TW),
   * y[yOff + c*OH*OW + (4ty + a)*OW + 4tx + b] = (A^T m A)[a][b] (+ bias[biasOff + c] when bias
   * is not null), from m[xi*xiStride + c*width + j], dropping the outputs of partial tiles past
   * the edges. Writes nothing else of y.
   */
  static void panelOutput(float[] y, int yOff, float[] m, int width, int xiStride, int channels,
      int q0, TileGrid grid, float[] bias, int biasOff) {
    int rowLen = grid.rowLen();
    float[] mm = new float[36];
    float[] t = new float[24];
    float[] out = new float[16];
    for (int c = 0; c < channels; c++) {
      for (int j = 0; j < width; j++) {
        int q = q0 + j;
        int ty = q / rowLen;
        int tx = q % rowLen;
        if (ty >= grid.th() || tx >= grid.tw()) {
          continue;
        }
        for (int xi = 0; xi < 36; xi++) {
          mm[xi] = m[xi * xiStride + c * width + j];
        }
        // A^T m column by column (t is 4 x 6), then (A^T m) A row by row
        for (int b = 0; b < 6; b++) {
          outputColumn(mm, b, 6, t, b, 6);
        }
        for (int a = 0; a < 4; a++) {
          outputColumn(t, 6 * a, 1, out, 4 * a, 1);
        }
        for (int a = 0; a < 4 && 4 * ty + a < grid.oh(); a++) {
          for (int b = 0; b < 4 && 4 * tx + b < grid.ow(); b++) {
            float value = out[4 * a + b];
            y[yOff + c * grid.planeSize() + (4 * ty + a) * grid.ow() + 4 * tx + b] =
                bias == null ? value : value + bias[biasOff + c];
          }
        }
      }
    }
  }

  /**
   * The transformed filters u[(xi*out + co)*in + ci] = (G g G^T)[xi] of weight w (out, in, 3, 3),
   * computed in double and rounded once (G's sixths and twenty-fourths are not exact in float).
   */
  static void filters(float[] u, float[] w, int out, int in) {
    filters(u, w, out * in, 0, out * in);
  }

  /**
   * {@link #filters} of the filters f in [from, to) (f = co*in + ci, its weights at w[9f ..]) into
   * u[xi*stride + f]: G g (6 x 3) row a = (G[a][0]*g0 + G[a][1]*g1) + G[a][2]*g2 of the filter's
   * rows, then (G g) G^T the same combination of its columns, each sum in that order.
   */
  static void filters(float[] u, float[] w, int stride, int from, int to) {
    double[][] gm = G;
    double[] gg = new double[18];
    for (int f = from; f < to; f++) {
      int src = 9 * f;
      // G g (6 x 3)
      for (int a = 0; a < 6; a++) {
        for (int j = 0; j < 3; j++) {
          gg[3 * a + j] = gm[a][0] * w[src + j] + gm[a][1] * w[src + 3 + j] + gm[a][2] * w[src + 6 + j];
        }
      }
      // (G g) G^T (6 x 6)
      for (int a = 0; a < 6; a++) {
        for (int b = 0; b < 6; b++) {
          double value = gg[3 * a] * gm[b][0] + gg[3 * a + 1] * gm[b][1] + gg[3 * a + 2] * gm[b][2];
          u[(6 * a + b) * stride + f] = (float) value;
        }
      }
    }
  }

  /** G[a][k], the filter transform's coefficient (a &lt; 6, k &lt; 3). */
  static double g(int a, int k) {
    return G[a][k];
  }

  /**
   * A applied to the four values y[o + i*st] (A = (A^T)^T, 6 x 4), written to z[to + i*tst]:
   * y0, (y0 + y2) + (y1 + y3), (y0 + y2) - (y1 + y3), (y0 + 4y2) + 2(y1 + 4y3),
   * (y0 + 4y2) - 2(y1 + 4y3), y3. The gradient of {@link #outputColumn}.
   */
  static void gradientColumn(float[] y, int o, int st, float[] z, int to, int tst) {
    float y0 = y[o];
    float y1 = y[o + st];
    float y2 = y[o + 2 * st];
    float y3 = y[o + 3 * st];
    float even = y0 + y2;
    float odd = y1 + y3;
    float e = Math.fma(y2, 4f, y0);
    float f = 2f * Math.fma(y3, 4f, y1);
    z[to] = y0;
    z[to + tst] = even + odd;
    z[to + 2 * tst] = even - odd;
    z[to + 3 * tst] = e + f;
    z[to + 4 * tst] = e - f;
    z[to + 5 * tst] = y3;
  }

  /**
   * The gradient of the output transform for the positions of a weight gradient
   * ({@link Winograd}): for t &lt; T = count*perImage, image n0 + t/perImage, tile position
   * q = t % perImage of the grid (q &lt; TH*rowLen and tx &lt; TW: a tile; otherwise padding),
   * and channels co &lt; out,
   * <pre>
   *   dm[xi*S + (co/panel*T + t)*panel + co%panel] = (A dY A^T)[xi]
   * </pre>
   * for the tile's 4x4 block dY of dy (N, out, OH, OW) (zero past the edges), and 0 at padding
   * positions; S = {@link #gradientProductStride}. Slots of channels past out are not written.
   */
  static void outputGradient(float[] dm, int panel, float[] dy, int n0, int count, int perImage,
      int out, TileGrid grid) {
    int tiles = count * perImage;
    int s = gradientProductStride(out, panel, tiles);
    float[] scratch = new float[GRADIENT_SCRATCH];
    for (int t = 0; t < tiles; t++) {
      outputGradientChannels(dm, panel, tiles, s, dy, n0 + t / perImage, t, t % perImage, 0, out,
          out, grid, scratch);
    }
  }

  /**
   * Floats between the products of {@link #outputGradient}: ceil(out/panel) panels of T tile
   * positions, then one cache line ({@link WinogradPanels#XI_GAP}). Without it, 32 channels of
   * four 28x28 images (224 positions) put the 36 products of a tile 28 KiB apart, all in one L1
   * set, and each tile's 36 stores evicted each other: the output gradient of 128 images took
   * 5.4 ms.
   */
  static int gradientProductStride(int out, int panel, int tiles) {
    return (out + panel - 1) / panel * tiles * panel + WinogradPanels.XI_GAP;
  }

  /** Floats of the scratch of {@link #outputGradientChannels}. */
  static final int GRADIENT_SCRATCH = 16 + 24 + 36;

  /**
   * {@link #outputGradient} of position t (of {@code tiles}; tile position q of image n) for
   * channels [co0, out) of {@code channels}, with the products s floats apart; scratch holds
   * {@link #GRADIENT_SCRATCH} floats.
   */
  static void outputGradientChannels(float[] dm, int panel, int tiles, int s, float[] dy, int n,
      int t, int q, int co0, int out, int channels, TileGrid grid, float[] scratch) {
    int ty = q / grid.rowLen();
    int tx = q % grid.rowLen();
    boolean tile = ty < grid.th() && tx < grid.tw();
    for (int co = co0; co < out; co++) {
      int o = (co / panel * tiles + t) * panel + co % panel;
      if (!tile) {
        for (int xi = 0; xi < 36; xi++) {
          dm[o + xi * s] = 0f;
        }
        continue;
      }
      int top = (n * channels + co) * grid.planeSize() + 4 * ty * grid.ow() + 4 * tx;
      for (int a = 0; a < 4; a++) {
        for (int b = 0; b < 4; b++) {
          boolean inside = 4 * ty + a < grid.oh() && 4 * tx + b < grid.ow();
          scratch[4 * a + b] = inside ? dy[top + a * grid.ow() + b] : 0f;
        }
      }
      // A dY column by column (z, at scratch[16], is 6 x 4), then (A dY) A^T row by row (u, at
      // scratch[40])
      for (int b = 0; b < 4; b++) {
        gradientColumn(scratch, b, 4, scratch, 16 + b, 4);
      }
      for (int a = 0; a < 6; a++) {
        gradientColumn(scratch, 16 + 4 * a, 1, scratch, 40 + 6 * a, 1);
      }
      for (int xi = 0; xi < 36; xi++) {
        dm[o + xi * s] = scratch[40 + xi];
      }
    }
  }

  /**
   * The gradient of {@link #filters} for transposed products: with dut[(xi*in + ci)*out + co]
   * = dU[xi] (the gradient of the transformed filter (co, ci)), dw[((co*in + ci)*3 + i)*3 + j]
   * = (G^T dU G)[i][j], computed in double and rounded once (overwrites dw).
   */
  static void filterGradient(float[] dw, float[] dut, int out, int in) {
    double[][] gm = G;
    int stride = in * out;
    double[] h = new double[18];
    for (int co = 0; co < out; co++) {
      for (int ci = 0; ci < in; ci++) {
        int src = ci * out + co;
        // dU G (6 x 3)
        for (int a = 0; a < 6; a++) {
          for (int j = 0; j < 3; j++) {
            double sum = 0;
            for (int b = 0; b < 6; b++) {
              sum += dut[(6 * a + b) * stride + src] * gm[b][j];
            }
            h[3 * a + j] = sum;
          }
        }
        // G^T (dU G) (3 x 3)
        for (int i = 0; i < 3; i++) {
          for (int j = 0; j < 3; j++) {
            double sum = 0;
            for (int a = 0; a < 6; a++) {
              sum += gm[a][i] * h[3 * a + j];
            }
            dw[((co * in + ci) * 3 + i) * 3 + j] = (float) sum;
          }
        }
      }
    }
  }
}
