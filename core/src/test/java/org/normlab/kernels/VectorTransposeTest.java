package org.normlab.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@link VectorTranspose}: the masked row loads and the transpose against their definitions. */
class VectorTransposeTest {
  private static final int L = VectorKernels.F.length();

  @Test
  void transposeWritesEachColumnAtItsOffset() {
    float[] rows = new float[L * L];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = i;
    }
    float[] original = rows.clone();
    float[] dst = new float[3 + 5 * L * L];
    java.util.Arrays.fill(dst, Float.NaN);
    VectorTranspose.transpose(rows, new float[L * L], dst, 3, 5 * L);
    for (int j = 0; j < L; j++) {
      for (int c = 0; c < L; c++) {
        assertEquals(original[c * L + j], dst[3 + j * 5 * L + c], "column " + j + ", row " + c);
      }
    }
  }

  @Test
  void loadRowsZeroesTheColumnsPastTheEdgeAndReadsNothingThere() {
    int stride = 2 * L + 1;
    // the last row ends exactly where the array does: a masked load must not read past it
    float[] src = new float[(L - 1) * stride + L - 2 + 7];
    for (int i = 0; i < src.length; i++) {
      src[i] = 1 + i;
    }
    for (int columns : new int[] {-3, 0, 1, L - 2, L, L + 5}) {
      float[] rows = new float[L * L];
      java.util.Arrays.fill(rows, Float.NaN);
      int at = 7;
      int readable = Math.min(columns, L - 2);
      VectorTranspose.loadRows(src, at, stride, readable, rows);
      for (int c = 0; c < L; c++) {
        for (int j = 0; j < L; j++) {
          float expected = j < readable ? src[at + c * stride + j] : 0f;
          assertEquals(expected, rows[c * L + j], "columns " + readable + ", row " + c + ", column " + j);
        }
      }
    }
  }
}
