package org.normlab.data.preprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.normlab.data.preprocess.SklearnReference.assertClose;
import static org.normlab.data.preprocess.SklearnReference.columns;
import static org.normlab.data.preprocess.SklearnReference.matrix;
import static org.normlab.data.preprocess.SklearnReference.vector;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.normlab.data.preprocess.Whitening.Method;

/**
 * Whitening (Kessy, Lewin and Strimmer 2018): every method gives identity covariance on the data
 * it was fitted on, ZCA is the whitening closest to the input, PCA matches scikit-learn's
 * {@code PCA(whiten=True)} up to the sign of each component, and the structural facts of the
 * paper hold (ZCA symmetric, Cholesky upper triangular).
 */
class WhiteningTest {
  /** The five non-constant features of the scikit-learn reference data (as the script chose). */
  static final int[] COLS = {0, 1, 2, 3, 5};
  static final double[][] TRAIN = columns(matrix("train"), COLS);
  static final double[][] TEST = columns(matrix("test"), COLS);

  /** Covariance of rows with ddof 1. */
  static double[][] covariance(double[][] z) {
    int n = z.length;
    int d = z[0].length;
    double[] mean = new double[d];
    for (double[] row : z) {
      for (int c = 0; c < d; c++) {
        mean[c] += row[c] / n;
      }
    }
    double[][] cov = new double[d][d];
    for (double[] row : z) {
      for (int a = 0; a < d; a++) {
        for (int b = 0; b < d; b++) {
          cov[a][b] += (row[a] - mean[a]) * (row[b] - mean[b]) / (n - 1);
        }
      }
    }
    return cov;
  }

  static double[][] identity(int d) {
    double[][] id = new double[d][d];
    for (int i = 0; i < d; i++) {
      id[i][i] = 1;
    }
    return id;
  }

  /** Mean over rows of |z - (x - mean)|^2. */
  static double distance(double[][] z, double[][] x, double[] mean) {
    double s = 0;
    for (int r = 0; r < x.length; r++) {
      for (int c = 0; c < mean.length; c++) {
        double d = z[r][c] - (x[r][c] - mean[c]);
        s += d * d;
      }
    }
    return s / x.length;
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void whitenedDataHasIdentityCovariance(Method method) {
    Whitening w = Whitening.builder(method).build().fit(TRAIN);
    assertClose(covariance(w.transform(TRAIN)), identity(COLS.length), 1e-9,
        method + " covariance of whitened data");
    assertClose(w.inverseTransform(w.transform(TEST)), TEST, 1e-8, method + " inverse");
  }

  @Test
  void zcaIsTheWhiteningClosestToTheInput() {
    Map<Method, Double> dist = new EnumMap<>(Method.class);
    double[] mean = null;
    for (Method m : Method.values()) {
      Whitening w = Whitening.builder(m).build().fit(TRAIN);
      mean = w.mean();
      dist.put(m, distance(w.transform(TRAIN), TRAIN, mean));
    }
    for (Method m : Method.values()) {
      if (m != Method.ZCA) {
        assertTrue(dist.get(Method.ZCA) < dist.get(m), "ZCA " + dist.get(Method.ZCA)
            + " should be closer to x than " + m + " " + dist.get(m));
      }
    }
    // Any other whitening is Q W_zca for an orthogonal Q: random rotations are farther away.
    double[][] zca = Whitening.builder(Method.ZCA).build().fit(TRAIN).transform(TRAIN);
    SplittableRandom random = new SplittableRandom(7);
    for (int trial = 0; trial < 5; trial++) {
      double[][] q = randomRotation(COLS.length, random);
      double[][] rotated = new double[zca.length][COLS.length];
      for (int r = 0; r < zca.length; r++) {
        for (int a = 0; a < COLS.length; a++) {
          for (int b = 0; b < COLS.length; b++) {
            rotated[r][a] += q[a][b] * zca[r][b];
          }
        }
      }
      assertTrue(dist.get(Method.ZCA) < distance(rotated, TRAIN, mean), "rotation " + trial);
    }
  }

  /** An orthogonal matrix from Gram-Schmidt on normal vectors. */
  static double[][] randomRotation(int d, SplittableRandom random) {
    double[][] q = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int c = 0; c < d; c++) {
        q[i][c] = random.nextGaussian();
      }
      for (int j = 0; j < i; j++) {
        double dot = 0;
        for (int c = 0; c < d; c++) {
          dot += q[i][c] * q[j][c];
        }
        for (int c = 0; c < d; c++) {
          q[i][c] -= dot * q[j][c];
        }
      }
      double norm = Math.sqrt(Arrays.stream(q[i]).map(v -> v * v).sum());
      for (int c = 0; c < d; c++) {
        q[i][c] /= norm;
      }
    }
    return q;
  }

  @Test
  void pcaMatchesScikitLearnUpToComponentSigns() {
    Whitening w = Whitening.builder(Method.PCA).build().fit(TRAIN);
    assertClose(w.mean(), vector("pca_mean"), 1e-12, "mean_");
    double[][] z = w.transform(TEST);
    double[][] expected = matrix("pca_test");
    double[][] components = matrix("pca_components");
    double[] variance = vector("pca_explained_variance");
    double[][] wm = w.whiteningMatrix();
    for (int k = 0; k < COLS.length; k++) {
      // scikit-learn: z_k = components_[k] . (x - mean) / sqrt(explained_variance_[k])
      double sign = Math.signum(wm[k][0] * components[k][0]);
      for (int c = 0; c < COLS.length; c++) {
        assertEquals(components[k][c] / Math.sqrt(variance[k]), sign * wm[k][c], 1e-9,
            "component " + k + " coefficient " + c);
      }
      for (int r = 0; r < z.length; r++) {
        assertEquals(expected[r][k], sign * z[r][k], 1e-8, "row " + r + " component " + k);
      }
    }
  }

  @Test
  void structureOfTheWhiteningMatrices() {
    double[][] zca = Whitening.builder(Method.ZCA).build().fit(TRAIN).whiteningMatrix();
    double[][] chol = Whitening.builder(Method.CHOLESKY).build().fit(TRAIN).whiteningMatrix();
    for (int a = 0; a < COLS.length; a++) {
      for (int b = 0; b < COLS.length; b++) {
        assertEquals(zca[a][b], zca[b][a], 1e-12, "ZCA is symmetric");
        if (a > b) {
          assertEquals(0, chol[a][b], 0, "Cholesky whitening is upper triangular");
        }
      }
    }
  }

  @Test
  void chunkedFitEqualsOnePassFitAndEpsRegularizes() {
    Whitening once = Whitening.builder(Method.ZCA_COR).build().fit(TRAIN);
    Whitening chunked = Whitening.builder(Method.ZCA_COR).build();
    chunked.partialFit(Arrays.copyOfRange(TRAIN, 0, 11));
    chunked.partialFit(Arrays.copyOfRange(TRAIN, 11, TRAIN.length));
    assertClose(chunked.transform(TEST), once.transform(TEST), 1e-10, "chunked vs one pass");
    // A constant feature makes the covariance singular; eps makes it invertible, and the
    // constant feature's whitened value is then 0 (its centred value).
    double[][] withConstant = columns(matrix("train"), 0, 4);
    double[][] z = Whitening.builder(Method.ZCA).optEps(1e-6).build().fit(withConstant)
        .transform(withConstant);
    assertEquals(0, z[3][1], 1e-9);
  }
}
