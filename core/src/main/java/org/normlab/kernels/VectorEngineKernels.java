package org.normlab.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link EngineKernels} on the Vector API: the elementwise activation loops, bias adds and 2x2
 * max pooling; the other gather-shaped loops (im2col, other pooling) are inherited from
 * {@link ScalarEngineKernels}, and the Winograd transforms are in {@link VectorWinograd}. Loaded
 * only through {@link VectorKernels}. Tails run the scalar code.
 */
final class VectorEngineKernels extends ScalarEngineKernels {
  private static final VectorSpecies<Float> F = VectorKernels.F;
  private static final ScalarEngineKernels TAIL = ScalarEngineKernels.INSTANCE;
  private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
  private static final FloatVector ONE = FloatVector.broadcast(F, 1f);

  /** {@link ExpMath#exp} on every lane, with the same operations in the same order. */
  static FloatVector exp(FloatVector x) {
    FloatVector v = x.max(ExpMath.LOW).min(ExpMath.HIGH);
    FloatVector t = v.fma(ExpMath.LOG2E, ExpMath.ROUND);
    FloatVector n = t.sub(ExpMath.ROUND);
    FloatVector r = n.fma(FloatVector.broadcast(F, -ExpMath.LN2_HI), v);
    r = n.fma(FloatVector.broadcast(F, -ExpMath.LN2_LO), r);
    FloatVector p = FloatVector.broadcast(F, ExpMath.P0).fma(r, FloatVector.broadcast(F, ExpMath.P1));
    p = p.fma(r, FloatVector.broadcast(F, ExpMath.P2));
    p = p.fma(r, FloatVector.broadcast(F, ExpMath.P3));
    p = p.fma(r, FloatVector.broadcast(F, ExpMath.P4));
    p = p.fma(r, FloatVector.broadcast(F, ExpMath.P5));
    FloatVector e = p.fma(r.mul(r), r).add(1f);
    IntVector bits = ((IntVector) t.reinterpretShape(I, 0))
        .sub(Float.floatToRawIntBits(ExpMath.ROUND) - 127).lanewise(VectorOperators.LSHL, 23);
    return e.mul((FloatVector) bits.reinterpretShape(F, 0));
  }

  @Override
  public void sigmoid(float[] y, float[] x, int off, int len) {
    // y[i] = 1 / (1 + exp(-x[i])), exp as ExpMath.exp
    int bound = F.loopBound(len);
    int i = 0;
    for (; i < bound; i += F.length()) {
      FloatVector v = FloatVector.fromArray(F, x, off + i);
      ONE.div(exp(v.neg()).add(1f)).intoArray(y, off + i);
    }
    TAIL.sigmoid(y, x, off + i, len - i);
  }

  @Override
  public void sigmoidBackward(float[] dx, float[] dy, float[] y, int off, int len) {
    // dx[i] = dy[i] * y[i] * (1 - y[i])
    int bound = F.loopBound(len);
    int i = 0;
    for (; i < bound; i += F.length()) {
      FloatVector yv = FloatVector.fromArray(F, y, off + i);
      FloatVector g = FloatVector.fromArray(F, dy, off + i);
      g.mul(yv).mul(yv.neg().add(1f)).intoArray(dx, off + i);
    }
    TAIL.sigmoidBackward(dx, dy, y, off + i, len - i);
  }

  @Override
  public void tanh(float[] y, float[] x, int off, int len) {
    // y[i] = sign(x) * (1 - e) / (1 + e), e = exp(-2|x|), exp as ExpMath.exp
    int bound = F.loopBound(len);
    int i = 0;
    for (; i < bound; i += F.length()) {
      FloatVector v = FloatVector.fromArray(F, x, off + i);
      FloatVector e = exp(v.abs().mul(-2f));
      FloatVector magnitude = ONE.sub(e).div(e.add(1f));
      // copy the sign of x: magnitude >= 0, so OR-ing the sign bit in is copySign
      IntVector sign = ((IntVector) v.reinterpretShape(I, 0)).and(0x80000000);
      ((FloatVector) ((IntVector) magnitude.reinterpretShape(I, 0)).or(sign).reinterpretShape(F, 0))
          .intoArray(y, off + i);
    }
    TAIL.tanh(y, x, off + i, len - i);
  }

  @Override
  public void tanhBackward(float[] dx, float[] dy, float[] y, int off, int len) {
    // dx[i] = dy[i] * (1 - y[i]^2)
    int bound = F.loopBound(len);
    int i = 0;
    for (; i < bound; i += F.length()) {
      FloatVector yv = FloatVector.fromArray(F, y, off + i);
      FloatVector g = FloatVector.fromArray(F, dy, off + i);
      g.mul(yv.mul(yv).neg().add(1f)).intoArray(dx, off + i);
    }
    TAIL.tanhBackward(dx, dy, y, off + i, len - i);
  }

