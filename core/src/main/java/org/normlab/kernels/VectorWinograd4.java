package org.normlab.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The F(4x4, 3x3) panel transforms of {@link Winograd4Transforms} on the Vector API, lanes over
 * a panel's tile positions, with the same operations in the same order (so the same bits). Each
 * transform runs in two passes through a small per-call buffer of vectors (the 36 values of a
 * vector of tiles would not fit in registers, and a method holding them all is too large for
 * C1): first the columns, then the rows. Helpers take arrays and offsets, never vectors (see
 * {@link VectorWinograd}).
 */
final class VectorWinograd4 {
  private static final VectorSpecies<Float> F = VectorKernels.F;
  private static final int L = F.length();
  private static final VectorSpecies<Double> D = VectorKernels.D;

  /**
   * Per thread: the panel transforms' small buffers. A new set per call (up to 2.8 KiB, a few
   * thousand calls per cnn step) was most of what a cnn training step allocated.
   */
  private static final ThreadLocal<PanelBuffers> PANEL_BUFFERS =
      ThreadLocal.withInitial(PanelBuffers::new);

  /** {@link #panelInput}'s patch offsets and values; {@link #panelOutput}'s rows and columns. */
  private static final class PanelBuffers {
    final int[] offsets = new int[36];
    final float[] t = new float[36 * L];
    final float[] column = new float[4 * L];
    final float[] rows = new float[16 * L];
  }

  private VectorWinograd4() {}

  /**
   * {@link Winograd4Transforms#filters} with the lanes over filters, in double, with the same
   * multiplications and additions in the same order (so the same bits): per group of
   * D.length() filters (f = co*in + ci), their weights widened to double into a small buffer,
   * G g's six rows column by column ({@link #filterColumn}), (G g) G^T row by row
   * ({@link #filterRow}), and the 36 results rounded to float into u[xi*out*in + f ..]. The
   * widening and rounding are scalar: vectors of another species than the kernels' own (a
   * half-width float vector, a gather) made C2 stop intrinsifying the gathers of
   * {@link VectorWinograd}'s output gradient in some runs (their index loads ran as Java code,
   * cnn step 118 -> 125-137 ms). The last out*in % D.length() filters run the scalar code.
   * 64 x 64 filters, one thread: 0.42 ms in the scalar code; this runs twice per step and
   * Winograd layer (the forward filters and the input gradient's flipped ones).
   */
  static void filters(float[] u, float[] w, int out, int in) {
    int stride = out * in;
    int dl = D.length();
    int bound = stride - stride % dl;
    // weights (9 x dl), G g (18 x dl), (G g) G^T (36 x dl), each row one vector of filters
    double[] wd = new double[9 * dl];
    double[] gg = new double[18 * dl];
    double[] uu = new double[36 * dl];
    for (int f = 0; f < bound; f += dl) {
      for (int i = 0; i < dl; i++) {
        for (int k = 0; k < 9; k++) {
          wd[k * dl + i] = w[9 * (f + i) + k];
        }
      }
      for (int j = 0; j < 3; j++) {
        filterColumn(wd, j * dl, gg, j * dl);
      }
      for (int a = 0; a < 6; a++) {
        filterRow(gg, 3 * a * dl, uu, 6 * a * dl);
      }
      for (int xi = 0; xi < 36; xi++) {
        for (int i = 0; i < dl; i++) {
          u[xi * stride + f + i] = (float) uu[xi * dl + i];
        }
      }
    }
    Winograd4Transforms.filters(u, w, stride, bound, stride);
  }

  /**
   * Column j of G g for a vector of filters, their weights (0, j), (1, j), (2, j) at wd[from],
   * wd[from + 3dl], wd[from + 6dl]: gg[to + 3a*dl ..] = (G[a][0]*g0j + G[a][1]*g1j) +
   * G[a][2]*g2j, a &lt; 6.
   */
  private static void filterColumn(double[] wd, int from, double[] gg, int to) {
    int dl = D.length();
    DoubleVector g0 = DoubleVector.fromArray(D, wd, from);
    DoubleVector g1 = DoubleVector.fromArray(D, wd, from + 3 * dl);
    DoubleVector g2 = DoubleVector.fromArray(D, wd, from + 6 * dl);
    for (int a = 0; a < 6; a++) {
      g0.mul(Winograd4Transforms.g(a, 0)).add(g1.mul(Winograd4Transforms.g(a, 1)))
          .add(g2.mul(Winograd4Transforms.g(a, 2))).intoArray(gg, to + 3 * a * dl);
    }
  }

