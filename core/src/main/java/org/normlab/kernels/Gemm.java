package org.normlab.kernels;

/**
 * Single-precision matrix multiply, BLAS's SGEMM in row-major storage:
 * {@code C = alpha * op(A) * op(B) + beta * C}, where op(X) is X or its transpose, op(A) is
 * m x k, op(B) is k x n and C is m x n. Leading dimensions are row strides in elements, offsets
 * say where each matrix starts in its array.
 *
 * <p>The algorithm is the BLIS/GotoBLAS layering. For each block of {@link #NC} columns and
 * {@link #KC} steps, op(B) is packed into panels of {@code nr} columns; the rows are cut into
 * blocks of about {@link #MC} rows, each packed into panels of {@code mr} rows (sized for the L2
 * cache); the tile kernel ({@link GemmKernels}, Vector API or scalar) multiplies one A panel by
 * one B panel into an mr x nr register tile of C. With several threads, C is cut into one part
 * per thread along its side with more tile panels, and each part runs the whole blocked loop on
 * its own thread with its own packed panels ({@link Parallel}: one hand-off per product).
 *
 * <p>Every element of C is computed by the same sequence of float operations whatever the thread
 * count (the steps are always summed in the same KC blocks, in the same order), so results are
 * bitwise identical with 1 and N threads. Steps within a block accumulate in float with fused
 * multiply-adds; against a double-precision product the error grows like k * 2^-24 * sum|a*b|.
 *
 * <p>BLAS conventions: when beta is 0, C is not read (NaN in C is overwritten); when alpha is 0
 * or k is 0, A and B are not read and C becomes beta * C.
 */
public final class Gemm {
  /**
   * Steps per block. Longer blocks amortize the load and store of each C tile; an A panel (mr x
   * KC floats, 12 KiB) stays in L1. 384 was the best of 128..512 for 1024^3 on the Zen 4
   * development machine.
   */
  static final int KC = 384;
  /** Rows per block (rounded to the tile height): a packed A block of MC x KC floats fits L2. */
  static final int MC = 128;
  /** Columns per block: a packed B block of KC x NC floats (6 MiB) stays in L3. */
  static final int NC = 4096;
  /**
   * Multiply-adds per parallel part at least (about 10-20 us of work): below twice this a product
   * runs on the calling thread, where a hand-off would cost more than it saves.
   */
  static final long PART_WORK = 1L << 20;

