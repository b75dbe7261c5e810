package org.normlab.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Winograd F(2x2, 3x3) transforms of {@link ScalarEngineKernels} on the Vector API, with the
 * same additions and subtractions in the same order, so the same bits (a difference a - b is
 * computed either as a sub or as {@code fma(b, -1, a)}: the product by -1 is exact and fma rounds
 * once, so both are the correctly rounded a - b).
 *
 * <p>The input transform puts the lanes over a row of tile positions, the panel output transform
 * over a panel's positions; the output gradient, whose result has the channels innermost, over
 * channels, gathering each channel's value. The loops over images and channels are
 * {@link ScalarEngineKernels}'s; these are the rows and tiles they call.
 *
 * <p>Each method holds few vectors: a method holding the 16 vectors of a whole tile was too large
 * for C1 ("out of virtual registers in LIR generator"), which in some JVM runs left it uncompiled
 * by C2 and 10x slower. Helpers take arrays and offsets, never vectors: a helper that takes or
 * returns a vector boxes it whenever C2 does not inline it.
 */
final class VectorWinograd {
  private static final VectorSpecies<Float> F = VectorKernels.F;
  private static final int L = F.length();

  /** Per thread: {@link #panelOutput}'s output rows of a vector of tiles (see VectorWinograd4). */
  private static final ThreadLocal<float[]> OUTPUT_ROWS = ThreadLocal.withInitial(() -> new float[4 * L]);

  private VectorWinograd() {}

  /**
   * {@link ScalarEngineKernels#transformTileRow} with the lanes over tiles. Loads run past the
   * row's last tile into the quarters' slack ({@link ScalarEngineKernels#QUARTER_SLACK}); stores
   * run whole vectors past it into the writable part (rows written later). Where that part ends
   * first (the last row of the last channel), the row's tiles left run the scalar code: no masked
   * stores, whose lane masks C2 built in slow generic code here.
   */
  static void transformTileRow(float[] v, int off, int stride, int writable, float[] quarters, int base,
      int quarter, int rowLen, int tw) {
    int half = 2 * quarter;
    int tx = 0;
    for (; tx < tw && writable - tx >= L; tx += L) {
      int d0 = base + tx;
      int d1 = d0 + half;
      int d2 = d0 + rowLen;
      int d3 = d1 + rowLen;
      int o = off + tx;
      // q0s = d0s - d2s, q1s = d1s + d2s, q2s = d2s - d1s, q3s = d1s - d3s
      transformQuarterRow(v, o, stride, quarters, d0, d2, -1f, quarter, ALL_LANES);
      transformQuarterRow(v, o + 4 * stride, stride, quarters, d1, d2, 1f, quarter, ALL_LANES);
      transformQuarterRow(v, o + 8 * stride, stride, quarters, d2, d1, -1f, quarter, ALL_LANES);
      transformQuarterRow(v, o + 12 * stride, stride, quarters, d1, d3, -1f, quarter, ALL_LANES);
    }
    if (tx < tw) {
      ScalarEngineKernels.transformTiles(v, off + tx, stride, quarters, base + tx, quarter, rowLen, tw - tx);
    }
  }

