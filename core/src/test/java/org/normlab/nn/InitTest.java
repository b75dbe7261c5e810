package org.normlab.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Initializers: bounds and standard deviations of the formulas in {@link Init}, and seeding. */
class InitTest {
  private static float[] fill(Init.Initializer init, int n, int fanIn, int fanOut, long seed) {
    float[] d = new float[n];
    init.fill(d, fanIn, fanOut, new SplittableRandom(seed));
    return d;
  }

  private static double std(float[] d) {
    double s = 0;
    double ss = 0;
    for (float v : d) {
      s += v;
      ss += (double) v * v;
    }
    double mean = s / d.length;
    return Math.sqrt(ss / d.length - mean * mean);
  }

  private static double maxAbs(float[] d) {
    double m = 0;
    for (float v : d) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }

  @Test
  void uniformFamiliesRespectTheirBoundsAndSpread() {
    int n = 40_000;
    // Glorot uniform: a = sqrt(6 / (fanIn + fanOut)) = sqrt(6 / 300); std of U(-a, a) is a / sqrt(3)
    double a = Math.sqrt(6.0 / 300);
    float[] g = fill(Init.glorotUniform(), n, 100, 200, 1);
    assertTrue(maxAbs(g) <= a);
    assertEquals(a / Math.sqrt(3), std(g), 0.02 * a);
    // He uniform: a = sqrt(6 / fanIn)
    double h = Math.sqrt(6.0 / 100);
    float[] he = fill(Init.heUniform(), n, 100, 200, 2);
    assertTrue(maxAbs(he) <= h);
    assertEquals(h / Math.sqrt(3), std(he), 0.02 * h);
    // PyTorch's default: U(-1/sqrt(fanIn), 1/sqrt(fanIn))
    assertTrue(maxAbs(fill(Init.pytorchDefault(), n, 100, 200, 3)) <= 0.1);
  }

  @Test
  void normalFamiliesHaveTheirStd() {
    int n = 40_000;
    // sample std of 40,000 normals is within about 0.7% (1 sd = 1/sqrt(2n)) of the true one
    assertEquals(Math.sqrt(2.0 / 300), std(fill(Init.glorotNormal(), n, 100, 200, 4)), 0.03 * Math.sqrt(2.0 / 300));
    assertEquals(Math.sqrt(2.0 / 100), std(fill(Init.heNormal(), n, 100, 200, 5)), 0.03 * Math.sqrt(2.0 / 100));
    assertEquals(0.01, std(fill(Init.normal(0.01), n, 1, 1, 6)), 0.0003);
  }

  @Test
  void constantsAndSeeds() {
    assertArrayEquals(new float[] {1, 1, 1}, fill(Init.ones(), 3, 1, 1, 0));
    assertArrayEquals(new float[] {0, 0}, fill(Init.zeros(), 2, 1, 1, 0));
    assertArrayEquals(fill(Init.heNormal(), 50, 10, 10, 42), fill(Init.heNormal(), 50, 10, 10, 42));
    assertTrue(fill(Init.heNormal(), 50, 10, 10, 42)[0] != fill(Init.heNormal(), 50, 10, 10, 43)[0]);
    // layers built with the same seed have the same weights
    assertArrayEquals(Linear.builder(5, 3).optSeed(9).build().weight().value().data(),
        Linear.builder(5, 3).optSeed(9).build().weight().value().data());
  }
}