  private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[2][]);

  private Gemm() {}

  public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta,
      float[] c, int cOff, int ldc) {
    checkSize("m", m);
    checkSize("n", n);
    checkSize("k", k);
    checkMatrix("c", "ldc", "C", c, cOff, ldc, m, n);
    if (m == 0 || n == 0) {
      return;
    }
    if (alpha == 0f || k == 0) {
      scaleC(c, cOff, ldc, m, n, beta);
      return;
    }
    checkMatrix("a", "lda", transA ? "A (transposed, k x m)" : "A", a, aOff, lda,
        transA ? k : m, transA ? m : k);
    checkMatrix("b", "ldb", transB ? "B (transposed, n x k)" : "B", b, bOff, ldb,
        transB ? n : k, transB ? k : n);
    multiply(Kernels.get().gemm(), transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
        beta, c, cOff, ldc);
  }

  /** The blocked product with a given tile kernel (arguments already checked; m, n, k &gt; 0). */
  static void multiply(GemmKernels kernel, boolean transA, boolean transB, int m, int n, int k,
      float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta,
      float[] c, int cOff, int ldc) {
    int rowPanels = (m + kernel.mr() - 1) / kernel.mr();
    int colPanels = (n + kernel.nr() - 1) / kernel.nr();
    // Cut C along the side with more tile panels, so that the parts get equal numbers of tiles.
    boolean byRows = rowPanels >= colPanels;
    int panels = byRows ? rowPanels : colPanels;
    int parts = parts(Parallel.threads(), (long) m * n * k, panels);
    if (parts == 1) {
      region(kernel, transA, transB, 0, m, 0, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c,
          cOff, ldc);
      return;
    }
    int step = byRows ? kernel.mr() : kernel.nr();
    Parallel.forEachPiece(parts, (part, unused) -> {
      int first = (int) ((long) panels * part / parts) * step;
      int end = (int) ((long) panels * (part + 1) / parts) * step;
      if (byRows) {
        region(kernel, transA, transB, first, Math.min(m, end), 0, n, k, alpha, a, aOff, lda, b,
            bOff, ldb, beta, c, cOff, ldc);
      } else {
        region(kernel, transA, transB, 0, m, first, Math.min(n, end), k, alpha, a, aOff, lda, b,
            bOff, ldb, beta, c, cOff, ldc);
      }
    });
  }

  /**
   * How many parts a product of {@code work} multiply-adds is cut into: one per thread, but
   * never more than there are panels, and each part gets at least {@link #PART_WORK}.
   */
  static int parts(int threads, long work, int panels) {
    return (int) Math.max(1, Math.min(Math.min(threads, panels), work / PART_WORK));
  }

  /**
   * Rows [i0, i1) and columns [j0, j1) of C, serially on the calling thread, with its own packed
   * panels of op(A) and op(B). The parts of a parallel product share nothing but the inputs: one
   * hand-off per product and no waiting between blocks. Each C element still sees the steps in
   * the same KC blocks and order, so any cut gives the same bits.
   */
  private static void region(GemmKernels kernel, boolean transA, boolean transB, int i0, int i1,
      int j0, int j1, int k, float alpha, float[] a, int aOff, int lda, float[] b, int bOff,
      int ldb, float beta, float[] c, int cOff, int ldc) {
    int mr = kernel.mr();
    int nr = kernel.nr();
    int mc = (MC + mr - 1) / mr * mr;
    float[] packedB = buffer(1, Math.min(k, KC) * roundUp(Math.min(j1 - j0, NC), nr));
    for (int jc = j0; jc < j1; jc += NC) {
      int ncur = Math.min(NC, j1 - jc);
      int panels = (ncur + nr - 1) / nr;
      for (int pc = 0; pc < k; pc += KC) {
        int kc = Math.min(KC, k - pc);
        float betaNow = pc == 0 ? beta : 1f;
        for (int jp = 0; jp < panels; jp++) {
          int col = jp * nr;
          GemmPacking.packB(kernel, packedB, jp * kc * nr, transB, b, bOff, ldb, pc, kc, jc + col,
              Math.min(nr, ncur - col), nr);
        }
        for (int ic = i0; ic < i1; ic += mc) {
          block(kernel, transA, a, aOff, lda, ic, Math.min(mc, i1 - ic), pc, kc, packedB, panels,
              jc, ncur, alpha, betaNow, c, cOff, ldc);
        }
      }
    }
  }

  /**
   * One block: packs rows [i0, i0 + rows) of op(A) for steps [p0, p0 + kc) and multiplies them by
   * the {@code panels} packed B panels of the current column block (columns [j0, j0 + ncur)).
   */
  private static void block(GemmKernels kernel, boolean transA, float[] a, int aOff, int lda,
      int i0, int rows, int p0, int kc, float[] packedB, int panels, int j0, int ncur,
      float alpha, float beta, float[] c, int cOff, int ldc) {
    int mr = kernel.mr();
    int nr = kernel.nr();
    int rowPanels = (rows + mr - 1) / mr;
    float[] packedA = buffer(0, rowPanels * mr * kc);
    for (int ip = 0; ip < rowPanels; ip++) {
      GemmPacking.packA(kernel, packedA, ip * kc * mr, transA, a, aOff, lda, i0 + ip * mr,
          Math.min(mr, rows - ip * mr), p0, kc, mr);
    }
    // One A panel (mr x kc floats, 12 KiB) stays in L1 while it meets every B panel of the block,
    // which stream from L2/L3 (measured 5-10% faster than keeping a B panel and streaming A).
    for (int ip = 0; ip < rowPanels; ip++) {
      int row = i0 + ip * mr;
      int rowsHere = Math.min(mr, rows - ip * mr);
      for (int jp = 0; jp < panels; jp++) {
        int col = jp * nr;
        kernel.tile(c, cOff + row * ldc + j0 + col, ldc, rowsHere, Math.min(nr, ncur - col),
            packedA, ip * kc * mr, packedB, jp * kc * nr, kc, alpha, beta);
      }
    }
  }

  /** A per-thread scratch array of at least {@code size} floats (slot 0: A blocks, 1: B blocks). */
  private static float[] buffer(int slot, int size) {
    float[][] buffers = BUFFERS.get();
    if (buffers[slot] == null || buffers[slot].length < size) {
      buffers[slot] = new float[size];
    }
    return buffers[slot];
  }

  private static int roundUp(int x, int multiple) {
    return (x + multiple - 1) / multiple * multiple;
  }

  /** C = beta * C (0 when beta is 0, without reading C). */
  private static void scaleC(float[] c, int cOff, int ldc, int m, int n, float beta) {
    for (int i = 0; i < m; i++) {
      int row = cOff + i * ldc;
      if (beta == 0f) {
        java.util.Arrays.fill(c, row, row + n, 0f);
      } else if (beta != 1f) {
        for (int j = 0; j < n; j++) {
          c[row + j] *= beta;
        }
      }
    }
  }

  private static void checkSize(String name, int value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + ": expected >= 0, got " + value);
    }
  }

  /** Checks that a rows x cols matrix with leading dimension ld starting at off fits the array. */
  private static void checkMatrix(String array, String ldName, String what, float[] x, int off,
      int ld, int rows, int cols) {
    if (x == null) {
      throw new IllegalArgumentException(array + ": expected an array, got null");
    }
    if (ld < Math.max(1, cols)) {
      throw new IllegalArgumentException(ldName + ": expected at least " + Math.max(1, cols)
          + " (the columns of " + what + "), got " + ld);
    }
    if (off < 0) {
      throw new IllegalArgumentException(array + " offset: expected >= 0, got " + off);
    }
    if (rows == 0 || cols == 0) {
      return;
    }
    long end = off + (long) (rows - 1) * ld + cols;
    if (end > x.length) {
      throw new IllegalArgumentException(array + ": expected at least " + end + " elements for "
          + what + " of " + rows + " x " + cols + " with " + ldName + " " + ld + " from offset "
          + off + ", got " + x.length);
    }
  }
}
