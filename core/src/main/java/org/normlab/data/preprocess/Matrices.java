package org.normlab.data.preprocess;

import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/** Input checks and conversions for the data normalizers (rows are samples). */
final class Matrices {
  private Matrices() {}

  /**
   * Checks that {@code x} is a non-empty rectangular matrix of finite values with
   * {@code expectedFeatures} columns (any number when negative); returns the column count.
   */
  static int require(String name, double[][] x, int expectedFeatures) {
    if (x == null) {
      throw new IllegalArgumentException(name + ": expected rows of features, got null");
    }
    if (x.length == 0) {
      throw new IllegalArgumentException(name + ": expected at least one row, got empty data");
    }
    if (x[0] == null || x[0].length == 0) {
      throw new IllegalArgumentException(name + ": expected at least one feature, got an empty row 0");
    }
    int d = x[0].length;
    for (int r = 0; r < x.length; r++) {
      if (x[r] == null || x[r].length != d) {
        throw new IllegalArgumentException(name + ": ragged rows: row " + r + " has "
            + (x[r] == null ? "no" : x[r].length) + " values, row 0 has " + d);
      }
      for (int c = 0; c < d; c++) {
        if (!Double.isFinite(x[r][c])) {
          throw new IllegalArgumentException(name + ": " + x[r][c] + " at row " + r + ", column "
              + c + " (expected finite values)");
        }
      }
    }
    if (expectedFeatures >= 0 && d != expectedFeatures) {
      throw new IllegalArgumentException(name + ": expected " + expectedFeatures
          + " features (as fitted), got " + d);
    }
    return d;
  }

  /** A value of feature c mapped to its new value. */
  @FunctionalInterface
  interface FeatureMap {
    double apply(int c, double v);
  }

  /** A new matrix with f applied to every value of x. */
  static double[][] map(double[][] x, FeatureMap f) {
    double[][] y = new double[x.length][];
    for (int r = 0; r < x.length; r++) {
      y[r] = new double[x[r].length];
      for (int c = 0; c < y[r].length; c++) {
        y[r][c] = f.apply(c, x[r][c]);
      }
    }
    return y;
  }

  /** Throws unless the normalizer was fitted. */
  static void requireFitted(String normalizer, long samplesSeen) {
    if (samplesSeen == 0) {
      throw new IllegalStateException(normalizer + ": not fitted; call fit or partialFit first");
    }
  }

  /** The rows of a rank-2 tensor (samples, features) as doubles. */
  static double[][] rows(String name, Tensor t) {
    if (t.rank() != 2) {
      throw new IllegalArgumentException(name + ": expected a rank-2 tensor (samples, features),"
          + " got shape " + t.shape());
    }
    int n = t.dim(0);
    int d = t.dim(1);
    double[][] rows = new double[n][d];
    float[] data = t.data();
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < d; c++) {
        rows[r][c] = data[r * d + c];
      }
    }
    return rows;
  }

  /** Rows as a float tensor (samples, features) of the given layout (ROW_MAJOR or NC). */
  static Tensor tensor(double[][] rows, Layout layout) {
    int n = rows.length;
    int d = rows[0].length;
    float[] data = new float[n * d];
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < d; c++) {
        data[r * d + c] = (float) rows[r][c];
      }
    }
    return Tensor.wrap(data, layout, n, d);
  }
}