  @Override
  public void reluBackward(float[] dx, float[] dy, float[] y, int off, int len) {
    // dx[i] = y[i] > 0 ? dy[i] : 0
    int bound = F.loopBound(len);
    int i = 0;
    FloatVector zero = FloatVector.zero(F);
    for (; i < bound; i += F.length()) {
      FloatVector yv = FloatVector.fromArray(F, y, off + i);
      VectorMask<Float> positive = yv.compare(VectorOperators.GT, 0f);
      zero.blend(FloatVector.fromArray(F, dy, off + i), positive).intoArray(dx, off + i);
    }
    TAIL.reluBackward(dx, dy, y, off + i, len - i);
  }

  @Override
  public void directConvolution(float[] y, int yOff, float[] padded, float[] w, int channels,
      PaddedPlanes p) {
    if (p.ow() < F.length()) {
      // rows narrower than one vector
      super.directConvolution(y, yOff, padded, w, channels, p);
      return;
    }
    VectorDirectConvolution.convolution(y, yOff, padded, w, channels, p);
  }

  @Override
  public void directFilterGradient(float[] dw, float[] dy, int dyOff, float[] padded, int images,
      int channels, PaddedPlanes p) {
    if (p.ow() < F.length()) {
      super.directFilterGradient(dw, dy, dyOff, padded, images, channels, p);
      return;
    }
    VectorDirectConvolution.filterGradient(dw, dy, dyOff, padded, images, channels, p);
  }

  @Override
  void split(float[] quarters, int qOff, float[] x, int plane, ConvGeometry g, int quarter,
      int rowLen) {
    VectorWinograd.split(quarters, qOff, x, plane, g, quarter, rowLen);
  }

  @Override
  void transformTileRows(float[] v, int off, int stride, int writable, float[] quarters, int quarter,
      int rowLen, int tw, int th) {
    VectorWinograd.transformTileRows(v, off, stride, writable, quarters, quarter, rowLen, tw, th);
  }

  @Override
  void transformTileRow(float[] v, int off, int stride, int writable, float[] quarters, int base,
      int quarter, int rowLen, int tw) {
    VectorWinograd.transformTileRow(v, off, stride, writable, quarters, base, quarter, rowLen, tw);
  }

  @Override
  void split4(float[] planes, int off, float[] x, int src, ConvGeometry g, TileGrid grid) {
    VectorWinograd4.split(planes, off, x, src, g, grid);
  }

  @Override
  public void winograd4PanelInput(float[] v, int vOff, int rowStride, int width, int xiStride,
      float[] planes, int channelStride, int channels, int q0, ConvGeometry g) {
    if (width % F.length() != 0) {
      super.winograd4PanelInput(v, vOff, rowStride, width, xiStride, planes, channelStride,
          channels, q0, g);
      return;
    }
    VectorWinograd4.panelInput(v, vOff, rowStride, width, xiStride, planes, channelStride,
        channels, q0, TileGrid.of(g, 4));
  }

  @Override
  public void winograd4OutputGradient(float[] dm, int panel, float[] dy, int n0, int count,
      int perImage, int out, ConvGeometry g) {
    VectorWinograd4.outputGradient(dm, panel, dy, n0, count, perImage, out, TileGrid.of(g, 4));
  }

  @Override
  public void winograd4Filters(float[] u, float[] w, int out, int in) {
    VectorWinograd4.filters(u, w, out, in);
  }

  @Override
  public void winograd4PanelOutput(float[] y, int yOff, float[] m, int width, int xiStride,
      int channels, int q0, ConvGeometry g, float[] bias, int biasOff) {
    if (width % F.length() != 0) {
      super.winograd4PanelOutput(y, yOff, m, width, xiStride, channels, q0, g, bias, biasOff);
      return;
    }
    VectorWinograd4.panelOutput(y, yOff, m, width, xiStride, channels, q0, TileGrid.of(g, 4),
        bias, biasOff);
  }

  @Override
  public void winogradPanelOutput(float[] y, int yOff, float[] m, int width, int xiStride,
      int channels, int q0, ConvGeometry g, float[] bias, int biasOff) {
    if (width % F.length() != 0) {
      // panels of whole vectors only (the vector tile kernel's are two vectors wide)
      super.winogradPanelOutput(y, yOff, m, width, xiStride, channels, q0, g, bias, biasOff);
      return;
    }
    VectorWinograd.panelOutput(y, yOff, m, width, xiStride, channels, q0, g, bias, biasOff);
  }

  @Override
  public void winogradOutputGradient(float[] dm, int panel, float[] dy, int n0, int count, int out,
      ConvGeometry g) {
    VectorWinograd.outputGradient(dm, panel, dy, n0, count, out, g);
  }