  /**
   * Row a of (G g) G^T for a vector of filters, row a of G g at gg[from], gg[from + dl],
   * gg[from + 2dl]: uu[to + b*dl ..] = (h0*G[b][0] + h1*G[b][1]) + h2*G[b][2], b &lt; 6.
   */
  private static void filterRow(double[] gg, int from, double[] uu, int to) {
    int dl = D.length();
    DoubleVector h0 = DoubleVector.fromArray(D, gg, from);
    DoubleVector h1 = DoubleVector.fromArray(D, gg, from + dl);
    DoubleVector h2 = DoubleVector.fromArray(D, gg, from + 2 * dl);
    for (int b = 0; b < 6; b++) {
      h0.mul(Winograd4Transforms.g(b, 0)).add(h1.mul(Winograd4Transforms.g(b, 1)))
          .add(h2.mul(Winograd4Transforms.g(b, 2))).intoArray(uu, to + b * dl);
    }
  }

  /**
   * {@link Winograd4Transforms#split} with the lanes over groups of four columns: four vectors of
   * a row (4L columns) are split by two rounds of the {@link VectorShuffles#EVEN} and
   * {@link VectorShuffles#ODD} shuffles into the L columns of each residue modulo 4. A row's
   * last, partial group is blended into its destination (read, blend, write back), so the
   * lanes past the row keep their values and the planes' padding stays zero; rows whose loads
   * would run past the end of x run the scalar code. Rows of at most 2L columns (28x28 inputs)
   * take {@link #splitShortRows}.
   */
  static void split(float[] planes, int off, float[] x, int src, ConvGeometry g, TileGrid grid) {
    int plane = grid.splitPlane();
    int rowLen = grid.rowLen();
    int w = g.w();
    int padW = g.padW();
    int rows = Math.min(g.h(), 4 * (grid.th() + 1) - g.padH());
    int cols = Math.min(w, 4 * rowLen - padW);
    if (cols <= 2 * L) {
      splitShortRows(planes, off, x, src, g, grid, rows, cols);
      return;
    }
    int groups = (cols + 4 * L - 1) / (4 * L);
    int last = (groups - 1) * L;
    // input column 4k + r: padded column 4k + r + padW, plane (r + padW) % 4, column
    // k + (r + padW) / 4; the last group holds the columns k < (cols - r + 3) / 4 of residue r
    VectorMask<Float> last0 = F.indexInRange(last, (cols + 3) / 4);
    VectorMask<Float> last1 = F.indexInRange(last, (cols + 2) / 4);
    VectorMask<Float> last2 = F.indexInRange(last, (cols + 1) / 4);
    VectorMask<Float> last3 = F.indexInRange(last, cols / 4);
    for (int y = 0; y < rows; y++) {
      int py = y + g.padH();
      int row = off + 4 * (py % 4) * plane + (py / 4) * rowLen;
      int from = src + y * w;
      int d0 = row + (padW % 4) * plane + padW / 4;
      int d1 = row + ((1 + padW) % 4) * plane + (1 + padW) / 4;
      int d2 = row + ((2 + padW) % 4) * plane + (2 + padW) / 4;
      int d3 = row + ((3 + padW) % 4) * plane + (3 + padW) / 4;
      if (from + 4 * groups * L > x.length) {
        splitRow(planes, row, plane, x, from, cols, padW);
        continue;
      }
      for (int k = 0; k < groups * L; k += L) {
        FloatVector a = FloatVector.fromArray(F, x, from + 4 * k);
        FloatVector b = FloatVector.fromArray(F, x, from + 4 * k + L);
        FloatVector c = FloatVector.fromArray(F, x, from + 4 * k + 2 * L);
        FloatVector d = FloatVector.fromArray(F, x, from + 4 * k + 3 * L);
        // columns 2i of the group, then 2i + 1; then 4i, 4i + 2 and 4i + 1, 4i + 3
        FloatVector evens = a.rearrange(VectorShuffles.EVEN, b);
        FloatVector odds = a.rearrange(VectorShuffles.ODD, b);
        FloatVector evens2 = c.rearrange(VectorShuffles.EVEN, d);
        FloatVector odds2 = c.rearrange(VectorShuffles.ODD, d);
        FloatVector r0 = evens.rearrange(VectorShuffles.EVEN, evens2);
        FloatVector r2 = evens.rearrange(VectorShuffles.ODD, evens2);
        FloatVector r1 = odds.rearrange(VectorShuffles.EVEN, odds2);
        FloatVector r3 = odds.rearrange(VectorShuffles.ODD, odds2);
        if (k < last) {
          r0.intoArray(planes, d0 + k);
          r1.intoArray(planes, d1 + k);
          r2.intoArray(planes, d2 + k);
          r3.intoArray(planes, d3 + k);
        } else {
          FloatVector.fromArray(F, planes, d0 + k).blend(r0, last0).intoArray(planes, d0 + k);
          FloatVector.fromArray(F, planes, d1 + k).blend(r1, last1).intoArray(planes, d1 + k);
          FloatVector.fromArray(F, planes, d2 + k).blend(r2, last2).intoArray(planes, d2 + k);
          FloatVector.fromArray(F, planes, d3 + k).blend(r3, last3).intoArray(planes, d3 + k);
        }
      }
    }
  }