  /**
   * {@link ScalarEngineKernels#split} with the lanes over column pairs: two vectors of a row
   * (2L columns) are split by the {@link VectorShuffles#EVEN} and {@link VectorShuffles#ODD}
   * shuffles into L even and L odd columns. A row's last, partial vector of pairs is stored
   * under a mask of its lanes, so the lanes past the row keep their values: the padding of the
   * quarters must stay zero. Rows of at most L columns (14x14 inputs) take one vector, split by
   * {@link VectorShuffles#EVEN_OF_ONE} and {@link VectorShuffles#ODD_OF_ONE}. A row whose loads
   * would run past the end of x (the last rows of the last image) runs the scalar code.
   */
  static void split(float[] quarters, int qOff, float[] x, int plane, ConvGeometry g, int quarter,
      int rowLen) {
    int w = g.w();
    int padW = g.padW();
    int rows = Math.min(g.h(), 2 * quarter / rowLen - g.padH());
    int cols = Math.min(w, 2 * rowLen - padW);
    int pairs = cols / 2;
    int vectors = (pairs + L - 1) / L;
    VectorMask<Float> lastLanes = F.indexInRange(0, pairs - (vectors - 1) * L);
    boolean shortRows = cols <= L;
    VectorMask<Float> evenLanes = F.indexInRange(0, (cols + 1) / 2);
    VectorMask<Float> oddLanes = F.indexInRange(0, cols / 2);
    for (int y = 0; y < rows; y++) {
      int py = y + g.padH();
      int dst = qOff + 2 * (py % 2) * quarter + (py / 2) * rowLen;
      int src = plane + y * w;
      // as in the scalar code: the even columns to quarter padW % 2, the odd ones to the other
      int even = dst + (padW % 2) * quarter + padW / 2;
      int odd = dst + (1 - padW % 2) * quarter + (padW + 1) / 2;
      if (src + (shortRows ? L : 2 * vectors * L) > x.length) {
        ScalarEngineKernels.splitRow(quarters, even, odd, x, src, cols);
        continue;
      }
      if (shortRows) {
        // one load, two shuffles, two masked stores
        FloatVector a = FloatVector.fromArray(F, x, src);
        a.rearrange(VectorShuffles.EVEN_OF_ONE).intoArray(quarters, even, evenLanes);
        a.rearrange(VectorShuffles.ODD_OF_ONE).intoArray(quarters, odd, oddLanes);
        continue;
      }
      for (int v = 0; v < vectors; v++) {
        int k = v * L;
        FloatVector a = FloatVector.fromArray(F, x, src + 2 * k);
        FloatVector b = FloatVector.fromArray(F, x, src + 2 * k + L);
        FloatVector evens = a.rearrange(VectorShuffles.EVEN, b);
        FloatVector odds = a.rearrange(VectorShuffles.ODD, b);
        if (v + 1 < vectors) {
          evens.intoArray(quarters, even + k);
          odds.intoArray(quarters, odd + k);
        } else {
          evens.intoArray(quarters, even + k, lastLanes);
          odds.intoArray(quarters, odd + k, lastLanes);
        }
      }
      if (cols % 2 != 0) {
        quarters[even + pairs] = x[src + cols - 1];
      }
    }
  }

  /**
   * {@link ScalarEngineKernels#transformTileRows}: rows of at most L/2 - 1 tiles (14x14 outputs
   * have 7) two at a time, one vector over both rows' positions (each row's padding position
   * included) whose results are compressed to the rows' 2*TW tiles before they are stored
   * (whole vectors, into the writable part); a 7-tile row alone used 7 of 16 lanes. Pairs the
   * writable part cannot take, a last odd row and longer rows go by {@link #transformTileRow}.
   */
  static void transformTileRows(float[] v, int off, int stride, int writable, float[] quarters,
      int quarter, int rowLen, int tw, int th) {
    int ty = 0;
    if (2 * rowLen <= L) {
      long tiles = (1L << tw) - 1;
      long pair = tiles | tiles << rowLen;
      int half = 2 * quarter;
      for (; ty + 1 < th && writable - ty * tw >= L; ty += 2) {
        int d0 = ty * rowLen;
        int d1 = d0 + half;
        int d2 = d0 + rowLen;
        int d3 = d1 + rowLen;
        int o = off + ty * tw;
        transformQuarterRow(v, o, stride, quarters, d0, d2, -1f, quarter, pair);
        transformQuarterRow(v, o + 4 * stride, stride, quarters, d1, d2, 1f, quarter, pair);
        transformQuarterRow(v, o + 8 * stride, stride, quarters, d2, d1, -1f, quarter, pair);
        transformQuarterRow(v, o + 12 * stride, stride, quarters, d1, d3, -1f, quarter, pair);
      }
    }
    for (; ty < th; ty++) {
      transformTileRow(v, off + ty * tw, stride, writable - ty * tw, quarters, ty * rowLen, quarter,
          rowLen, tw);
    }
  }

