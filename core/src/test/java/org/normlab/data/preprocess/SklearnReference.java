package org.normlab.data.preprocess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.normlab.io.SafetensorsFile;
import org.normlab.tensor.AllClose;

/**
 * The scikit-learn 1.2.1 reference values written by reference/sklearn_scalers.py (Debian's
 * python3-sklearn) into src/test/resources/sklearn/scalers.safetensors.
 */
final class SklearnReference {
  static final Path FILE = Path.of("src", "test", "resources", "sklearn", "scalers.safetensors");
  private static SafetensorsFile file;

  private SklearnReference() {}

  static synchronized SafetensorsFile file() {
    if (file == null) {
      try {
        file = SafetensorsFile.read(FILE);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return file;
  }

  /** A stored matrix as rows. */
  static double[][] matrix(String name) {
    int[] shape = file().shape(name);
    double[] flat = file().doubles(name);
    double[][] rows = new double[shape[0]][];
    for (int r = 0; r < shape[0]; r++) {
      rows[r] = Arrays.copyOfRange(flat, r * shape[1], (r + 1) * shape[1]);
    }
    return rows;
  }

  static double[] vector(String name) {
    return file().doubles(name);
  }

  static double[][] columns(double[][] x, int... cols) {
    double[][] out = new double[x.length][cols.length];
    for (int r = 0; r < x.length; r++) {
      for (int c = 0; c < cols.length; c++) {
        out[r][c] = x[r][cols[c]];
      }
    }
    return out;
  }

  static double[] flat(double[][] x) {
    return Arrays.stream(x).flatMapToDouble(Arrays::stream).toArray();
  }

  static void assertClose(double[][] actual, double[][] expected, double tol, String what) {
    AllClose.assertAllClose(flat(actual), flat(expected), tol, tol, what);
  }

  static void assertClose(double[] actual, double[] expected, double tol, String what) {
    AllClose.assertAllClose(actual, expected, tol, tol, what);
  }
}