  /**
   * {@link #split} for rows of at most 2L columns: two vectors hold the row; the even/odd
   * shuffle of the pair, then the even/odd floats of each half, give the four residues in their
   * first L/2 lanes, stored under a mask of the residue's column count (so the lanes past the row
   * keep their values and the planes' padding stays zero). Two loads, six shuffles and four
   * stores a row, where the general loop makes four loads, eight two-vector shuffles and four
   * read-blend-writes (28 columns: 2.3-3.0 -> 1.8-2.1 ms for 32 channels of 128 images).
   */
  private static void splitShortRows(float[] planes, int off, float[] x, int src, ConvGeometry g,
      TileGrid grid, int rows, int cols) {
    int plane = grid.splitPlane();
    int rowLen = grid.rowLen();
    int w = g.w();
    int padW = g.padW();
    // input column 4k + r goes to residue plane (r + padW) % 4, column k + (r + padW) / 4
    VectorMask<Float> lanes0 = F.indexInRange(0, (cols + 3) / 4);
    VectorMask<Float> lanes1 = F.indexInRange(0, (cols + 2) / 4);
    VectorMask<Float> lanes2 = F.indexInRange(0, (cols + 1) / 4);
    VectorMask<Float> lanes3 = F.indexInRange(0, cols / 4);
    for (int y = 0; y < rows; y++) {
      int py = y + g.padH();
      int row = off + 4 * (py % 4) * plane + (py / 4) * rowLen;
      int from = src + y * w;
      if (from + 2 * L > x.length) {
        splitRow(planes, row, plane, x, from, cols, padW);
        continue;
      }
      FloatVector a = FloatVector.fromArray(F, x, from);
      FloatVector b = FloatVector.fromArray(F, x, from + L);
      // columns 2i, then 2i + 1; their even and odd floats: 4i, 4i + 2 and 4i + 1, 4i + 3
      FloatVector evens = a.rearrange(VectorShuffles.EVEN, b);
      FloatVector odds = a.rearrange(VectorShuffles.ODD, b);
      evens.rearrange(VectorShuffles.EVEN_OF_ONE)
          .intoArray(planes, row + (padW % 4) * plane + padW / 4, lanes0);
      odds.rearrange(VectorShuffles.EVEN_OF_ONE)
          .intoArray(planes, row + ((1 + padW) % 4) * plane + (1 + padW) / 4, lanes1);
      evens.rearrange(VectorShuffles.ODD_OF_ONE)
          .intoArray(planes, row + ((2 + padW) % 4) * plane + (2 + padW) / 4, lanes2);
      odds.rearrange(VectorShuffles.ODD_OF_ONE)
          .intoArray(planes, row + ((3 + padW) % 4) * plane + (3 + padW) / 4, lanes3);
    }
  }