  /** {@link #transformQuarterRow} of whole vectors (no lanes compressed). */
  private static final long ALL_LANES = -1L;

  /**
   * One row a of q = B^T d for a vector of tiles, q_s = first_s + sign * second_s, times B:
   * v[o + b*stride] = q0 - q2, q1 + q2, q2 - q1, q1 - q3 for b = 0..3, with only the lanes set
   * in {@code lanes} kept, compressed to the front, unless it is {@link #ALL_LANES}. Column s of
   * a d row lies in quarter s%2 at column offset s/2.
   */
  private static void transformQuarterRow(float[] v, int o, int stride, float[] quarters, int first,
      int second, float sign, int quarter, long lanes) {
    FloatVector signs = FloatVector.broadcast(F, sign);
    FloatVector q0 = FloatVector.fromArray(F, quarters, second)
        .fma(signs, FloatVector.fromArray(F, quarters, first));
    FloatVector q1 = FloatVector.fromArray(F, quarters, second + quarter)
        .fma(signs, FloatVector.fromArray(F, quarters, first + quarter));
    FloatVector q2 = FloatVector.fromArray(F, quarters, second + 1)
        .fma(signs, FloatVector.fromArray(F, quarters, first + 1));
    FloatVector q3 = FloatVector.fromArray(F, quarters, second + quarter + 1)
        .fma(signs, FloatVector.fromArray(F, quarters, first + quarter + 1));
    FloatVector r0 = q0.sub(q2);
    FloatVector r1 = q1.add(q2);
    FloatVector r2 = q2.sub(q1);
    FloatVector r3 = q1.sub(q3);
    if (lanes != ALL_LANES) {
      VectorMask<Float> keep = VectorMask.fromLong(F, lanes);
      r0 = r0.compress(keep);
      r1 = r1.compress(keep);
      r2 = r2.compress(keep);
      r3 = r3.compress(keep);
    }
    r0.intoArray(v, o);
    r1.intoArray(v, o + stride);
    r2.intoArray(v, o + 2 * stride);
    r3.intoArray(v, o + 3 * stride);
  }

  /**
   * {@link ScalarEngineKernels#winogradPanelOutput} with the lanes over tile positions: each
   * vector of L positions has its top and bottom output rows computed whole into a small
   * buffer, then each run of positions in one tile row is copied to y, cut at an odd edge. The
   * copies write exactly the outputs: a run may end mid-vector, mid-row (where the next panel
   * goes on) or at a padding position, and whole-vector stores there would have overwritten
   * outputs already written.
   */
  static void panelOutput(float[] y, int yOff, float[] m, int width, int xiStride, int channels,
      int q0, ConvGeometry g, float[] bias, int biasOff) {
    TileGrid grid = TileGrid.of(g);
    int positions = grid.positions();
    // one vector of tiles' two output rows, interleaved (2L floats each), per thread
    float[] rows = OUTPUT_ROWS.get();
    for (int c = 0; c < channels; c++) {
      int plane = yOff + c * grid.planeSize();
      for (int j0 = 0; j0 < width && q0 + j0 < positions; j0 += L) {
        int t = c * width + j0;
        outputVector(rows, 0, 2 * L, m, t, xiStride, 0, 1f, bias, biasOff + c);
        outputVector(rows, 2 * L, 2 * L, m, t, xiStride, 4, -1f, bias, biasOff + c);
        copyRuns(rows, y, plane, q0 + j0, grid);
      }
    }
  }

