package org.normlab.norm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * GroupNorm's and LayerNorm's forward statistics come from one pass of sums shifted by each row's
 * first value, with a second pass where that value lies far from the row's mean
 * ({@link ShiftedMoments}). Both ways the saved (float) mean and rstd agree with a
 * double-precision two-pass reference to float rounding (measured within 5e-8 relative; asserted
 * 2e-7), on rows of mean 100 and std 1 (the naive E[x^2] - E[x]^2 in float would lose every digit)
 * and on rows whose first value is 40 standard deviations out (taken from the shifted sums alone,
 * without the second pass, one such GroupNorm group's rstd came out 5.4e-6 off, and this test
 * fails).
 */
class ShiftedMomentsTest {
  /** 6 rows (GroupNorm: 3 samples x 2 groups of 2 channels of 50x50) of 5000 values. */
  private static final int ROWS = 6;
  private static final int ROW = 5000;

  private static float[] data(boolean farFirstValue) {
    SplittableRandom r = new SplittableRandom(11);
    float[] x = new float[ROWS * ROW];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (100 + r.nextGaussian());
    }
    if (farFirstValue) {
      for (int g = 0; g < ROWS; g++) {
        x[g * ROW] = 140f;
      }
    }
    return x;
  }

  private static void assertMatchesDoubleReference(float[] x, float[] mean, float[] rstd,
      double eps) {
    for (int g = 0; g < ROWS; g++) {
      double sum = 0;
      for (int i = 0; i < ROW; i++) {
        sum += x[g * ROW + i];
      }
      double mu = sum / ROW;
      double sq = 0;
      for (int i = 0; i < ROW; i++) {
        double d = x[g * ROW + i] - mu;
        sq += d * d;
      }
      double r = 1 / Math.sqrt(sq / ROW + eps);
      assertEquals(mu, mean[g], 2e-7 * mu, "mean of row " + g);
      assertEquals(r, rstd[g], 2e-7 * r, "rstd of row " + g);
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void groupNormStatisticsKeepFloatPrecision(boolean farFirstValue) {
    float[] x = data(farFirstValue);
    GroupNorm gn = GroupNorm.builder(2, 4).build();
    gn.forward(Tensor.of(x, Layout.NCHW, 3, 4, 50, 50));
    assertMatchesDoubleReference(x, gn.savedMean(), gn.savedRstd(), GroupNorm.DEFAULT_EPS);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void layerNormStatisticsKeepFloatPrecision(boolean farFirstValue) {
    float[] x = data(farFirstValue);
    LayerNorm ln = LayerNorm.builder(ROW).build();
    ln.forward(Tensor.of(x, Layout.ROW_MAJOR, ROWS, ROW));
    assertMatchesDoubleReference(x, ln.savedMean(), ln.savedRstd(), LayerNorm.DEFAULT_EPS);
  }
}