  /** One row of {@link Winograd4Transforms#split} (row: its offset in residue-0 column plane). */
  private static void splitRow(float[] planes, int row, int plane, float[] x, int from, int cols,
      int padW) {
    for (int xx = 0; xx < cols; xx++) {
      int px = xx + padW;
      planes[row + (px % 4) * plane + px / 4] = x[from + xx];
    }
  }

  /** {@link Winograd4Transforms#panelInput}; width a multiple of the vector length. */
  static void panelInput(float[] v, int vOff, int rowStride, int width, int xiStride,
      float[] planes, int channelStride, int channels, int q0, TileGrid grid) {
    int plane = grid.splitPlane();
    int rowLen = grid.rowLen();
    PanelBuffers buffers = PANEL_BUFFERS.get();
    int[] offsets = buffers.offsets;
    for (int r = 0; r < 6; r++) {
      for (int s = 0; s < 6; s++) {
        offsets[6 * r + s] = Winograd4Transforms.patchOffset(r, s, plane, rowLen);
      }
    }
    float[] t = buffers.t;
    for (int c = 0; c < channels; c++) {
      for (int j0 = 0; j0 < width; j0 += L) {
        int at = c * channelStride + q0 + j0;
        // t[(6r + s)*L ..] = (B^T d)[r][s] for the L tiles, column s at a time
        for (int s = 0; s < 6; s++) {
          inputColumn(planes, at + offsets[s], at + offsets[6 + s], at + offsets[12 + s],
              at + offsets[18 + s], at + offsets[24 + s], at + offsets[30 + s], t, s * L, 6 * L);
        }
        // row a of (B^T d) B to v[vOff + (6a + b)*xiStride + c*rowStride + j0]
        int o = vOff + c * rowStride + j0;
        for (int a = 0; a < 6; a++) {
          int row = 6 * a * L;
          inputColumn(t, row, row + L, row + 2 * L, row + 3 * L, row + 4 * L, row + 5 * L, v,
              6 * a * xiStride + o, xiStride);
        }
      }
    }
  }

  /** {@link Winograd4Transforms#inputColumn} for a vector of tiles, loads at d0 .. d5. */
  private static void inputColumn(float[] src, int o0, int o1, int o2, int o3, int o4, int o5,
      float[] dst, int to, int tst) {
    FloatVector d1 = FloatVector.fromArray(F, src, o1);
    FloatVector d2 = FloatVector.fromArray(F, src, o2);
    FloatVector d3 = FloatVector.fromArray(F, src, o3);
    FloatVector d4 = FloatVector.fromArray(F, src, o4);
    FloatVector minusFour = FloatVector.broadcast(F, -4f);
    FloatVector minusFive = FloatVector.broadcast(F, -5f);
    FloatVector four = FloatVector.broadcast(F, 4f);
    FloatVector a = d2.fma(minusFour, d4);
    FloatVector b = d1.fma(minusFour, d3);
    FloatVector c = d4.sub(d2);
    FloatVector e = d3.sub(d1).mul(2f);
    FloatVector.fromArray(F, src, o0).fma(four, d2.fma(minusFive, d4)).intoArray(dst, to);
    a.add(b).intoArray(dst, to + tst);
    a.sub(b).intoArray(dst, to + 2 * tst);
    c.add(e).intoArray(dst, to + 3 * tst);
    c.sub(e).intoArray(dst, to + 4 * tst);
    d1.fma(four, d3.fma(minusFive, FloatVector.fromArray(F, src, o5))).intoArray(dst, to + 5 * tst);
  }