  /**
   * Copies the outputs of the L tile positions from q (computed whole into rows: output row a
   * of the tiles at rows[a*tile*L ..], tile i's tile columns at i*tile) to the channel plane of y
   * at {@code plane}: each run of positions in one tile row, cut at the right and bottom edges.
   * The copies write exactly the outputs: a run may end mid-vector, mid-row (where the next
   * panel goes on) or at a padding position, and whole-vector stores there would overwrite
   * outputs already written.
   */
  static void copyRuns(float[] rows, float[] y, int plane, int q, TileGrid grid) {
    int tile = grid.tile();
    int rowLen = grid.rowLen();
    int ow = grid.ow();
    for (int j = 0; j < L; ) {
      int ty = (q + j) / rowLen;
      if (ty >= grid.th()) {
        break;
      }
      int tx = q + j - ty * rowLen;
      int run = Math.min(L - j, rowLen - tx);
      int tiles = Math.min(run, grid.tw() - tx);
      if (tiles > 0) {
        int columns = Math.min(tile * tiles, ow - tile * tx);
        for (int a = 0; a < tile && tile * ty + a < grid.oh(); a++) {
          System.arraycopy(rows, a * tile * L + tile * j, y, plane + (tile * ty + a) * ow + tile * tx,
              columns);
        }
      }
      j += run;
    }
  }

  /**
   * One output row of a vector of tiles: r_b = (m[first + b] + sign*m[first + 4 + b]) +
   * sign*m[first + 8 + b] (xi rows of A^T m), then the columns (r0 + r1) + r2 and
   * (r1 - r2) - r3 interleaved into y[dst ..]: whole vectors, the second only when more than L
   * columns are asked for; m[xi] of the first tile at t + xi*s.
   */
  private static void outputVector(float[] y, int dst, int columns, float[] m, int t, int s, int first,
      float sign, float[] bias, int biasAt) {
    FloatVector signs = FloatVector.broadcast(F, sign);
    int p = t + first * s;
    FloatVector r0 = FloatVector.fromArray(F, m, p + 8 * s)
        .fma(signs, FloatVector.fromArray(F, m, p + 4 * s).fma(signs, FloatVector.fromArray(F, m, p)));
    FloatVector r1 = FloatVector.fromArray(F, m, p + 9 * s)
        .fma(signs, FloatVector.fromArray(F, m, p + 5 * s).fma(signs, FloatVector.fromArray(F, m, p + s)));
    FloatVector r2 = FloatVector.fromArray(F, m, p + 10 * s)
        .fma(signs, FloatVector.fromArray(F, m, p + 6 * s)
            .fma(signs, FloatVector.fromArray(F, m, p + 2 * s)));
    FloatVector r3 = FloatVector.fromArray(F, m, p + 11 * s)
        .fma(signs, FloatVector.fromArray(F, m, p + 7 * s)
            .fma(signs, FloatVector.fromArray(F, m, p + 3 * s)));
    FloatVector even = r0.add(r1).add(r2);
    FloatVector odd = r1.sub(r2).sub(r3);
    if (bias != null) {
      even = even.add(bias[biasAt]);
      odd = odd.add(bias[biasAt]);
    }
    even.rearrange(VectorShuffles.INTERLEAVE_LOW, odd).intoArray(y, dst);
    if (columns > L) {
      even.rearrange(VectorShuffles.INTERLEAVE_HIGH, odd).intoArray(y, dst + L);
    }
  }

