package org.normlab.kernels;

/**
 * The plain Java reference implementation of {@link EngineKernels}. Sigmoid and tanh use
 * {@link ExpMath}, whose vector mirror gives the same bits, so runs repeat exactly. Pooling runs its images in
 * parallel (each image writes its own outputs, so results do not depend on the thread count).
 */
public class ScalarEngineKernels implements EngineKernels {
  static final ScalarEngineKernels INSTANCE = new ScalarEngineKernels();

  ScalarEngineKernels() {}

  @Override
  public void sigmoid(float[] y, float[] x, int off, int len) {
    for (int i = off; i < off + len; i++) {
      y[i] = ExpMath.sigmoid(x[i]);
    }
  }

  @Override
  public void sigmoidBackward(float[] dx, float[] dy, float[] y, int off, int len) {
    for (int i = off; i < off + len; i++) {
      dx[i] = dy[i] * y[i] * (1f - y[i]);
    }
  }

  @Override
  public void tanh(float[] y, float[] x, int off, int len) {
    for (int i = off; i < off + len; i++) {
      y[i] = ExpMath.tanh(x[i]);
    }
  }

  @Override
  public void tanhBackward(float[] dx, float[] dy, float[] y, int off, int len) {
    for (int i = off; i < off + len; i++) {
      dx[i] = dy[i] * (1f - y[i] * y[i]);
    }
  }

  @Override
  public void reluBackward(float[] dx, float[] dy, float[] y, int off, int len) {
    for (int i = off; i < off + len; i++) {
      dx[i] = y[i] > 0f ? dy[i] : 0f;
    }
  }

  @Override
  public void addRowBias(float[] y, int off, float[] bias, int rows, int cols) {
    for (int r = 0; r < rows; r++) {
      int base = off + r * cols;
      for (int c = 0; c < cols; c++) {
        y[base + c] += bias[c];
      }
    }
  }

