package org.normlab.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The comparison rule |a - b| <= atol + rtol * |b| and the failure message. */
class AllCloseTest {

  @Test
  void toleranceIsRelativeToExpected() {
    // |1.1 - 1| = 0.1 <= 0 + 0.1 * 1 passes; relative to actual (0.11) would too, so test the edge:
    // |0.9 - 1| = 0.1 <= 0.1 * |1| passes, but 0.1 * |0.9| = 0.09 would fail.
    assertTrue(AllClose.compare(new double[] {0.9}, new double[] {1.0}, 0.1 + 1e-12, 0).ok());
    assertFalse(AllClose.compare(new double[] {1.0}, new double[] {0.9}, 0.1 + 1e-12, 0).ok());
    assertTrue(AllClose.compare(new double[] {1e-6}, new double[] {0}, 0, 1e-5).ok());
    assertFalse(AllClose.compare(new double[] {2e-5}, new double[] {0}, 0, 1e-5).ok());
  }

  @Test
  void failureNamesFirstBadIndexValuesAndLargestDifference() {
    float[] expected = {1, 2, 3, 4, 5};
    float[] actual = {1, 2.5f, 3, 9, 5};
    AllClose.Result r = AllClose.compare(actual, expected, 1e-4, 1e-5);
    assertFalse(r.ok());
    assertEquals(1, r.firstBadIndex());
    assertEquals(2.5, r.actual());
    assertEquals(2.0, r.expected());
    assertEquals(5.0, r.maxAbsDiff());
    assertEquals(3, r.maxDiffIndex());
    assertTrue(r.message().contains("first bad index 1: actual 2.50000000, expected 2.00000000"), r.message());
    assertTrue(r.message().contains("largest difference 5.00000 at index 3"), r.message());
    AssertionError e = assertThrows(AssertionError.class,
        () -> AllClose.assertAllClose(actual, expected, 1e-4, 1e-5, "y"));
    assertTrue(e.getMessage().startsWith("y: not close"), e.getMessage());
  }

  @Test
  void nanAndInfinity() {
    assertFalse(AllClose.compare(new double[] {Double.NaN}, new double[] {1}, 1, 1).ok());
    assertFalse(AllClose.compare(new double[] {1}, new double[] {Double.NaN}, 1, 1).ok());
    assertTrue(AllClose.compare(new double[] {Double.NaN}, new double[] {Double.NaN}, 0, 0).ok());
    assertTrue(AllClose.compare(new double[] {Double.POSITIVE_INFINITY},
        new double[] {Double.POSITIVE_INFINITY}, 0, 0).ok());
    assertFalse(AllClose.compare(new double[] {Double.NEGATIVE_INFINITY},
        new double[] {Double.POSITIVE_INFINITY}, 1, 1).ok());
    assertFalse(AllClose.compare(new double[] {1e300}, new double[] {Double.POSITIVE_INFINITY}, 1, 1).ok());
  }

  @Test
  void lengthAndShapeMismatch() {
    AllClose.Result r = AllClose.compare(new double[2], new double[3], 0, 0);
    assertFalse(r.ok());
    assertEquals("length: expected 3, got 2", r.message());
    Tensor a = Tensor.zeros(Layout.NC, 2, 3);
    Tensor b = Tensor.zeros(Layout.NC, 3, 2);
    assertEquals("shape: expected (3, 2), got (2, 3)", AllClose.compare(a, b, 0, 0).message());
    assertTrue(AllClose.allClose(a, a.copy(), 0, 0));
    assertThrows(AssertionError.class, () -> AllClose.assertAllClose(a, b, 0, 0, "t"));
  }
}
