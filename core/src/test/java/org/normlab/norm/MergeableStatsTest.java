package org.normlab.norm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Statistics computed on shards merge into the statistics of the whole, in any grouping: the
 * exact two-pass mean and M2 of all rows (computed here in double) are the reference.
 */
class MergeableStatsTest {
  static final int FEATURES = 3;

  /** Rows of three features with large means (so a naive sum-of-squares formula would fail). */
  static double[][] rows(long seed, int n) {
    SplittableRandom r = new SplittableRandom(seed);
    double[][] x = new double[n][FEATURES];
    for (int i = 0; i < n; i++) {
      x[i][0] = 1e6 + r.nextGaussian();
      x[i][1] = -3 + 0.01 * r.nextGaussian();
      x[i][2] = r.nextDouble() * 100;
    }
    return x;
  }

  static MergeableStats of(double[][] x, int from, int to) {
    MergeableStats s = new MergeableStats(FEATURES);
    for (int i = from; i < to; i++) {
      s.add(x[i]);
    }
    return s;
  }

  @Test
  void shardsMergeIntoTheStatisticsOfTheWhole() {
    double[][] x = rows(1, 1000);
    double[] mean = new double[FEATURES];
    double[] m2 = new double[FEATURES];
    for (double[] row : x) {
      for (int c = 0; c < FEATURES; c++) {
        mean[c] += row[c] / x.length;
      }
    }
    for (double[] row : x) {
      for (int c = 0; c < FEATURES; c++) {
        m2[c] += (row[c] - mean[c]) * (row[c] - mean[c]);
      }
    }
    int[][] groupings = {{0, 1000}, {0, 1, 1000}, {0, 333, 334, 999, 1000}, {0, 500, 1000},
        {0, 7, 64, 65, 300, 1000}};
    for (int[] cuts : groupings) {
      MergeableStats merged = new MergeableStats(FEATURES);
      for (int k = 0; k + 1 < cuts.length; k++) {
        merged.merge(of(x, cuts[k], cuts[k + 1]));
      }
      assertEquals(1000, merged.count());
      for (int c = 0; c < FEATURES; c++) {
        assertEquals(mean[c], merged.mean(c), 1e-12 * Math.abs(mean[c]) + 1e-12, "mean " + c);
        assertEquals(m2[c], merged.m2(c), 1e-9 * m2[c], "M2 " + c);
        assertEquals(m2[c] / 999, merged.variance(c, 1), 1e-9 * m2[c] / 999, "variance " + c);
      }
    }
  }

  @Test
  void mergeOrderDoesNotMatterBeyondRounding() {
    double[][] x = rows(2, 90);
    MergeableStats a = of(x, 0, 30).merge(of(x, 30, 60)).merge(of(x, 60, 90));
    MergeableStats b = of(x, 60, 90).merge(of(x, 0, 30).merge(of(x, 30, 60)));
    for (int c = 0; c < FEATURES; c++) {
      assertEquals(a.mean(c), b.mean(c), 1e-12 * Math.abs(a.mean(c)) + 1e-15);
      assertEquals(a.m2(c), b.m2(c), 1e-10 * a.m2(c));
    }
  }

  @Test
  void tooFewSamplesForDdofIsAnError() {
    MergeableStats s = of(rows(3, 1), 0, 1);
    assertEquals(0, s.variance(0, 0));
    assertThrows(IllegalStateException.class, () -> s.variance(0, 1));
  }
}
