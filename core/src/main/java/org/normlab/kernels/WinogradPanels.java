package org.normlab.kernels;

import java.util.Arrays;

/**
 * The forward product of {@link Winograd#convolve}, fused panel by panel, for F(2x2, 3x3) (16
 * products xi) and F(4x4, 3x3) (36). The tile positions of one image, q = ty*(TW+1) + tx (a
 * padding position ends each tile row), are cut into panels of {@code nr} positions, the column
 * width of the GEMM tile kernel. Where an image's positions leave the last panel partly empty,
 * a few images go side by side as one wide image ({@link #imagesSideBySide},
 * {@link TileGrid#sideBySide}): 14x14 and 28x28 outputs have 56 positions, 64 in two panels, and
 * four images fill seven (convolution of 128 images in pieces of 4, one thread, medians of 80
 * runs interleaved in one JVM: 64 -> 64 channels at 14x14 14.9 -> 13.9 ms, 32 -> 64 at 14x14 9.0
 * -> 8.1 ms, 32 -> 32 at 28x28 (F(4x4)) 13.6 -> 12.2 ms). For each panel:
 * <ol>
 *   <li>the input transform writes V[xi] (in, nr) for every xi straight in the kernel's packed
 *       B-panel layout ({@link EngineKernels#winogradPanelInput},
 *       {@link EngineKernels#winograd4PanelInput}), {@link #XI_GAP} floats apart;
 *   <li>for each block of mr output channels, one tile-kernel call per xi multiplies the filters
 *       U[xi], packed as A panels once per layer call ({@link Winograd#filters}), by V[xi] into
 *       M[xi] (mr, nr);
 *   <li>the output transform writes those channels' outputs from M
 *       ({@link EngineKernels#winogradPanelOutput}, {@link EngineKernels#winograd4PanelOutput}).
 * </ol>
 * V and M of a panel (16 * (in + mr) * nr floats for F(2x2), 80 KiB for 32 channels) stay in
 * L1/L2, where an unfused product wrote 16 * (in + out) floats per tile to memory-sized arrays
 * and copied V again into packed panels. Each product is summed over input channels in order by
 * fused multiply-adds, with the scalar and vector transforms' operations, so both kernel sets
 * give the same bits.
 */