  /**
   * {@link Winograd4Transforms#panelOutput}; width a multiple of the vector length. Each vector
   * of tiles has its four output rows computed whole (four columns per tile, interleaved) into a
   * small buffer, then each run of positions in one tile row is copied to y, cut at the edges
   * (as {@link VectorWinograd#panelOutput} does for F(2x2, 3x3)).
   */
  static void panelOutput(float[] y, int yOff, float[] m, int width, int xiStride, int channels,
      int q0, TileGrid grid, float[] bias, int biasOff) {
    int positions = grid.positions();
    PanelBuffers buffers = PANEL_BUFFERS.get();
    float[] t = buffers.t;
    float[] column = buffers.column;
    // the four output rows of a vector of tiles, 4L floats each
    float[] rows = buffers.rows;
    for (int c = 0; c < channels; c++) {
      int plane = yOff + c * grid.planeSize();
      for (int j0 = 0; j0 < width && q0 + j0 < positions; j0 += L) {
        int o = c * width + j0;
        // t[(6a + b)*L ..] = (A^T m)[a][b], column b at a time
        for (int b = 0; b < 6; b++) {
          outputColumn(m, o + b * xiStride, 6 * xiStride, t, b * L, 6 * L);
        }
        for (int a = 0; a < 4; a++) {
          // row a's four columns (into four vectors at column), interleaved into the rows buffer
          outputColumn(t, 6 * a * L, L, column, 0, L);
          interleaveRow(column, rows, 4 * a * L, bias, bias == null ? 0 : biasOff + c);
        }
        VectorWinograd.copyRuns(rows, y, plane, q0 + j0, grid);
      }
    }
  }

  /** {@link Winograd4Transforms#outputColumn} for a vector of tiles: loads at o + i*st. */
  private static void outputColumn(float[] m, int o, int st, float[] t, int to, int tst) {
    FloatVector m1 = FloatVector.fromArray(F, m, o + st);
    FloatVector m2 = FloatVector.fromArray(F, m, o + 2 * st);
    FloatVector m3 = FloatVector.fromArray(F, m, o + 3 * st);
    FloatVector m4 = FloatVector.fromArray(F, m, o + 4 * st);
    FloatVector p = m1.add(m2);
    FloatVector q = m1.sub(m2);
    FloatVector r = m3.add(m4);
    FloatVector s = m3.sub(m4);
    FloatVector.fromArray(F, m, o).add(p).add(r).intoArray(t, to);
    s.fma(FloatVector.broadcast(F, 2f), q).intoArray(t, to + tst);
    r.fma(FloatVector.broadcast(F, 4f), p).intoArray(t, to + 2 * tst);
    s.fma(FloatVector.broadcast(F, 8f), q).add(FloatVector.fromArray(F, m, o + 5 * st))
        .intoArray(t, to + 3 * tst);
  }

  /**
   * The four output columns of a row of a vector of tiles (column[k*L ..], k &lt; 4) plus
   * bias[biasAt] when bias is not null, interleaved tile by tile (tile i's four outputs at
   * rows[dst + 4i ..]) by two rounds of interleaving shuffles.
   */
  private static void interleaveRow(float[] column, float[] rows, int dst, float[] bias,
      int biasAt) {
    FloatVector y0 = FloatVector.fromArray(F, column, 0);
    FloatVector y1 = FloatVector.fromArray(F, column, L);
    FloatVector y2 = FloatVector.fromArray(F, column, 2 * L);
    FloatVector y3 = FloatVector.fromArray(F, column, 3 * L);
    if (bias != null) {
      float b = bias[biasAt];
      y0 = y0.add(b);
      y1 = y1.add(b);
      y2 = y2.add(b);
      y3 = y3.add(b);
    }
    FloatVector low01 = y0.rearrange(VectorShuffles.INTERLEAVE_LOW, y1);
    FloatVector high01 = y0.rearrange(VectorShuffles.INTERLEAVE_HIGH, y1);
    FloatVector low23 = y2.rearrange(VectorShuffles.INTERLEAVE_LOW, y3);
    FloatVector high23 = y2.rearrange(VectorShuffles.INTERLEAVE_HIGH, y3);
    low01.rearrange(VectorShuffles.PAIRS_LOW, low23).intoArray(rows, dst);
    low01.rearrange(VectorShuffles.PAIRS_HIGH, low23).intoArray(rows, dst + L);
    high01.rearrange(VectorShuffles.PAIRS_LOW, high23).intoArray(rows, dst + 2 * L);
    high01.rearrange(VectorShuffles.PAIRS_HIGH, high23).intoArray(rows, dst + 3 * L);
  }

