package org.normlab.kernels;

/**
 * Stride-1 3x3 convolution by Winograd's minimal filtering F(2x2, 3x3) (Lavin and Gray 2016,
 * "Fast Algorithms for Convolutional Neural Networks"): each 2x2 block of outputs is
 * <pre>
 *   Y = A^T [ (G g G^T) .* (B^T d B) ] A
 * </pre>
 * for the 4x4 input patch d and the 3x3 kernel g, with the matrices of
 * {@link EngineKernels#winogradFilters}, {@link EngineKernels#winogradInput} and
 * {@link EngineKernels#winogradPanelOutput}. Summed over input channels, the 16 elementwise products
 * become 16 matrix products {@code M[xi] (out, T) = U[xi] (out, in) * V[xi] (in, T)} over the T
 * tiles: 16 multiplies per 4 outputs instead of 36, so 2.25x fewer operations than im2col, for a
 * few float roundings more (the transforms only add, subtract and halve).
 *
 * <p>The forward products (the convolution and the input gradient) run F(4x4, 3x3) instead
 * ({@link Winograd4Transforms}: 36 products per 16 outputs, 1.78x fewer) where its tiles fill
 * the panels ({@link #tileFor}). Measured on 128 images of 32 -> 32 channels at 28x28 (Zen 5,
 * one thread): 13.1-13.7 ms against 17.5-18.0 ms, the cnn-bn training step 160 -> 152 ms. Its
 * transforms' larger coefficients cost about ten times F(2x2, 3x3)'s rounding error (largest
 * absolute error 2.6e-5 against 2.9e-6 on outputs up to 6.6, 32 channels), still far inside the
 * 1e-4 to which PyTorch's own logits are matched. The weight gradient runs F(4x4, 3x3) where
 * its products over the images' tile positions are fewer ({@link #gradientTileFor},
 * {@link Winograd4Gradient}): 32 -> 32 channels at 28x28, 128 images in pieces of 4, one
 * thread: 17.8-18.1 ms against 20.9-21.3 ms.
 *
 * <p>Every output depends only on its own image, so results do not depend on how images are
 * split across threads.
 */
public final class Winograd {
  /** Below this many input or output channels the 16 products are too small to pay off. */
  static final int MIN_CHANNELS = 8;
  /**
   * Scratch budget per chunk of images (floats): 2 MiB, twice this machine's L2. With 1 MiB a
   * 64-channel 14x14 layer ran two images (98 tiles) per chunk, and the products' last 32-column
   * panel was mostly padding: convolution and weight gradient of 128 images took 29 and 26 ms,
   * against 21 and 21 ms with four images (196 tiles); 4 MiB gained nothing more.
   */
  static final int CHUNK_FLOATS = 1 << 19;
  /** Rows of tiles are padded to a multiple of this: every tile kernel's column count divides it. */
  static final int ROW_MULTIPLE = 32;
  /** Rows of fewer tiles are not padded (see {@link #paddedRow}). */
  static final int PAD_FROM = 256;
  /**
   * See {@link #tileFor}: F(4x4, 3x3)'s transforms cost more per column than F(2x2, 3x3)'s.
   * Measured (128 images, one thread, medians of 60 runs interleaved in one JVM): 14x14 outputs
   * at 80.4% of the columns (eight images side by side) 7-8% faster (64 -> 64 channels 13.1 ->
   * 12.0 ms, 32 -> 64 7.6 -> 7.1 ms); at 112% (one image per panel, before images went side by
   * side) slower (17.4-18.6 ms against 14.2-14.4 ms).
   */
  static final int F4_SLOTS_PERCENT = 85;