  /**
   * {@link ScalarEngineKernels#winogradOutputGradient} with the lanes over channels (the result
   * has the channels innermost; L channels lie in one panel when the panel width is a multiple
   * of L). The 2x2 blocks dY of L/2 tiles side by side in a tile row are loaded row by row for
   * L channels, one vector of 2 * L/2 columns per channel and row (masked: zero past the right
   * and bottom edges, as the scalar code takes them), each row's L x L block transposed
   * ({@link VectorTranspose}) so that a vector holds one dY value of L channels, and each tile's
   * 16 results stored whole. The last out % L channels and other panel widths run the scalar
   * code. One gather per dY value did the transposition before (about 40 cycles each on Zen 5).
   */
  static void outputGradient(float[] dm, int panel, float[] dy, int n0, int count, int out,
      ConvGeometry g) {
    int vectorOut = panel % L == 0 && L >= 2 ? out - out % L : 0;
    ScalarEngineKernels.outputGradientFrom(dm, panel, dy, n0, count, vectorOut, out, g);
    TileGrid grid = TileGrid.of(g);
    int oh = grid.oh();
    int ow = grid.ow();
    int th = grid.th();
    int tw = grid.tw();
    int planeSize = grid.planeSize();
    int tiles = count * th * tw;
    // the products of a tile lie s apart
    int s = Winograd.gradientProductStride(out, panel, tiles);
    int group = L / 2;
    float[] rows = new float[L * L];
    float[] swap = new float[L * L];
    // block[(2j + a)*L ..]: row a, column j of the tiles' 2x2 blocks side by side, L channels
    float[] block = new float[2 * L * L];
    for (int n = 0; n < count; n++) {
      for (int ty = 0; ty < th; ty++) {
        for (int tx0 = 0; tx0 < tw; tx0 += group) {
          int tilesHere = Math.min(group, tw - tx0);
          for (int co = 0; co < vectorOut; co += L) {
            for (int a = 0; a < 2; a++) {
              int y = 2 * ty + a;
              VectorTranspose.loadRows(dy, ((n0 + n) * out + co) * planeSize + y * ow + 2 * tx0,
                  planeSize, y < oh ? ow - 2 * tx0 : 0, rows);
              VectorTranspose.transpose(rows, swap, block, a * L, 2 * L);
            }
            for (int k = 0; k < tilesHere; k++) {
              int t = (n * th + ty) * tw + tx0 + k;
              gradientTile(dm, (co / panel * tiles + t) * panel + co % panel, s, block, 4 * k * L);
            }
          }
        }
      }
    }
  }

  /**
   * One tile of L channels, its 2x2 block dY at block[at ..] (y00, y10, y01, y11: column by
   * column, L floats each): A dY (rows y0, y0 + y1, y0 - y1, -y1 of the 2x2 block) times A^T
   * (per row p0, p1: p0, p0 + p1, p0 - p1, -p1) at dm[o + xi*s].
   */
  private static void gradientTile(float[] dm, int o, int s, float[] block, int at) {
    FloatVector y00 = FloatVector.fromArray(F, block, at);
    FloatVector y10 = FloatVector.fromArray(F, block, at + L);
    FloatVector y01 = FloatVector.fromArray(F, block, at + 2 * L);
    FloatVector y11 = FloatVector.fromArray(F, block, at + 3 * L);
    y00.intoArray(dm, o);
    y00.add(y01).intoArray(dm, o + s);
    y00.sub(y01).intoArray(dm, o + 2 * s);
    y01.neg().intoArray(dm, o + 3 * s);
    FloatVector p0 = y00.add(y10);
    FloatVector p1 = y01.add(y11);
    p0.intoArray(dm, o + 4 * s);
    p0.add(p1).intoArray(dm, o + 5 * s);
    p0.sub(p1).intoArray(dm, o + 6 * s);
    p1.neg().intoArray(dm, o + 7 * s);
    p0 = y00.sub(y10);
    p1 = y01.sub(y11);
    p0.intoArray(dm, o + 8 * s);
    p0.add(p1).intoArray(dm, o + 9 * s);
    p0.sub(p1).intoArray(dm, o + 10 * s);
    p1.neg().intoArray(dm, o + 11 * s);
    p0 = y10.neg();
    p1 = y11.neg();
    p0.intoArray(dm, o + 12 * s);
    p0.add(p1).intoArray(dm, o + 13 * s);
    p0.sub(p1).intoArray(dm, o + 14 * s);
    p1.neg().intoArray(dm, o + 15 * s);
  }
}
