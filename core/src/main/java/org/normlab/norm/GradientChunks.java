package org.normlab.norm;

import java.util.Arrays;
import org.normlab.kernels.Parallel;

/**
 * Deterministic accumulation of weight gradients over rows processed in parallel: rows are cut into
 * chunks whose size depends only on the row count and width (never on the thread count), each
 * chunk accumulates into its own buffers (zeroed rows of the calling thread's {@link ScratchRows},
 * reused from call to call), and the buffers are added into the gradient in chunk order, in
 * double. So results are bitwise identical for any thread count.
 */
final class GradientChunks {
  /** At most this many chunks (and partial buffers). */
  static final int MAX_CHUNKS = 64;

  /** The body of one chunk: rows [from, to) accumulating into its own {@code partials}. */
  @FunctionalInterface
  interface ChunkBody {
    void run(int from, int to, float[][] partials);
  }

  private GradientChunks() {}

  /**
   * Runs {@code body} over rows [0, rows) in chunks, each with {@code buffers} zeroed partial
   * arrays of {@code width}, then adds the partials into {@code grads[b]} (skipping null grads).
   */
  static void run(int rows, int width, float[][] grads, ChunkBody body) {
    run(rows, width, width, grads, body);
  }

  /** {@link #run(int, int, float[][], ChunkBody)} for rows of {@code valuesPerRow} values each. */
  static void run(int rows, int width, long valuesPerRow, float[][] grads, ChunkBody body) {
    // At most MAX_CHUNKS chunks, each with enough work to be worth a thread.
    int rowsPerChunk = Math.max((rows + MAX_CHUNKS - 1) / MAX_CHUNKS, NormShapes.grain(valuesPerRow));
    int count = (rows + rowsPerChunk - 1) / rowsPerChunk;
    int buffers = grads.length;
    ScratchRows scratch = ScratchRows.local();
    // chunk p's partials are rows [p * buffers, (p + 1) * buffers)
    float[][] scratchRows = scratch.floats(count * buffers, width);
    try {
      float[][][] partials = new float[count][buffers][];
      for (int p = 0; p < count; p++) {
        System.arraycopy(scratchRows, p * buffers, partials[p], 0, buffers);
      }
      Parallel.forEachPiece(count, (p, unused) -> {
        for (float[] partial : partials[p]) {
          Arrays.fill(partial, 0f);
        }
        int from = p * rowsPerChunk;
        body.run(from, Math.min(rows, from + rowsPerChunk), partials[p]);
      });
      addInOrder(grads, partials, width);
    } finally {
      scratch.releaseFloats();
    }
  }

  /**
   * grads[b] += the chunks' partials[.][b], summed chunk by chunk into a double row (each element
   * still sums the chunks in order): rows read contiguously, where element by element read one
   * float of every chunk's array.
   */
  private static void addInOrder(float[][] grads, float[][][] partials, int width) {
    double[] sum = new double[width];
    for (int b = 0; b < grads.length; b++) {
      if (grads[b] == null) {
        continue;
      }
      Arrays.fill(sum, 0);
      for (float[][] chunk : partials) {
        float[] part = chunk[b];
        for (int i = 0; i < width; i++) {
          sum[i] += part[i];
        }
      }
      for (int i = 0; i < width; i++) {
        grads[b][i] += (float) sum[i];
      }
    }
  }
}