  private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[3][]);

  private Winograd() {}

  /** Whether a convolution of geometry g with {@code out} output channels runs this way. */
  public static boolean applies(ConvGeometry g, int out) {
    return g.kh() == 3 && g.kw() == 3 && g.strideH() == 1 && g.strideW() == 1
        && g.c() >= MIN_CHANNELS && out >= MIN_CHANNELS;
  }

  /**
   * Transformed filters, ready for {@link #convolve}: {@code tile} 2 (F(2x2, 3x3), 16 products)
   * or 4 (F(4x4, 3x3), 36 products); U (products, out, in) packed into the tile kernel's A
   * panels of {@code mr} rows ({@link WinogradPanels#packFilters}).
   */
  public record Filters(int tile, int out, int in, int mr, float[] packed) {
    @Override
    public String toString() {
      return "Winograd.Filters[F(" + tile + "x" + tile + ", 3x3), " + out + " x " + in
          + " channels, " + mr + "-row panels]";
    }
  }

  /**
   * The transformed filters of weight w (out, in, 3, 3) for a convolution of geometry g, with
   * the algorithm {@link #tileFor} chooses, packed once so that the convolution of each piece
   * of images does not pack them again.
   */
  public static Filters filters(float[] w, int out, int in, ConvGeometry g) {
    return filters(w, out, in, tileFor(g, Kernels.get().gemm().nr()));
  }

  /** {@link #filters} for output tiles of {@code tile} (2 or 4) x tile. */
  static Filters filters(float[] w, int out, int in, int tile) {
    KernelSupport kernels = Kernels.get();
    int xis = (tile + 2) * (tile + 2);
    float[] u = new float[xis * out * in];
    if (tile == 4) {
      kernels.engine().winograd4Filters(u, w, out, in);
    } else {
      kernels.engine().winogradFilters(u, w, out, in);
    }
    int mr = kernels.gemm().mr();
    return new Filters(tile, out, in, mr, WinogradPanels.packFilters(u, xis, out, in, mr));
  }

  /**
   * The output tile of the forward products: 4 (F(4x4, 3x3)) where its panels of
   * {@code width} tile positions hold at most {@link #F4_SLOTS_PERCENT}% of the product columns
   * F(2x2, 3x3) needs per image (36 products per 16 outputs against 16 per 4), 2 otherwise, with
   * up to {@link WinogradPanels#MAX_SIDE_BY_SIDE} images side by side. A 28x28 output has 7 x 8
   * positions (four images in seven panels of 32) against 14 x 15 (27 panels for four): 2016
   * against 3456 columns; a 14x14 output has 4 x 5 positions (eight images in five panels)
   * against 7 x 8 (four in seven), 720 against 896.
   */
  static int tileFor(ConvGeometry g, int width) {
    double f2 = productColumns(g, 2, width);
    double f4 = productColumns(g, 4, width);
    return f4 * 100 <= f2 * F4_SLOTS_PERCENT ? 4 : 2;
  }

  /**
   * Product columns per image and input channel: the whole panels of the positions of the
   * images side by side that fill them best, per image, times products. Groups of 1, 2, 4 or 8
   * images: the ones {@link WinogradPanels#imagesSideBySide} can pick in Conv2d's pieces of 8.
   */
  private static double productColumns(ConvGeometry g, int tile, int width) {
    int positions = TileGrid.of(g, tile).positions();
    double best = Double.MAX_VALUE;
    for (int group = 1; group <= WinogradPanels.MAX_SIDE_BY_SIDE; group *= 2) {
      best = Math.min(best, (double) WinogradPanels.panelColumns(group, positions, width) / group);
    }
    return best * (tile + 2) * (tile + 2);
  }

  /**
   * Writes (overwrites) images [n0, n0+count) of y (N, out, OH, OW) with the convolution of the
   * same images of x (N, C, H, W) and the filters u = {@link #filters} made for geometry g
   * ({@link #applies} must hold), plus bias[co] when bias (out) is not null (the bits of adding
   * it to the finished convolution).
   */
  public static void convolve(float[] y, float[] x, int n0, int count, Filters u, ConvGeometry g,
      float[] bias) {
    KernelSupport kernels = Kernels.get();
    WinogradPanels.convolve(kernels.engine(), kernels.gemm(), y, x, n0, count, u, g, bias);
  }

  /**
   * The row length of the transformed inputs and products for T tiles: T rounded up to
   * {@link #ROW_MULTIPLE} from {@link #PAD_FROM} tiles on, T itself below. Measured on 128
   * images (Zen 4, one thread, min of 25 runs): 32 channels at 28x28 (392 tiles per chunk) ran
   * convolution and weight gradient in 25.5 and 24.1 ms padded against 29.3 and 28.3 unpadded,
   * while 14x14 layers (196 tiles) ran about 2 ms slower padded (64 channels: 23.3 against 21.0
   * ms), so rows that short stay unpadded.
   */
  static int paddedRow(int tiles) {
    return tiles < PAD_FROM ? tiles : (tiles + ROW_MULTIPLE - 1) / ROW_MULTIPLE * ROW_MULTIPLE;
  }

  private static int tilesPerImage(ConvGeometry g) {
    return ((g.outH() + 1) / 2) * ((g.outW() + 1) / 2);
  }

  /**
   * Images transformed together: as many as keep the transformed inputs and products
   * (16 * (in + out) floats per tile) within {@link #CHUNK_FLOATS}, at least one: large enough
   * that the products' column panels are mostly full, small enough that the transforms do not
   * wait on memory.
   */
  static int imagesPerChunk(int in, int out, ConvGeometry g) {
    return Math.max(1, CHUNK_FLOATS / (16 * (in + out) * tilesPerImage(g)));
  }

  /**
   * The weight gradient of images [n0, n0+count): dw (out, in, 3, 3) = the sum over those images
   * of dL/dw for output gradient dy (N, out, OH, OW) and input x (N, C, H, W) (overwrites dw).
   * With V the input transform and dM = A dY A^T ({@link EngineKernels#winogradOutputGradient}),
   * the product M[xi] = U[xi] V[xi] gives dU[xi]^T (in, out) = V[xi] (in, T) * dM[xi]^T (T, out),
   * and U = G g G^T gives dg = G^T dU G.
   */
  public static void weightGradient(float[] dw, float[] x, float[] dy, int n0, int count, int out,
      ConvGeometry g) {
    float[] dut = new float[transformedGradientSize(out, g)];
    transformedWeightGradient(dut, 0, x, dy, n0, count, out, g);
    filterGradient(dw, dut, out, g);
  }

  /**
   * The floats of the transformed-filter gradient of {@link #transformedWeightGradient}:
   * products (16 or 36, see {@link #gradientTileFor}) x in x out.
   */
  public static int transformedGradientSize(int out, ConvGeometry g) {
    int tile = gradientTileFor(g);
    return (tile + 2) * (tile + 2) * g.c() * out;
  }

  /**
   * The output tile of the weight gradient: 4 where F(4x4, 3x3)'s products over the positions
   * of each image ({@link Winograd4Gradient}) take at most {@link #F4_SLOTS_PERCENT}% of the
   * columns of F(2x2, 3x3)'s over compact tiles, 2 otherwise: a 28x28 output has 56 positions x
   * 36 against 196 tiles x 16, 2016 against 3136; a 14x14 output 20 x 36 against 49 x 16 (720
   * against 784).
   */
  static int gradientTileFor(ConvGeometry g) {
    long f2 = (long) tilesPerImage(g) * 16;
    long f4 = (long) Winograd4Gradient.positionsPerImage(g) * 36;
    return f4 * 100 <= f2 * F4_SLOTS_PERCENT ? 4 : 2;
  }

  /**
   * The first part of {@link #weightGradient}: dut[dutOff ..] (products, in, out) = the sum
   * over images [n0, n0+count) of dU[xi]^T (in, out), the gradient of the transformed filters
   * (overwrites {@link #transformedGradientSize} floats). Linear in the images, so the
   * gradients of several image ranges can be added before the one {@link #filterGradient}.
   */
  public static void transformedWeightGradient(float[] dut, int dutOff, float[] x, float[] dy,
      int n0, int count, int out, ConvGeometry g) {
    transformedWeightGradient(dut, dutOff, x, dy, n0, count, out, g,
        gradientTileFor(g));
  }

  /** {@link #transformedWeightGradient} by F(tile x tile, 3x3), tile 2 or 4, into dut[dutOff ..]. */
  static void transformedWeightGradient(float[] dut, int dutOff, float[] x, float[] dy, int n0,
      int count, int out, ConvGeometry g, int tile) {
    KernelSupport support = Kernels.get();
    EngineKernels kernels = support.engine();
    GemmKernels gemm = support.gemm();
    if (tile == 4) {
      Winograd4Gradient.transformedWeightGradient(kernels, gemm, dut, dutOff, x, dy, n0, count, out,
          g);
      return;
    }
    int in = g.c();
    int nr = gemm.nr();
    int colPanels = (out + nr - 1) / nr;
    int chunk = imagesPerChunk(in, out, g);
    float[] packedA = scratch(2, Gemm.KC * gemm.mr());
    for (int c0 = n0; c0 < n0 + count; c0 += chunk) {
      int images = Math.min(chunk, n0 + count - c0);
      int tiles = images * tilesPerImage(g);
      int ld = paddedRow(tiles);
      float[] v = scratch(0, 16 * in * ld);
      int dmStride = gradientProductStride(out, nr, tiles);
      int dmSize = 16 * dmStride;
      float[] dm = scratch(1, dmSize);
      if (out % nr != 0) {
        // the slots of the channels past out in the last panel: zero columns of the product
        java.util.Arrays.fill(dm, 0, dmSize, 0f);
      }
      kernels.winogradInput(v, ld, x, c0, images, g);
      kernels.winogradOutputGradient(dm, nr, dy, c0, images, out, g);
      // the first chunk overwrites dU, the others add to it
      float beta = c0 == n0 ? 0f : 1f;
      for (int xi = 0; xi < 16; xi++) {
        // dU[xi]^T (in, out) += V[xi] (in, T) * dM[xi] (T, out)
        multiplyByPanels(gemm, dut, dutOff + xi * in * out, out, v, xi * in * ld, ld, in, dm,
            xi * dmStride, tiles, beta, packedA);
      }
    }
  }

  /**
   * Floats between the products of {@link EngineKernels#winogradOutputGradient}: ceil(out/panel)
   * panels of {@code tiles} tile positions.
   */
  static int gradientProductStride(int out, int panel, int tiles) {
    return (out + panel - 1) / panel * tiles * panel;
  }

  /**
   * The second part of {@link #weightGradient}: dw (out, in, 3, 3) = G^T dU G for the transformed
   * gradient dut of {@link #transformedWeightGradient} (overwrites dw).
   */
  public static void filterGradient(float[] dw, float[] dut, int out, ConvGeometry g) {
    filterGradient(dw, dut, out, g.c(), gradientTileFor(g));
  }

  /** {@link #filterGradient} of a gradient by F(tile x tile, 3x3), tile 2 or 4. */
  static void filterGradient(float[] dw, float[] dut, int out, int in, int tile) {
    if (tile == 4) {
      Winograd4Transforms.filterGradient(dw, dut, out, in);
    } else {
      Kernels.get().engine().winogradFilterGradient(dw, dut, out, in);
    }
  }

  /**
   * {@code c[cOff ..] (rows, cols) = beta * c + A (rows, k) * B (k, cols)} with A row-major
   * (row stride lda) and B already in the tile kernel's packed layout, column panel p at
   * {@code b[bOff + p*k*nr]} (zero past cols): {@link Gemm}'s blocking (steps in blocks of
   * {@link Gemm#KC}, A packed per block, the same tile kernel), so {@code Gemm.sgemm}'s bits,
   * without copying B.
   */
  static void multiplyByPanels(GemmKernels gemm, float[] c, int cOff, int cols, float[] a, int aOff,
      int lda, int rows, float[] b, int bOff, int k, float beta, float[] packedA) {
    int mr = gemm.mr();
    int nr = gemm.nr();
    for (int p0 = 0; p0 < k; p0 += Gemm.KC) {
      int kc = Math.min(Gemm.KC, k - p0);
      float betaNow = p0 == 0 ? beta : 1f;
      for (int i0 = 0; i0 < rows; i0 += mr) {
        int rowsHere = Math.min(mr, rows - i0);
        GemmPacking.packA(gemm, packedA, 0, false, a, aOff, lda, i0, rowsHere, p0, kc, mr);
        for (int j0 = 0; j0 < cols; j0 += nr) {
          gemm.tile(c, cOff + i0 * cols + j0, cols, rowsHere, Math.min(nr, cols - j0), packedA, 0, b,
              bOff + (j0 / nr * k + p0) * nr, kc, 1f, betaNow);
        }
      }
    }
  }

  /** A per-thread scratch array of at least {@code size} floats; every use overwrites what it reads. */
  private static float[] scratch(int slot, int size) {
    float[][] buffers = SCRATCH.get();
    if (buffers[slot] == null || buffers[slot].length < size) {
      buffers[slot] = new float[size];
    }
    return buffers[slot];
  }
}