  private static final VectorShuffle<Float> EVEN = VectorShuffles.EVEN;
  private static final VectorShuffle<Float> ODD = VectorShuffles.ODD;
  private static final IntVector TWICE_IOTA = IntVector.zero(I).addIndex(2);

  /**
   * 2x2 stride-2 windows in vectors of F.length() outputs (the common pooling of CNNs); other
   * windows, vectors with a NaN in a window and the row's tail run the scalar code. Stores are
   * whole vectors, running past the row (into rows written later) while they end before
   * {@code end}; no masked stores, whose lane masks C2 built in slow generic code.
   */
  @Override
  void maxPoolRow(float[] y, int[] argmax, float[] x, int corner0, int o, int w, int kh, int kw, int sw,
      int ow, int end) {
    if (kh != 2 || kw != 2 || sw != 2) {
      super.maxPoolRow(y, argmax, x, corner0, o, w, kh, kw, sw, ow, end);
      return;
    }
    int lanesMax = F.length();
    int ox = 0;
    // a vector of outputs reads 2 * lanesMax inputs from each of the window's two rows
    for (; ox < ow && corner0 + 2 * ox + w + 2 * lanesMax <= x.length
        && (ow - ox >= lanesMax || o + ox + lanesMax <= end); ox += lanesMax) {
      if (!maxPool2x2(y, argmax, x, corner0 + 2 * ox, o + ox, w)) {
        maxPoolWindows(y, argmax, x, corner0, o, w, 2, 2, 2, ox, Math.min(ow, ox + lanesMax));
      }
    }
    maxPoolWindows(y, argmax, x, corner0, o, w, 2, 2, 2, ox, ow);
  }

  /**
   * The 2x2 windows with top-left corners x[corner + 2i] for the lanes i: the first maximum in
   * row-major order (a, b on the top row, then c, d) and its index. Writes nothing and returns
   * false when any of the four values of a lane is NaN (NaN propagates as in the scalar code).
   */
  private static boolean maxPool2x2(float[] y, int[] argmax, float[] x, int corner, int o, int w) {
    int n = F.length();
    FloatVector top0 = FloatVector.fromArray(F, x, corner);
    FloatVector top1 = FloatVector.fromArray(F, x, corner + n);
    FloatVector a = top0.rearrange(EVEN, top1);
    FloatVector b = top0.rearrange(ODD, top1);
    FloatVector bottom0 = FloatVector.fromArray(F, x, corner + w);
    FloatVector bottom1 = FloatVector.fromArray(F, x, corner + w + n);
    FloatVector c = bottom0.rearrange(EVEN, bottom1);
    FloatVector d = bottom0.rearrange(ODD, bottom1);
    if (a.compare(VectorOperators.NE, a).or(b.compare(VectorOperators.NE, b))
        .or(c.compare(VectorOperators.NE, c)).or(d.compare(VectorOperators.NE, d)).anyTrue()) {
      return false;
    }
    IntVector base = TWICE_IOTA.add(corner);
    VectorMask<Float> t = b.compare(VectorOperators.GT, a);
    FloatVector m = a.blend(b, t);
    IntVector best = base.blend(base.add(1), t.cast(I));
    t = c.compare(VectorOperators.GT, m);
    m = m.blend(c, t);
    best = best.blend(base.add(w), t.cast(I));
    t = d.compare(VectorOperators.GT, m);
    m = m.blend(d, t);
    best = best.blend(base.add(w + 1), t.cast(I));
    m.intoArray(y, o);
    best.intoArray(argmax, o);
    return true;
  }

  @Override
  public void addRowBias(float[] y, int off, float[] bias, int rows, int cols) {
    // y[off + r*cols + c] += bias[c]
    int bound = F.loopBound(cols);
    for (int r = 0; r < rows; r++) {
      int base = off + r * cols;
      int c = 0;
      for (; c < bound; c += F.length()) {
        FloatVector.fromArray(F, y, base + c).add(FloatVector.fromArray(F, bias, c))
            .intoArray(y, base + c);
      }
      for (; c < cols; c++) {
        y[base + c] += bias[c];
      }
    }
  }

  @Override
  public void addChannelBias(float[] y, int off, float[] bias, int n, int channels, int spatial) {
    // y[off + (i*channels + c)*spatial + p] += bias[c]
    int bound = F.loopBound(spatial);
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < channels; c++) {
        int base = off + (i * channels + c) * spatial;
        float b = bias[c];
        int p = 0;
        for (; p < bound; p += F.length()) {
          FloatVector.fromArray(F, y, base + p).add(b).intoArray(y, base + p);
        }
        for (; p < spatial; p++) {
          y[base + p] += b;
        }
      }
    }
  }
}