  /**
   * {@link Winograd4Transforms#outputGradient} with the lanes over channels (the result has the
   * channels innermost; L channels lie in one panel when the panel width is a multiple of L).
   * The 4x4 blocks dY of L/4 tiles side by side in a tile row are loaded row by row for L
   * channels, one vector of 4 * L/4 columns per channel and row (masked: zero past the right
   * and bottom edges, so padding positions and cut tiles come out as the scalar code gives
   * them), each row's L x L block transposed ({@link VectorTranspose}) so that a vector holds
   * one dY value of L channels, then A dY A^T
   * computed in two passes through a small buffer and its 36 values stored whole. The last
   * out % L channels and other panel widths run the scalar code. Gathers across the channel
   * planes (one per dY value) did the transposition before: 5.4 ms for 32 channels of 128 28x28
   * images, about 40 cycles per gather on Zen 5.
   */
  static void outputGradient(float[] dm, int panel, float[] dy, int n0, int count, int perImage,
      int out, TileGrid grid) {
    int tiles = count * perImage;
    int s = Winograd4Transforms.gradientProductStride(out, panel, tiles);
    int vectorOut = panel % L == 0 && L >= 4 ? out - out % L : 0;
    float[] scratch = new float[Winograd4Transforms.GRADIENT_SCRATCH];
    for (int t = 0; t < tiles && vectorOut < out; t++) {
      Winograd4Transforms.outputGradientChannels(dm, panel, tiles, s, dy, n0 + t / perImage, t,
          t % perImage, vectorOut, out, out, grid, scratch);
    }
    int group = L / 4;
    int rowLen = grid.rowLen();
    int planeSize = grid.planeSize();
    int ow = grid.ow();
    float[] rows = new float[L * L];
    float[] swap = new float[L * L];
    // block[((4k + b)*4 + a)*L ..]: dY[a][b] of tile k of the group for L channels
    float[] block = new float[4 * L * L];
    float[] z = new float[24 * L];
    for (int i = 0; i < count; i++) {
      int n = n0 + i;
      for (int q0 = 0; q0 < perImage; q0 += rowLen) {
        int ty = q0 / rowLen;
        for (int tx0 = 0; tx0 < rowLen && q0 + tx0 < perImage; tx0 += group) {
          int tilesHere = Math.min(group, Math.min(rowLen - tx0, perImage - q0 - tx0));
          for (int co = 0; co < vectorOut; co += L) {
            for (int a = 0; a < 4; a++) {
              int y = 4 * ty + a;
              VectorTranspose.loadRows(dy, (n * out + co) * planeSize + y * ow + 4 * tx0,
                  planeSize, y < grid.oh() ? ow - 4 * tx0 : 0, rows);
              VectorTranspose.transpose(rows, swap, block, a * L, 4 * L);
            }
            for (int k = 0; k < tilesHere; k++) {
              int t = i * perImage + q0 + tx0 + k;
              int o = (co / panel * tiles + t) * panel + co % panel;
              // column b of A dY to z[(i*4 + b)*L], i < 6; then row a of it times A^T
              for (int b = 0; b < 4; b++) {
                gradientColumn(block, (4 * k + b) * 4 * L, L, z, b * L, 4 * L);
              }
              for (int a = 0; a < 6; a++) {
                gradientColumn(z, 4 * a * L, L, dm, o + 6 * a * s, s);
              }
            }
          }
        }
      }
    }
  }

  /**
   * {@link Winograd4Transforms#gradientColumn} for a vector: the four vectors y[o + i*st]
   * times A, to z[to + i*tst] (i &lt; 6).
   */
  private static void gradientColumn(float[] y, int o, int st, float[] z, int to, int tst) {
    FloatVector y0 = FloatVector.fromArray(F, y, o);
    FloatVector y1 = FloatVector.fromArray(F, y, o + st);
    FloatVector y2 = FloatVector.fromArray(F, y, o + 2 * st);
    FloatVector y3 = FloatVector.fromArray(F, y, o + 3 * st);
    FloatVector even = y0.add(y2);
    FloatVector odd = y1.add(y3);
    FloatVector e = y2.fma(FloatVector.broadcast(F, 4f), y0);
    FloatVector f = y3.fma(FloatVector.broadcast(F, 4f), y1).mul(2f);
    y0.intoArray(z, to);
    even.add(odd).intoArray(z, to + tst);
    even.sub(odd).intoArray(z, to + 2 * tst);
    e.add(f).intoArray(z, to + 3 * tst);
    e.sub(f).intoArray(z, to + 4 * tst);
    y3.intoArray(z, to + 5 * tst);
  }
}
