package org.normlab.info;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * The textbook worked examples (issue 5), the zero rules and the input checks. Expected values to
 * 4 decimals are the textbook's; the others were computed with Python's math module and SciPy
 * 1.x (scipy.spatial.distance.jensenshannon) as noted.
 */
class MeasuresTest {
  static final double[] P = {0.4, 0.3, 0.2, 0.1};
  static final double[] U = {0.25, 0.25, 0.25, 0.25};

  @Test
  void informationOfRedAndBlue() {
    assertEquals(1.2040, Measures.information(0.3, Unit.NATS), 5e-5); // P(red) = 0.3
    assertEquals(0.3567, Measures.information(0.7, Unit.NATS), 5e-5); // P(blue) = 0.7
    assertEquals(1.0, Measures.information(0.5, Unit.BITS), 1e-15);
    assertEquals(Double.POSITIVE_INFINITY, Measures.information(0, Unit.NATS));
  }

  @Test
  void entropyOfFourColours() {
    assertEquals(1.2799, Measures.entropy(P, Unit.NATS), 5e-5);
    assertEquals(1.8464, Measures.entropy(P, Unit.BITS), 5e-5);
    assertEquals(Math.log10(4), Measures.entropy(U, Unit.HARTLEYS), 1e-15);
    assertEquals(0.0, Measures.entropy(new double[] {0, 1, 0}, Unit.NATS), 0.0, "0 log 0 = 0");
  }

  @Test
  void crossEntropyAgainstUniformIsLogFour() {
    assertEquals(1.3863, Measures.crossEntropy(P, U, Unit.NATS), 5e-5);
    assertEquals(2.0, Measures.crossEntropy(P, U, Unit.BITS), 1e-12);
  }

  @Test
  void klIsNotSymmetric() {
    double pu = Measures.kl(P, U, Unit.NATS);
    double up = Measures.kl(U, P, Unit.NATS);
    assertEquals(0.1064, pu, 5e-5);
    assertEquals(0.1217772743, up, 1e-9); // sum_i 0.25 log(0.25 / p_i), Python math
    assertTrue(up > pu + 0.01, "KL(U||P) != KL(P||U)");
    assertEquals(Measures.crossEntropy(P, U, Unit.NATS) - Measures.entropy(P, Unit.NATS), pu, 1e-12, "KL = CE - H");
  }

  @Test
  void zeroRules() {
    double[] p = {0.5, 0.5, 0};
    double[] q = {0.5, 0, 0.5};
    assertEquals(Double.POSITIVE_INFINITY, Measures.kl(p, q, Unit.NATS), "p > 0 where q = 0");
    assertEquals(Double.POSITIVE_INFINITY, Measures.crossEntropy(p, q, Unit.BITS));
    assertEquals(0.0, Measures.kl(new double[] {1, 0}, new double[] {1, 0}, Unit.NATS), 0.0, "0 log(0/0) = 0");
    assertEquals(1.0, Measures.js(new double[] {1, 0}, new double[] {0, 1}, Unit.BITS), 1e-15,
        "disjoint supports: JS = 1 bit");
  }

  @Test
  void jensenShannon() {
    assertEquals(0.027865613457276703, Measures.js(P, U, Unit.NATS), 1e-12); // SciPy jensenshannon(p, u)**2
    assertEquals(0.16692996572597954, Measures.jsDistance(P, U, Unit.NATS), 1e-12); // SciPy
    assertEquals(0.20050332253142805, Measures.jsDistance(P, U, Unit.BITS), 1e-12); // SciPy, base=2
    assertEquals(Measures.js(P, U, Unit.NATS), Measures.js(U, P, Unit.NATS), 1e-15, "symmetric");
  }

  @Test
  void binaryEntropy() {
    assertEquals(1.0, Measures.binaryEntropy(0.5, Unit.BITS), 1e-15);
    assertEquals(0.0, Measures.binaryEntropy(1, Unit.BITS), 0.0);
    assertEquals(Measures.entropy(new double[] {0.3, 0.7}, Unit.NATS), Measures.binaryEntropy(0.3, Unit.NATS), 1e-15);
  }

  @Test
  void rowsOfTensorsAndFloats() {
    Tensor p = Tensor.of(new float[] {0.4f, 0.3f, 0.2f, 0.1f, 0.25f, 0.25f, 0.25f, 0.25f}, Layout.ROW_MAJOR, 2, 4);
    double[] h = Measures.entropyRows(p, Unit.BITS);
    assertEquals(1.8464, h[0], 5e-5);
    assertEquals(2.0, h[1], 1e-12);
    Tensor u = Tensor.filled(0.25f, Layout.ROW_MAJOR, 2, 4);
    assertArrayEquals(new double[] {0.1064, 0}, Measures.klRows(p, u, Unit.NATS), 5e-5);
    assertArrayEquals(new double[] {2, 2}, Measures.crossEntropyRows(p, u, Unit.BITS), 1e-6);
    assertEquals(0, Measures.jsRows(u, u, Unit.NATS)[1], 0.0);
    assertEquals(1.2799, Measures.entropy(new float[] {0.4f, 0.3f, 0.2f, 0.1f}, Unit.NATS), 5e-5);
  }

