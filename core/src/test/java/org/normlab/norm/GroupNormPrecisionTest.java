package org.normlab.norm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * GroupNorm's statistics come from one pass of sums shifted by each group's first value, with a
 * second pass where that value lies far from the group's mean (GroupStats.saveFromShiftedSums).
 * Both ways the saved (float) mean and rstd agree with a double-precision two-pass reference to
 * float rounding (measured within 5e-8 relative; asserted 2e-7), on groups of mean 100 and std 1
 * (the naive E[x^2] - E[x]^2 in float would lose every digit) and on groups whose first value is
 * 40 standard deviations out (taken from the shifted sums alone, without the second pass, one such
 * group's rstd came out 5.4e-6 off, and this test fails).
 */
class GroupNormPrecisionTest {
  private static final int N = 3;
  private static final int C = 4;
  private static final int GROUPS = 2;
  private static final int S = 2500;

  private static float[] data(boolean farFirstValue) {
    SplittableRandom r = new SplittableRandom(11);
    float[] x = new float[N * C * S];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (100 + r.nextGaussian());
    }
    if (farFirstValue) {
      int count = C / GROUPS * S;
      for (int g = 0; g < N * GROUPS; g++) {
        x[g * count] = 140f;
      }
    }
    return x;
  }

  private static void assertStatisticsMatchDoubleReference(boolean farFirstValue) {
    float[] x = data(farFirstValue);
    GroupNorm gn = GroupNorm.builder(GROUPS, C).build();
    gn.forward(Tensor.of(x, Layout.NCHW, N, C, 50, 50));
    int count = C / GROUPS * S;
    for (int g = 0; g < N * GROUPS; g++) {
      double sum = 0;
      for (int i = 0; i < count; i++) {
        sum += x[g * count + i];
      }
      double mean = sum / count;
      double sq = 0;
      for (int i = 0; i < count; i++) {
        double d = x[g * count + i] - mean;
        sq += d * d;
      }
      double rstd = 1 / Math.sqrt(sq / count + GroupNorm.DEFAULT_EPS);
      assertEquals(mean, gn.savedMean()[g], 2e-7 * mean, "mean of group " + g);
      assertEquals(rstd, gn.savedRstd()[g], 2e-7 * rstd, "rstd of group " + g);
    }
  }

  @Test
  void groupsCentredNearTheirFirstValueKeepFloatPrecision() {
    assertStatisticsMatchDoubleReference(false);
  }

  @Test
  void groupsWhoseFirstValueIsFarOutKeepFloatPrecision() {
    assertStatisticsMatchDoubleReference(true);
  }
}