  @Override
  public void addChannelBias(float[] y, int off, float[] bias, int n, int channels, int spatial) {
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < channels; c++) {
        int base = off + (i * channels + c) * spatial;
        float b = bias[c];
        for (int p = 0; p < spatial; p++) {
          y[base + p] += b;
        }
      }
    }
  }

  @Override
  public void sumRowsAccumulate(float[] dbias, float[] dy, int rows, int cols) {
    double[] acc = new double[cols];
    for (int r = 0; r < rows; r++) {
      int base = r * cols;
      for (int c = 0; c < cols; c++) {
        acc[c] += dy[base + c];
      }
    }
    for (int c = 0; c < cols; c++) {
      dbias[c] += (float) acc[c];
    }
  }

  /** Side of the square blocks of {@link #transpose}: a block of source and of destination rows stays in L1. */
  private static final int TRANSPOSE_BLOCK = 32;

  @Override
  public void transpose(float[] dst, float[] src, int rows, int cols) {
    for (int r0 = 0; r0 < rows; r0 += TRANSPOSE_BLOCK) {
      int r1 = Math.min(rows, r0 + TRANSPOSE_BLOCK);
      for (int c0 = 0; c0 < cols; c0 += TRANSPOSE_BLOCK) {
        int c1 = Math.min(cols, c0 + TRANSPOSE_BLOCK);
        for (int r = r0; r < r1; r++) {
          int s = r * cols;
          for (int c = c0; c < c1; c++) {
            dst[c * rows + r] = src[s + c];
          }
        }
      }
    }
  }

  @Override
  public void directConvolution(float[] y, int yOff, float[] padded, float[] w, int channels,
      PaddedPlanes p) {
    int oh = p.oh();
    int ow = p.ow();
    int[] taps = p.taps();
    for (int co = 0; co < channels; co++) {
      for (int oy = 0; oy < oh; oy++) {
        int row = yOff + (co * oh + oy) * ow;
        for (int ox = 0; ox < ow; ox++) {
          float acc = 0f;
          for (int k = 0; k < taps.length; k++) {
            acc = Math.fma(w[co * taps.length + k], padded[taps[k] + oy * p.pw() + ox], acc);
          }
          y[row + ox] = acc;
        }
      }
    }
  }

  @Override
  public void directFilterGradient(float[] dw, float[] dy, int dyOff, float[] padded, int images,
      int channels, PaddedPlanes p) {
    int oh = p.oh();
    int ow = p.ow();
    int[] taps = p.taps();
    int t = taps.length;
    for (int co = 0; co < channels; co++) {
      for (int k = 0; k < t; k++) {
        float acc = 0f;
        for (int n = 0; n < images; n++) {
          for (int oy = 0; oy < oh; oy++) {
            int d = dyOff + ((n * channels + co) * oh + oy) * ow;
            int at = n * p.imageSize() + taps[k] + oy * p.pw();
            for (int ox = 0; ox < ow; ox++) {
              acc = Math.fma(dy[d + ox], padded[at + ox], acc);
            }
          }
        }
        dw[co * t + k] += acc;
      }
    }
  }

  @Override
  public void flipFilters(float[] wf, float[] w, int out, int in, int kh, int kw) {
    for (int co = 0; co < out; co++) {
      for (int ci = 0; ci < in; ci++) {
        int src = (co * in + ci) * kh * kw;
        int dst = (ci * out + co) * kh * kw;
        for (int i = 0; i < kh; i++) {
          for (int j = 0; j < kw; j++) {
            wf[dst + (kh - 1 - i) * kw + (kw - 1 - j)] = w[src + i * kw + j];
          }
        }
      }
    }
  }

  @Override
  public void winogradFilters(float[] u, float[] w, int out, int in) {
    int stride = out * in;
    float[] gg = new float[12];
    for (int co = 0; co < out; co++) {
      for (int ci = 0; ci < in; ci++) {
        int src = (co * in + ci) * 9;
        // G g (4 x 3): rows g0, (g0+g1+g2)/2, (g0-g1+g2)/2, g2
        for (int j = 0; j < 3; j++) {
          float g0 = w[src + j];
          float g1 = w[src + 3 + j];
          float g2 = w[src + 6 + j];
          gg[j] = g0;
          gg[3 + j] = 0.5f * (g0 + g1 + g2);
          gg[6 + j] = 0.5f * (g0 - g1 + g2);
          gg[9 + j] = g2;
        }
        // (G g) G^T (4 x 4): the same combination of the columns
        for (int a = 0; a < 4; a++) {
          float h0 = gg[3 * a];
          float h1 = gg[3 * a + 1];
          float h2 = gg[3 * a + 2];
          int base = (4 * a) * stride + co * in + ci;
          u[base] = h0;
          u[base + stride] = 0.5f * (h0 + h1 + h2);
          u[base + 2 * stride] = 0.5f * (h0 - h1 + h2);
          u[base + 3 * stride] = h2;
        }
      }
    }
  }

  /**
   * Floats past the four quarters of {@link #winogradInput}: a vector implementation of
   * {@link #transformTileRow} loads whole vectors from the last tile of a row (up to 64 lanes).
   */
  static final int QUARTER_SLACK = 64;

  @Override
  public void winogradInput(float[] v, int ld, float[] x, int n0, int count, ConvGeometry g) {
    int th = (g.outH() + 1) / 2;
    int tw = (g.outW() + 1) / 2;
    int perImage = th * tw;
    int c = g.c();
    int h = g.h();
    int w = g.w();
    // The zero-padded plane (input row y - padH, column x - padW at (y, x)), split by the parity
    // of its rows and columns into four (th+1) x (tw+1) quarters: quarters[(2*(y%2) + x%2)*quarter
    // + (y/2)*(tw+1) + x/2]. Element (r, s) of tile (ty, tx)'s patch is then quarter
    // 2*(r%2) + s%2 at row ty + r/2, column tx + s/2: a row of tiles reads contiguous runs.
    int rowLen = tw + 1;
    int quarter = (th + 1) * rowLen;
    float[] quarters = new float[4 * quarter + QUARTER_SLACK];
    // channels outermost: a row may write past its end into the rest of its channel and into
    // the next channel of the same xi, which all come later
    for (int ch = 0; ch < c; ch++) {
      for (int n = 0; n < count; n++) {
        split(quarters, 0, x, ((n0 + n) * c + ch) * h * w, g, quarter, rowLen);
        int vOff = ch * ld + n * perImage;
        int later = ch + 1 < c ? ld : 0;
        transformTileRows(v, vOff, c * ld, ld - n * perImage + later, quarters, quarter, rowLen, tw,
            th);
      }
    }
  }

  /**
   * One zero-padded plane (x from {@code plane}, H x W) split into the four parity quarters at
   * {@code quarters[qOff ..]} (see {@link #winogradQuarters}); changes only the plane's values
   * (a vector implementation may rewrite others, up to one vector past the last value, with
   * what they hold).
   */
  void split(float[] quarters, int qOff, float[] x, int plane, ConvGeometry g, int quarter,
      int rowLen) {
    splitPlane(quarters, qOff, x, plane, g, quarter, rowLen);
  }

  /** {@link #split} one row after another, one pair of columns at a time. */
  static void splitPlane(float[] quarters, int qOff, float[] x, int plane, ConvGeometry g,
      int quarter, int rowLen) {
    int w = g.w();
    int rows = Math.min(g.h(), 2 * quarter / rowLen - g.padH());
    int cols = Math.min(w, 2 * rowLen - g.padW());
    for (int y = 0; y < rows; y++) {
      int py = y + g.padH();
      int dst = qOff + 2 * (py % 2) * quarter + (py / 2) * rowLen;
      int src = plane + y * w;
      // input column xx lands at padded column xx + padW: quarter (xx + padW) % 2, column
      // (xx + padW) / 2. One pass over the row in pairs (2k, 2k + 1): the even column goes to
      // column k + padW/2 of quarter padW % 2, the odd one to column k + (padW + 1)/2 of the other
      int padW = g.padW();
      splitRow(quarters, dst + (padW % 2) * quarter + padW / 2,
          dst + (1 - padW % 2) * quarter + (padW + 1) / 2, x, src, cols);
    }
  }

  /**
   * The first {@code cols} columns of the row at x[src]: column 2k to quarters[even + k], column
   * 2k + 1 to quarters[odd + k].
   */
  static void splitRow(float[] quarters, int even, int odd, float[] x, int src, int cols) {
    int pairs = cols / 2;
    for (int k = 0; k < pairs; k++) {
      quarters[even + k] = x[src + 2 * k];
      quarters[odd + k] = x[src + 2 * k + 1];
    }
    if (cols % 2 != 0) {
      quarters[even + pairs] = x[src + cols - 1];
    }
  }

  @Override
  public void winogradQuarters(float[] quarters, int channelStride, float[] x, int n0, int count,
      ConvGeometry g) {
    int c = g.c();
    TileGrid grid = TileGrid.of(g);
    TileGrid wide = grid.sideBySide(count);
    int quarter = wide.splitPlane();
    int planeSize = g.h() * g.w();
    for (int i = 0; i < count; i++) {
      for (int ch = 0; ch < c; ch++) {
        split(quarters, ch * channelStride + i * grid.rowLen(), x, ((n0 + i) * c + ch) * planeSize,
            g, quarter, wide.rowLen());
      }
    }
  }

  @Override
  public void winogradPanelInput(float[] v, int width, int xiStride, float[] quarters,
      int channelStride, int quarter, int channels, int q0, ConvGeometry g) {
    int rowLen = (g.outW() + 1) / 2 + 1;
    for (int c = 0; c < channels; c++) {
      // a "row" of width tile positions: the lanes run across tile rows, whose last position
      // (tx = TW) reads padding and the next row's first column, values never output
      transformTileRow(v, c * width, xiStride, width, quarters, c * channelStride + q0,
          quarter, rowLen, width);
    }
  }

  @Override
  public void winograd4Split(float[] planes, int channelStride, float[] x, int n0, int count,
      ConvGeometry g) {
    TileGrid grid = TileGrid.of(g, 4);
    TileGrid wide = grid.sideBySide(count);
    int planeSize = g.h() * g.w();
    for (int i = 0; i < count; i++) {
      for (int ch = 0; ch < g.c(); ch++) {
        split4(planes, ch * channelStride + i * grid.rowLen(), x,
            ((n0 + i) * g.c() + ch) * planeSize, g, wide);
      }
    }
  }

  /** {@link Winograd4Transforms#split} of one channel plane (a vector implementation overrides). */
  void split4(float[] planes, int off, float[] x, int src, ConvGeometry g, TileGrid grid) {
    Winograd4Transforms.split(planes, off, x, src, g, grid);
  }

  @Override
  public void winograd4PanelInput(float[] v, int vOff, int rowStride, int width, int xiStride,
      float[] planes, int channelStride, int channels, int q0, ConvGeometry g) {
    Winograd4Transforms.panelInput(v, vOff, rowStride, width, xiStride, planes, channelStride,
        channels, q0, TileGrid.of(g, 4));
  }

  @Override
  public void winograd4OutputGradient(float[] dm, int panel, float[] dy, int n0, int count,
      int perImage, int out, ConvGeometry g) {
    Winograd4Transforms.outputGradient(dm, panel, dy, n0, count, perImage, out, TileGrid.of(g, 4));
  }

  @Override
  public void winograd4PanelOutput(float[] y, int yOff, float[] m, int width, int xiStride,
      int channels, int q0, ConvGeometry g, float[] bias, int biasOff) {
    Winograd4Transforms.panelOutput(y, yOff, m, width, xiStride, channels, q0, TileGrid.of(g, 4),
        bias, biasOff);
  }

  @Override
  public void winograd4Filters(float[] u, float[] w, int out, int in) {
    Winograd4Transforms.filters(u, w, out, in);
  }

  @Override
  public void winogradPanelOutput(float[] y, int yOff, float[] m, int width, int xiStride,
      int channels, int q0, ConvGeometry g, float[] bias, int biasOff) {
    TileGrid grid = TileGrid.of(g);
    int ow = grid.ow();
    int tw = grid.tw();
    int rowLen = grid.rowLen();
    for (int c = 0; c < channels; c++) {
      int plane = yOff + c * grid.planeSize();
      // the lanes by tile row: each run [j, j + run) lies in one tile row
      for (int j = 0; j < width; ) {
        int q = q0 + j;
        int ty = q / rowLen;
        if (ty >= grid.th()) {
          break;
        }
        int tx = q - ty * rowLen;
        int run = Math.min(width - j, rowLen - tx);
        int tiles = Math.min(run, tw - tx);
        if (tiles > 0) {
          // tile tx' of the run has its products at c*width + j + (tx' - tx) + xi*xiStride
          int top = plane + 2 * ty * ow;
          int t0 = c * width + j - tx;
          outputTiles(y, top, ow, true, m, t0, xiStride, tx, tx + tiles, bias, biasOff + c);
          if (2 * ty + 1 < grid.oh()) {
            outputTiles(y, top + ow, ow, false, m, t0, xiStride, tx, tx + tiles, bias, biasOff + c);
          }
        }
        j += run;
      }
    }
  }

  /**
   * The transform of one row of tw tiles: v[off + xi*stride + tx] = (B^T d B)[xi], where d_rs =
   * quarters[(2*(r%2) + s%2)*quarter + base + (r/2)*rowLen + s/2 + tx]. First the rows,
   * q_as = (B^T d)_as: q0 = d0 - d2, q1 = d1 + d2, q2 = d2 - d1, q3 = d1 - d3; then the columns,
   * (q B)_ab: q_a0 - q_a2, q_a1 + q_a2, q_a2 - q_a1, q_a1 - q_a3. The {@code writable} (at least
   * tw) floats from off of each xi may be overwritten: the caller writes those past the row later.
   */
  void transformTileRow(float[] v, int off, int stride, int writable, float[] quarters, int base,
      int quarter, int rowLen, int tw) {
    transformTiles(v, off, stride, quarters, base, quarter, rowLen, tw);
  }

  /**
   * The th rows of tiles of one plane, row ty to v[off + ty*tw + xi*stride ..] as
   * {@link #transformTileRow} writes it; {@code writable} floats from off may be overwritten.
   */
  void transformTileRows(float[] v, int off, int stride, int writable, float[] quarters, int quarter,
      int rowLen, int tw, int th) {
    for (int ty = 0; ty < th; ty++) {
      transformTileRow(v, off + ty * tw, stride, writable - ty * tw, quarters, ty * rowLen, quarter,
          rowLen, tw);
    }
  }

  /** {@link #transformTileRow} writing exactly its tw tiles. */
  static void transformTiles(float[] v, int off, int stride, float[] quarters, int base, int quarter,
      int rowLen, int tw) {
    float[] q = new float[16];
    for (int tx = 0; tx < tw; tx++) {
      for (int s = 0; s < 4; s++) {
        int col = base + (s % 2) * quarter + s / 2 + tx;
        float d0 = quarters[col];
        float d1 = quarters[col + 2 * quarter];
        float d2 = quarters[col + rowLen];
        float d3 = quarters[col + 2 * quarter + rowLen];
        q[s] = d0 - d2;
        q[4 + s] = d1 + d2;
        q[8 + s] = d2 - d1;
        q[12 + s] = d1 - d3;
      }
      for (int a = 0; a < 4; a++) {
        int o = off + 4 * a * stride + tx;
        v[o] = q[4 * a] - q[4 * a + 2];
        v[o + stride] = q[4 * a + 1] + q[4 * a + 2];
        v[o + 2 * stride] = q[4 * a + 2] - q[4 * a + 1];
        v[o + 3 * stride] = q[4 * a + 1] - q[4 * a + 3];
      }
    }
  }

  /**
   * Tiles [tx0, tx1) of one output row of {@link #winogradPanelOutput}, the top row of the tiles
   * (A^T's first row, m0 + m1 + m2) or the bottom one (its second, m1 - m2 - m3): the row's
   * first tile has its m[xi] at t0 + xi*s, the row starts at y[row].
   */
  static void outputTiles(float[] y, int row, int ow, boolean top, float[] m, int t0, int s, int tx0,
      int tx1, float[] bias, int biasAt) {
    boolean biased = bias != null;
    float b = biased ? bias[biasAt] : 0f;
    // A^T m for each column b (m_a,b at xi = 4a + b), then times A: columns c0 + c1 + c2 and
    // c1 - c2 - c3
    int p = top ? 0 : 4 * s;
    for (int tx = tx0; tx < tx1; tx++) {
      int t = t0 + tx + p;
      float r0 = top ? m[t] + m[t + 4 * s] + m[t + 8 * s] : m[t] - m[t + 4 * s] - m[t + 8 * s];
      float r1 = top ? m[t + s] + m[t + 5 * s] + m[t + 9 * s] : m[t + s] - m[t + 5 * s] - m[t + 9 * s];
      float r2 = top ? m[t + 2 * s] + m[t + 6 * s] + m[t + 10 * s] : m[t + 2 * s] - m[t + 6 * s] - m[t + 10 * s];
      float r3 = top ? m[t + 3 * s] + m[t + 7 * s] + m[t + 11 * s] : m[t + 3 * s] - m[t + 7 * s] - m[t + 11 * s];
      int ox = 2 * tx;
      float even = r0 + r1 + r2;
      y[row + ox] = biased ? even + b : even;
      if (ox + 1 < ow) {
        float odd = r1 - r2 - r3;
        y[row + ox + 1] = biased ? odd + b : odd;
      }
    }
  }

  @Override
  public void winogradOutputGradient(float[] dm, int panel, float[] dy, int n0, int count, int out,
      ConvGeometry g) {
    outputGradientFrom(dm, panel, dy, n0, count, 0, out, g);
  }

  /** {@link #winogradOutputGradient} of channels [co0, out) only. */
  static void outputGradientFrom(float[] dm, int panel, float[] dy, int n0, int count, int co0,
      int out, ConvGeometry g) {
    int oh = g.outH();
    int ow = g.outW();
    int th = (oh + 1) / 2;
    int tw = (ow + 1) / 2;
    int tiles = count * th * tw;
    int s = Winograd.gradientProductStride(out, panel, tiles);
    int planeSize = oh * ow;
    for (int t = 0; t < tiles && co0 < out; t++) {
      int n = t / (th * tw);
      int ty = t / tw % th;
      int ox = 2 * (t % tw);
      int top = ((n0 + n) * out + co0) * planeSize + 2 * ty * ow + ox;
      outputGradientChannels(dm, panel, tiles, dy, t, co0, out, s, top, planeSize, ow,
          2 * ty + 1 < oh, ox + 1 < ow);
    }
  }

  /**
   * {@link #winogradOutputGradient} of tile t (of {@code tiles}) for channels [co0, out), the
   * first of which has its 2x2 block's top-left value at dy[top]; bottom and right say whether
   * the block's second row and column lie inside the output (zero otherwise).
   */
  static void outputGradientChannels(float[] dm, int panel, int tiles, float[] dy, int t, int co0,
      int out, int s, int top, int planeSize, int ow, boolean bottom, boolean right) {
    // channels innermost: the writes of each xi are contiguous within a panel
    for (int co = co0; co < out; co++, top += planeSize) {
      int o = (co / panel * tiles + t) * panel + co % panel;
      float y00 = dy[top];
      float y01 = right ? dy[top + 1] : 0f;
      float y10 = bottom ? dy[top + ow] : 0f;
      float y11 = bottom && right ? dy[top + ow + 1] : 0f;
      // A dY (rows y0, y0 + y1, y0 - y1, -y1), then times A^T (the same on each row)
      rowTimesAt(dm, o, s, y00, y01);
      rowTimesAt(dm, o + 4 * s, s, y00 + y10, y01 + y11);
      rowTimesAt(dm, o + 8 * s, s, y00 - y10, y01 - y11);
      rowTimesAt(dm, o + 12 * s, s, -y10, -y11);
    }
  }

  /** One row (p0, p1) of A dY times A^T: dm[o + b*s] = p0, p0 + p1, p0 - p1, -p1. */
  private static void rowTimesAt(float[] dm, int o, int s, float p0, float p1) {
    dm[o] = p0;
    dm[o + s] = p0 + p1;
    dm[o + 2 * s] = p0 - p1;
    dm[o + 3 * s] = -p1;
  }

  @Override
  public void winogradFilterGradient(float[] dw, float[] dut, int out, int in) {
    int stride = in * out;
    float[] r = new float[12];
    for (int co = 0; co < out; co++) {
      for (int ci = 0; ci < in; ci++) {
        int src = ci * out + co;
        // G^T dU (3 x 4): rows u0 + (u1 + u2)/2, (u1 - u2)/2, (u1 + u2)/2 + u3
        for (int b = 0; b < 4; b++) {
          float u0 = dut[(b) * stride + src];
          float u1 = dut[(4 + b) * stride + src];
          float u2 = dut[(8 + b) * stride + src];
          float u3 = dut[(12 + b) * stride + src];
          r[b] = u0 + 0.5f * (u1 + u2);
          r[4 + b] = 0.5f * (u1 - u2);
          r[8 + b] = 0.5f * (u1 + u2) + u3;
        }
        // then times G: the same combination of the columns
        int dst = (co * in + ci) * 9;
        for (int i = 0; i < 3; i++) {
          float c0 = r[4 * i];
          float c1 = r[4 * i + 1];
          float c2 = r[4 * i + 2];
          float c3 = r[4 * i + 3];
          dw[dst + 3 * i] = c0 + 0.5f * (c1 + c2);
          dw[dst + 3 * i + 1] = 0.5f * (c1 - c2);
          dw[dst + 3 * i + 2] = 0.5f * (c1 + c2) + c3;
        }
      }
    }
  }

  /**
   * The output columns [lo, hi) whose input column ox*stride - pad + kj lies inside [0, w): the
   * interior of a kernel row, where no bounds check is needed.
   */
  private static int interiorLo(int kj, ConvGeometry g) {
    // smallest ox with ox*stride >= pad - kj
    int need = g.padW() - kj;
    return need <= 0 ? 0 : (need + g.strideW() - 1) / g.strideW();
  }

  private static int interiorHi(int kj, int ow, ConvGeometry g) {
    // largest ox with ox*stride - pad + kj <= w - 1, plus one
    int limit = g.w() - 1 + g.padW() - kj;
    return limit < 0 ? 0 : Math.min(ow, limit / g.strideW() + 1);
  }

  @Override
  public void im2colChannelsFirst(float[] col, float[] x, int image, int oy0, int oy1, ConvGeometry g) {
    int ow = g.outW();
    int cols = (oy1 - oy0) * ow;
    int sw = g.strideW();
    int planeSize = g.h() * g.w();
    for (int c = 0; c < g.c(); c++) {
      int plane = (image * g.c() + c) * planeSize;
      for (int ki = 0; ki < g.kh(); ki++) {
        for (int kj = 0; kj < g.kw(); kj++) {
          int rowBase = ((c * g.kh() + ki) * g.kw() + kj) * cols;
          int lo = interiorLo(kj, g);
          int hi = Math.max(lo, interiorHi(kj, ow, g));
          for (int oy = oy0; oy < oy1; oy++) {
            int iy = oy * g.strideH() - g.padH() + ki;
            int o = rowBase + (oy - oy0) * ow;
            if (iy < 0 || iy >= g.h()) {
              java.util.Arrays.fill(col, o, o + ow, 0f);
              continue;
            }
            // padding left and right of the interior, then the interior itself
            java.util.Arrays.fill(col, o, o + lo, 0f);
            java.util.Arrays.fill(col, o + hi, o + ow, 0f);
            int src = plane + iy * g.w() - g.padW() + kj;
            if (sw == 1) {
              System.arraycopy(x, src + lo, col, o + lo, hi - lo);
            } else {
              for (int ox = lo; ox < hi; ox++) {
                col[o + ox] = x[src + ox * sw];
              }
            }
          }
        }
      }
    }
  }

  @Override
  public void col2imChannelsFirstAccumulate(float[] dx, float[] col, int image, int oy0, int oy1,
      ConvGeometry g) {
    int ow = g.outW();
    int cols = (oy1 - oy0) * ow;
    int sw = g.strideW();
    int planeSize = g.h() * g.w();
    KernelSupport k = Kernels.get();
    for (int c = 0; c < g.c(); c++) {
      int plane = (image * g.c() + c) * planeSize;
      for (int ki = 0; ki < g.kh(); ki++) {
        for (int kj = 0; kj < g.kw(); kj++) {
          int rowBase = ((c * g.kh() + ki) * g.kw() + kj) * cols;
          int lo = interiorLo(kj, g);
          int hi = Math.max(lo, interiorHi(kj, ow, g));
          for (int oy = oy0; oy < oy1; oy++) {
            int iy = oy * g.strideH() - g.padH() + ki;
            if (iy < 0 || iy >= g.h()) {
              continue;
            }
            int dst = plane + iy * g.w() - g.padW() + kj;
            int o = rowBase + (oy - oy0) * ow;
            if (sw == 1) {
              // dx[dst + ox] += col[o + ox] over the interior (elementwise: same bits as the loop)
              k.add(dx, dst + lo, col, o + lo, dx, dst + lo, hi - lo);
            } else {
              for (int ox = lo; ox < hi; ox++) {
                dx[dst + ox * sw] += col[o + ox];
              }
            }
          }
        }
      }
    }
  }

  @Override
  public void im2rowChannelsLast(float[] rows, float[] x, int n0, int count, ConvGeometry g) {
    int oh = g.outH();
    int ow = g.outW();
    int k = g.windowSize();
    int khw = g.kh() * g.kw();
    for (int n = 0; n < count; n++) {
      int image = (n0 + n) * g.h() * g.w() * g.c();
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
          int row = ((n * oh + oy) * ow + ox) * k;
          for (int ki = 0; ki < g.kh(); ki++) {
            int iy = oy * g.strideH() - g.padH() + ki;
            for (int kj = 0; kj < g.kw(); kj++) {
              int ix = ox * g.strideW() - g.padW() + kj;
              int dst = row + ki * g.kw() + kj;
              if (iy < 0 || iy >= g.h() || ix < 0 || ix >= g.w()) {
                for (int c = 0; c < g.c(); c++) {
                  rows[dst + c * khw] = 0f;
                }
              } else {
                int src = image + (iy * g.w() + ix) * g.c();
                for (int c = 0; c < g.c(); c++) {
                  rows[dst + c * khw] = x[src + c];
                }
              }
            }
          }
        }
      }
    }
  }

  @Override
  public void row2imChannelsLastAccumulate(float[] dx, float[] rows, int n0, int count, ConvGeometry g) {
    int oh = g.outH();
    int ow = g.outW();
    int k = g.windowSize();
    int khw = g.kh() * g.kw();
    for (int n = 0; n < count; n++) {
      int image = (n0 + n) * g.h() * g.w() * g.c();
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
          int row = ((n * oh + oy) * ow + ox) * k;
          for (int ki = 0; ki < g.kh(); ki++) {
            int iy = oy * g.strideH() - g.padH() + ki;
            if (iy < 0 || iy >= g.h()) {
              continue;
            }
            for (int kj = 0; kj < g.kw(); kj++) {
              int ix = ox * g.strideW() - g.padW() + kj;
              if (ix < 0 || ix >= g.w()) {
                continue;
              }
              int src = row + ki * g.kw() + kj;
              int dst = image + (iy * g.w() + ix) * g.c();
              for (int c = 0; c < g.c(); c++) {
                dx[dst + c] += rows[src + c * khw];
              }
            }
          }
        }
      }
    }
  }

  /**
   * Memory strides of a pooling's input and output: image, channel, row and column, for either
   * layout, so one loop serves both (index = n*image + c*channel + y*row + x*column).
   */
  private record PoolStrides(int inImage, int inChannel, int inRow, int inColumn,
      int outImage, int outChannel, int outRow, int outColumn) {
    static PoolStrides of(PoolGeometry g) {
      int oh = g.outH();
      int ow = g.outW();
      int c = g.c();
      return g.channelsLast()
          ? new PoolStrides(g.h() * g.w() * c, 1, g.w() * c, c, oh * ow * c, 1, ow * c, c)
          : new PoolStrides(c * g.h() * g.w(), g.h() * g.w(), g.w(), 1, c * oh * ow, oh * ow, ow, 1);
    }
  }

  @Override
  public void maxPool(float[] y, int[] argmax, float[] x, PoolGeometry g) {
    if (!g.channelsLast() && g.padH() == 0 && g.padW() == 0) {
      maxPoolChannelsFirstUnpadded(y, argmax, x, g);
      return;
    }
    pooledWindows(g, (n, inPlane, o, y0, y1, x0, x1, s, inv) -> {
      int bestIndex = inPlane + y0 * s.inRow() + x0 * s.inColumn();
      float best = x[bestIndex];
      // the first maximum wins ties; a NaN wins and stays (PyTorch propagates NaN)
      for (int iy = y0; iy < y1 && !Float.isNaN(best); iy++) {
        for (int ix = x0; ix < x1; ix++) {
          int idx = inPlane + iy * s.inRow() + ix * s.inColumn();
          float v = x[idx];
          if (v > best || Float.isNaN(v)) {
            best = v;
            bestIndex = idx;
            if (Float.isNaN(v)) {
              break;
            }
          }
        }
      }
      y[o] = best;
      argmax[o] = bestIndex;
    });
  }

  /**
   * {@link #maxPool} for channels-first input without padding (every window lies inside its
   * plane: the common 2x2 stride-2 case), in direct loops over planes; same visiting order, so the
   * same maxima and indices as the general path.
   */
  private void maxPoolChannelsFirstUnpadded(float[] y, int[] argmax, float[] x, PoolGeometry g) {
    Parallel.forRange(0, g.n() * g.c(), g.c(), (from, to) -> maxPoolPlanes(y, argmax, x, g, from, to));
  }

  @Override
  public void maxPoolImages(float[] y, int[] argmax, float[] x, PoolGeometry g, int from, int to) {
    if (g.channelsLast() || g.padH() != 0 || g.padW() != 0) {
      throw new IllegalArgumentException("maxPoolImages: expected channels-first input without"
          + " padding, got " + g);
    }
    if (from < 0 || to > g.n() || from > to) {
      throw new IllegalArgumentException("maxPoolImages: expected 0 <= from <= to <= " + g.n()
          + ", got [" + from + ", " + to + ")");
    }
    maxPoolPlanes(y, argmax, x, g, from * g.c(), to * g.c());
  }

  /** Planes (image*C + channel) [from, to) of {@link #maxPoolChannelsFirstUnpadded}. */
  private void maxPoolPlanes(float[] y, int[] argmax, float[] x, PoolGeometry g, int from, int to) {
    int h = g.h();
    int w = g.w();
    int oh = g.outH();
    int ow = g.outW();
    for (int plane = from; plane < to; plane++) {
      int in = plane * h * w;
      int o = plane * oh * ow;
      for (int oy = 0; oy < oh; oy++, o += ow) {
        maxPoolRow(y, argmax, x, in + oy * g.strideH() * w, o, w, g.kh(), g.kw(), g.strideW(), ow,
            to * oh * ow);
      }
    }
  }

  /**
   * One output row of an unpadded channels-first max pooling: {@link #maxPoolWindows} for all ow
   * outputs. The outputs from o up to {@code end} may be overwritten: the caller writes those
   * past the row later.
   */
  void maxPoolRow(float[] y, int[] argmax, float[] x, int corner0, int o, int w, int kh, int kw, int sw,
      int ow, int end) {
    maxPoolWindows(y, argmax, x, corner0, o, w, kh, kw, sw, 0, ow);
  }

  /**
   * Outputs [ox0, ox1) of one output row of an unpadded channels-first max pooling: output
   * o + ox has its window's top-left corner at x[corner + ox*sw], kh x kw values, rows w apart.
   */
  static void maxPoolWindows(float[] y, int[] argmax, float[] x, int corner0, int o, int w, int kh,
      int kw, int sw, int ox0, int ox1) {
    for (int ox = ox0; ox < ox1; ox++) {
      int corner = corner0 + ox * sw;
      if (kh == 2 && kw == 2) {
        float a = x[corner];
        float b = x[corner + 1];
        float c = x[corner + w];
        float d = x[corner + w + 1];
        if (a == a && b == b && c == c && d == d) {
          // no NaN: the first maximum in row-major order, written to compile to
          // conditional moves (random data makes branches unpredictable)
          int bi = corner;
          float m = a;
          boolean t = b > m;
          m = t ? b : m;
          bi = t ? corner + 1 : bi;
          t = c > m;
          m = t ? c : m;
          bi = t ? corner + w : bi;
          t = d > m;
          m = t ? d : m;
          bi = t ? corner + w + 1 : bi;
          y[o + ox] = m;
          argmax[o + ox] = bi;
          continue;
        }
      }
      int bestIndex = corner;
      float best = x[corner];
      // the first maximum wins ties; a NaN wins and stays (PyTorch propagates NaN)
      for (int i = 0; i < kh && !Float.isNaN(best); i++) {
        int row = corner + i * w;
        for (int j = 0; j < kw; j++) {
          float v = x[row + j];
          if (v > best || Float.isNaN(v)) {
            best = v;
            bestIndex = row + j;
            if (Float.isNaN(v)) {
              break;
            }
          }
        }
      }
      y[o + ox] = best;
      argmax[o + ox] = bestIndex;
    }
  }

  @Override
  public void maxPoolBackwardAccumulate(float[] dx, float[] dy, int[] argmax, int from, int to) {
    for (int o = from; o < to; o++) {
      dx[argmax[o]] += dy[o];
    }
  }

  @Override
  public void avgPool(float[] y, float[] x, PoolGeometry g) {
    pooledWindows(g, (n, inPlane, o, y0, y1, x0, x1, s, inv) -> {
      double sum = 0;
      for (int iy = y0; iy < y1; iy++) {
        for (int ix = x0; ix < x1; ix++) {
          sum += x[inPlane + iy * s.inRow() + ix * s.inColumn()];
        }
      }
      y[o] = (float) sum * inv;
    });
  }

  @Override
  public void avgPoolBackwardAccumulate(float[] dx, float[] dy, PoolGeometry g) {
    pooledWindows(g, (n, inPlane, o, y0, y1, x0, x1, s, inv) -> {
      float d = dy[o] * inv;
      for (int iy = y0; iy < y1; iy++) {
        for (int ix = x0; ix < x1; ix++) {
          dx[inPlane + iy * s.inRow() + ix * s.inColumn()] += d;
        }
      }
    });
  }

  /** One pooling window: output index, the clipped input rows [y0, y1) and columns [x0, x1). */
  @FunctionalInterface
  private interface Window {
    void run(int n, int inPlane, int out, int y0, int y1, int x0, int x1, PoolStrides s, float inv);
  }

  /**
   * Visits every output window of a pooling, images in parallel (each image's windows read and
   * write only that image). {@code inv} is 1 / the full window size, padding included (average
   * pooling's count_include_pad=True).
   */
  private static void pooledWindows(PoolGeometry g, Window window) {
    int oh = g.outH();
    int ow = g.outW();
    PoolStrides s = PoolStrides.of(g);
    float inv = 1f / (g.kh() * g.kw());
    Parallel.forRange(0, g.n(), 1, (from, to) -> {
      for (int n = from; n < to; n++) {
        for (int c = 0; c < g.c(); c++) {
          int inPlane = n * s.inImage() + c * s.inChannel();
          int outPlane = n * s.outImage() + c * s.outChannel();
          for (int oy = 0; oy < oh; oy++) {
            int y0 = Math.max(0, oy * g.strideH() - g.padH());
            int y1 = Math.min(g.h(), oy * g.strideH() - g.padH() + g.kh());
            for (int ox = 0; ox < ow; ox++) {
              int x0 = Math.max(0, ox * g.strideW() - g.padW());
              int x1 = Math.min(g.w(), ox * g.strideW() - g.padW() + g.kw());
              window.run(n, inPlane, outPlane + oy * s.outRow() + ox * s.outColumn(), y0, y1, x0, x1, s, inv);
            }
          }
        }
      }
    });
  }
}