  @Test
  void notDistributionsAreErrorsThatSayWhy() {
    NotADistributionException e = assertThrows(NotADistributionException.class,
        () -> Measures.entropy(new double[] {0.4, 0.3, 0.2}, Unit.NATS));
    assertEquals("p sums to 0.9, not 1", e.reason());
    assertTrue(e.rescalable());
    assertMessage("p[1]: expected a probability >= 0, got -0.1", () -> Measures.entropy(new double[] {1.1, -0.1}, Unit.NATS));
    assertMessage("q[0]: expected a finite probability, got NaN",
        () -> Measures.kl(U, new double[] {Double.NaN, 1, 0, 0}, Unit.NATS));
    assertMessage("q: expected 4 probabilities (the length of p), got 2", () -> Measures.js(U, new double[] {0.5, 0.5}, Unit.NATS));
    assertMessage("p: expected at least one probability, got none", () -> Measures.entropy(new double[0], Unit.NATS));
    assertMessage("p: expected a probability in [0, 1], got 1.5", () -> Measures.information(1.5, Unit.NATS));
    assertMessage("p row 1 sums to 2, not 1",
        () -> Measures.entropyRows(Tensor.of(new float[] {0.5f, 0.5f, 1f, 1f}, Layout.ROW_MAJOR, 2, 2), Unit.NATS));
    assertMessage("base: expected e, 2 or 10 (or nats, bits, hartleys), got '3'", () -> Unit.parse("3"));
  }

  @Test
  void normalizeRescalesOnRequestOnly() {
    assertArrayEquals(new double[] {0.4, 0.6}, Distribution.normalize("p", new double[] {2, 3}), 1e-15);
    assertMessage("p sums to 0; it cannot be rescaled to sum to 1", () -> Distribution.normalize("p", new double[] {0, 0}));
    assertMessage("p[0]: expected a probability >= 0, got -1.0", () -> Distribution.normalize("p", new double[] {-1, 2}));
    assertEquals("0.9", Distribution.format(0.4 + 0.3 + 0.2));
  }

  /** 300 rows of 100: several parallel pieces of rows, each row's result its own. */
  @Test
  void rowsInParallelEqualEachRowAndReportTheFirstBadRow() {
    int rows = 300;
    int c = 100;
    Tensor p = Tensor.uniform(11, 0.01f, 1f, Layout.ROW_MAJOR, rows, c);
    Tensor q = Tensor.uniform(12, 0.01f, 1f, Layout.ROW_MAJOR, rows, c);
    for (Tensor t : new Tensor[] {p, q}) {
      for (int r = 0; r < rows; r++) {
        float[] row = java.util.Arrays.copyOfRange(t.data(), r * c, (r + 1) * c);
        double sum = 0;
        for (float v : row) {
          sum += v;
        }
        for (int j = 0; j < c; j++) {
          t.data()[r * c + j] = (float) (row[j] / sum);
        }
      }
    }
    int before = org.normlab.kernels.Parallel.threads();
    try {
      org.normlab.kernels.Parallel.setThreads(2);
      double[] h = Measures.entropyRows(p, Unit.BITS);
      double[] kl = Measures.klRows(p, q, Unit.NATS);
      double[] js = Measures.jsRows(p, q, Unit.NATS);
      for (int r = 0; r < rows; r++) {
        float[] pr = java.util.Arrays.copyOfRange(p.data(), r * c, (r + 1) * c);
        float[] qr = java.util.Arrays.copyOfRange(q.data(), r * c, (r + 1) * c);
        assertEquals(Measures.entropy(pr, Unit.BITS), h[r], 0.0, "entropy row " + r);
        assertEquals(Measures.kl(pr, qr, Unit.NATS), kl[r], 0.0, "kl row " + r);
        assertEquals(Measures.js(pr, qr, Unit.NATS), js[r], 0.0, "js row " + r);
      }
      p.data()[290 * c] += 0.5f;
      q.data()[250 * c] += 0.5f;
      assertMessage("p row 290 sums to 1.5, not 1", () -> Measures.entropyRows(p, Unit.NATS));
      assertMessage("q row 250 sums to 1.5, not 1", () -> Measures.klRows(p, q, Unit.NATS));
    } finally {
      org.normlab.kernels.Parallel.setThreads(before);
    }
  }

  static void assertMessage(String expectedReason, Runnable r) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
    String reason = e instanceof NotADistributionException d ? d.reason() : e.getMessage();
    assertEquals(expectedReason, reason);
  }
}
