package org.normlab.kernels;

import java.util.Arrays;

/**
 * The weight gradient of a Winograd convolution by F(4x4, 3x3) ({@link Winograd4Transforms}),
 * for the geometries where {@link Winograd#gradientTileFor} picks it: as in
 * {@link Winograd#transformedWeightGradient}, dU[xi]^T (in, out) = V[xi] (in, T) *
 * dM[xi]^T (T, out) summed over the 36 products, but over the tile positions of the forward
 * panels: each image's TH x (TW + 1) positions (a padding position ends each tile row). V comes
 * from the panel input transform of the forward pass (written as rows of all of a chunk's
 * positions, whole panels at a time: an image's last panel runs into the next image's columns,
 * which that image rewrites, and the chunk's last into one panel of slack at the end of each
 * row); dM is zero at the padding positions, so their (finite) V values add nothing.
 */
final class Winograd4Gradient {
  private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[4][]);

  private Winograd4Gradient() {}

  /** Tile positions per image, padding positions included. */
  static int positionsPerImage(ConvGeometry g) {
    return TileGrid.of(g, 4).positions();
  }

  /**
   * dut[dutOff ..] (36, in, out) = the sum over images [n0, n0+count) of dU[xi]^T (overwrites);
   * see {@link Winograd#transformedWeightGradient}.
   */
  static void transformedWeightGradient(EngineKernels engine, GemmKernels gemm, float[] dut,
      int dutOff, float[] x, float[] dy, int n0, int count, int out, ConvGeometry g) {
    int in = g.c();
    int nr = gemm.nr();
    int colPanels = (out + nr - 1) / nr;
    TileGrid grid = TileGrid.of(g, 4);
    int perImage = positionsPerImage(g);
    int chunk = Math.max(1, Winograd.CHUNK_FLOATS / (36 * (in + colPanels * nr) * perImage));
    int channelStride = 16 * grid.splitPlane();
    float[][] buffers = SCRATCH.get();
    // the padding of the split planes stays zero: every image rewrites only its values; the
    // panel transform may read one panel past the last channel's planes
    float[] planes = scratch(buffers, 0, in * channelStride + nr);
    Arrays.fill(planes, 0, in * channelStride + nr, 0f);
    float[] packedA = scratch(buffers, 1, Gemm.KC * gemm.mr());
    for (int c0 = n0; c0 < n0 + count; c0 += chunk) {
      int images = Math.min(chunk, n0 + count - c0);
      int tiles = images * perImage;
      // V[xi] (in, tiles) row-major in rows of ld, one cache line between the products (see
      // WinogradPanels)
      int ld = tiles + nr;
      int xiStride = in * ld + WinogradPanels.XI_GAP;
      int dmStride = Winograd4Transforms.gradientProductStride(out, nr, tiles);
      int dmSize = 36 * dmStride;
      float[] v = scratch(buffers, 2, 36 * xiStride);
      float[] dm = scratch(buffers, 3, dmSize);
      if (out % nr != 0) {
        // the slots of the channels past out in the last panel: zero columns of the product
        Arrays.fill(dm, 0, dmSize, 0f);
      }
      for (int n = 0; n < images; n++) {
        engine.winograd4Split(planes, channelStride, x, c0 + n, 1, g);
        for (int q0 = 0; q0 < perImage; q0 += nr) {
          engine.winograd4PanelInput(v, n * perImage + q0, ld, nr, xiStride, planes,
              channelStride, in, q0, g);
        }
      }
      engine.winograd4OutputGradient(dm, nr, dy, c0, images, perImage, out, g);
      float beta = c0 == n0 ? 0f : 1f;
      for (int xi = 0; xi < 36; xi++) {
        // dU[xi]^T (in, out) += V[xi] (in, T) * dM[xi] (T, out)
        Winograd.multiplyByPanels(gemm, dut, dutOff + xi * in * out, out, v, xi * xiStride, ld,
            in, dm, xi * dmStride, tiles, beta, packedA);
      }
    }
  }

  /** This thread's scratch array {@code slot}, at least {@code size} floats. */
  private static float[] scratch(float[][] buffers, int slot, int size) {
    if (buffers[slot] == null || buffers[slot].length < size) {
      buffers[slot] = new float[size];
    }
    return buffers[slot];
  }
}