final class WinogradPanels {
  /**
   * At most this many images side by side: eight 14x14 images fill F(4x4, 3x3)'s panels (their
   * split planes, 0.8 MiB for 64 channels, about fill L2).
   */
  static final int MAX_SIDE_BY_SIDE = 8;
  private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[4][]);
  /**
   * Per thread: the layout whose padding the split planes in {@code SCRATCH} slot 0 hold as
   * zeros (images rewrite only their values), so that the calls of one layer, a piece of images
   * each, zero them once, not each: 0.5 MiB for 32 channels of four 28x28 images side by side.
   */
  private static final ThreadLocal<PlanesLayout[]> ZEROED =
      ThreadLocal.withInitial(() -> new PlanesLayout[1]);

  /** Which positions of the split planes the images write: all but the padding. */
  private record PlanesLayout(float[] planes, ConvGeometry g, int tile, int group) {}

  /**
   * Floats (one 64-byte line) between a panel's V[xi] blocks of in*width floats. For 32 channels
   * of 32 positions a block is 4 KiB, and the 16 values the input transform writes per position
   * (one per xi) would all fall in one L1 set, more lines than its ways; one line apart they fall
   * in 16 sets. Measured (Zen 5, one thread, 128 images, 32 -> 32 channels at 28x28, medians of
   * 15 runs): 19.2-19.8 ms without the gap, 17.1-18.5 ms with it (32, 64 floats: no better).
   */
  static final int XI_GAP = 16;

  private WinogradPanels() {}

  /**
   * Writes (overwrites) images [n0, n0+count) of y (N, out, OH, OW) with the convolution of the
   * same images of x (N, C, H, W) and the filters of {@link Winograd#filters} (U packed into the
   * tile kernel's A panels, {@link #packFilters}), plus bias[co] when bias is not null. The
   * filters' tile says which algorithm: F(2x2, 3x3) (16 products, {@link EngineKernels}'
   * winograd transforms) or F(4x4, 3x3) (36 products, its winograd4 transforms).
   */
  static void convolve(EngineKernels engine, GemmKernels gemm, float[] y, float[] x, int n0,
      int count, Winograd.Filters filters, ConvGeometry g, float[] bias) {
    int in = g.c();
    int out = filters.out();
    int tile = filters.tile();
    int xis = (tile + 2) * (tile + 2);
    int width = gemm.nr();
    int mr = gemm.mr();
    int blocks = (out + mr - 1) / mr;
    TileGrid single = TileGrid.of(g, tile);
    // `group` images side by side make one wide image (wg, grid) whose positions fill the panels
    int group = imagesSideBySide(count, single.positions(), width);
    TileGrid grid = group == 1 ? single : single.sideBySide(group);
    ConvGeometry wg = group == 1 ? g : new ConvGeometry(in, g.h(), grid.ow() - 2 * g.padW() + 2,
        3, 3, 1, 1, g.padH(), g.padW());
    // tile x tile split planes per channel, each one tile row and column larger than the grid
    int splitPlane = grid.splitPlane();
    int channelStride = tile * tile * splitPlane;
    int panels = (grid.positions() + width - 1) / width;
    float[] a = filters.packed();
    if (filters.in() != in || a.length != xis * blocks * mr * in || filters.mr() != mr) {
      throw new IllegalArgumentException("filters: expected Winograd.filters for " + in
          + " input channels packed for " + mr + "-row tiles, got " + filters);
    }
    float[][] buffers = SCRATCH.get();
    // the padding positions stay zero: every image rewrites only its values
    float[] planes = scratch(buffers, 0, in * channelStride + width);
    PlanesLayout layout = new PlanesLayout(planes, g, tile, group);
    PlanesLayout[] zeroed = ZEROED.get();
    if (!layout.equals(zeroed[0])) {
      Arrays.fill(planes, 0, in * channelStride + width, 0f);
      zeroed[0] = layout;
    }
    int xiStride = in * width + XI_GAP;
    float[] v = scratch(buffers, 1, xis * xiStride);
    // slack: the output transform may read a vector past the last product
    float[] m = scratch(buffers, 2, xis * mr * width + width);
    // the outputs of a wide image, copied to the images' planes once all its panels are done
    float[] wideY = group == 1 ? null : scratch(buffers, 3, out * grid.planeSize());
    for (int n = n0; n < n0 + count; n += group) {
      if (tile == 4) {
        engine.winograd4Split(planes, channelStride, x, n, group, g);
      } else {
        engine.winogradQuarters(planes, channelStride, x, n, group, g);
      }
      for (int p = 0; p < panels; p++) {
        int q0 = p * width;
        if (tile == 4) {
          engine.winograd4PanelInput(v, 0, width, width, xiStride, planes, channelStride, in, q0, wg);
        } else {
          engine.winogradPanelInput(v, width, xiStride, planes, channelStride, splitPlane, in, q0, wg);
        }
        for (int b = 0; b < blocks; b++) {
          int rows = Math.min(mr, out - b * mr);
          for (int xi = 0; xi < xis; xi++) {
            // M[xi] (rows, width) = U[xi] (rows of this block, in) * V[xi] (in, width)
            gemm.tile(m, xi * mr * width, width, rows, width, a, (xi * blocks + b) * in * mr, v,
                xi * xiStride, in, 1f, 0f);
          }
          float[] target = group == 1 ? y : wideY;
          int yOff = ((group == 1 ? n * out : 0) + b * mr) * grid.planeSize();
          if (tile == 4) {
            engine.winograd4PanelOutput(target, yOff, m, width, mr * width, rows, q0, wg, bias,
                b * mr);
          } else {
            engine.winogradPanelOutput(target, yOff, m, width, mr * width, rows, q0, wg, bias,
                b * mr);
          }
        }
      }
      if (group > 1) {
        copyImages(y, n, out, single, wideY, grid, group);
      }
    }
  }

  /**
   * How many images of a call's {@code count} go side by side: the divisor of count (at most
   * {@link #MAX_SIDE_BY_SIDE}) whose wide image wastes the fewest panel columns per image on
   * positions past the last panel's end (ties: the fewest images). 14x14 and 28x28 outputs have
   * 7 tile rows of 8 positions: 56 per image, 64 in two 32-wide panels; four side by side fill
   * 7 panels exactly, 12.5% fewer products and transforms.
   */
  static int imagesSideBySide(int count, int positions, int width) {
    int best = 1;
    long bestColumns = panelColumns(1, positions, width);
    for (int group = 2; group <= Math.min(count, MAX_SIDE_BY_SIDE); group++) {
      if (count % group == 0 && panelColumns(group, positions, width) * best
          < bestColumns * group) {
        best = group;
        bestColumns = panelColumns(group, positions, width);
      }
    }
    return best;
  }

  /** Panel columns of {@code group} images side by side (per image: divide by group). */
  static long panelColumns(int group, int positions, int width) {
    return ((long) group * positions + width - 1) / width * width;
  }

  /** Images [n, n + group) of y (N, out, OH, OW) from the outputs of their wide image. */
  private static void copyImages(float[] y, int n, int out, TileGrid single, float[] wideY,
      TileGrid wide, int group) {
    int oh = single.oh();
    int ow = single.ow();
    int span = single.tile() * single.rowLen();
    for (int i = 0; i < group; i++) {
      for (int c = 0; c < out; c++) {
        int from = c * wide.planeSize() + i * span;
        int to = ((n + i) * out + c) * single.planeSize();
        for (int r = 0; r < oh; r++) {
          System.arraycopy(wideY, from + r * wide.ow(), y, to + r * ow, ow);
        }
      }
    }
  }

  /**
   * U (xis, out, in) as the tile kernel's A panels, in a new array: block b of mr output
   * channels of U[xi] at {@code a[(xi*blocks + b)*in*mr]}, step-major ({@code [ci*mr + i]}),
   * channels past out zero.
   */
  static float[] packFilters(float[] u, int xis, int out, int in, int mr) {
    int blocks = (out + mr - 1) / mr;
    float[] a = new float[xis * blocks * mr * in];
    for (int xi = 0; xi < xis; xi++) {
      for (int b = 0; b < blocks; b++) {
        int panel = (xi * blocks + b) * in * mr;
        for (int i = 0; i < mr; i++) {
          int co = b * mr + i;
          for (int ci = 0; ci < in; ci++) {
            a[panel + ci * mr + i] = co < out ? u[(xi * out + co) * in + ci] : 0f;
          }
        }
      }
    }
    return a;
  }

  /**
   * This thread's scratch array {@code slot} (of {@link #SCRATCH}), at least {@code size} floats;
   * every use overwrites what it reads.
   */
  private static float[] scratch(float[][] buffers, int slot, int size) {
    if (buffers[slot] == null || buffers[slot].length < size) {
      buffers[slot] = new float[size];
    }
    return buffers[slot];
  }
}
