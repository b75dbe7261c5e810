package org.normlab.tensor;

/**
 * The one comparison rule of normlab: |actual - expected| &lt;= atol + rtol * |expected|, element by
 * element. A NaN anywhere fails, unless both values are NaN; equal infinities pass.
 */
public final class AllClose {
  private AllClose() {}

  /** The outcome of a comparison: whether it passed and a message naming the first bad index. */
  public record Result(boolean ok, int firstBadIndex, double actual, double expected,
      double maxAbsDiff, int maxDiffIndex, String message) {}

  public static Result compare(float[] actual, float[] expected, double rtol, double atol) {
    double[] a = new double[actual.length];
    double[] e = new double[expected.length];
    for (int i = 0; i < a.length; i++) {
      a[i] = actual[i];
    }
    for (int i = 0; i < e.length; i++) {
      e[i] = expected[i];
    }
    return compare(a, e, rtol, atol);
  }

  public static Result compare(double[] actual, double[] expected, double rtol, double atol) {
    if (actual.length != expected.length) {
      return new Result(false, -1, Double.NaN, Double.NaN, Double.NaN, -1,
          "length: expected " + expected.length + ", got " + actual.length);
    }
    int firstBad = -1;
    double maxDiff = 0;
    int maxIndex = -1;
    for (int i = 0; i < actual.length; i++) {
      double a = actual[i];
      double e = expected[i];
      boolean close;
      double diff;
      if (Double.isNaN(a) || Double.isNaN(e)) {
        close = Double.isNaN(a) && Double.isNaN(e);
        diff = close ? 0 : Double.POSITIVE_INFINITY;
      } else if (Double.isInfinite(a) || Double.isInfinite(e)) {
        close = a == e;
        diff = close ? 0 : Double.POSITIVE_INFINITY;
      } else {
        diff = Math.abs(a - e);
        close = diff <= atol + rtol * Math.abs(e);
      }
      if (diff > maxDiff || maxIndex < 0) {
        maxDiff = diff;
        maxIndex = i;
      }
      if (!close && firstBad < 0) {
        firstBad = i;
      }
    }
    if (firstBad < 0) {
      return new Result(true, -1, Double.NaN, Double.NaN, maxDiff, maxIndex, "all close");
    }
    String message = String.format(
        "not close (rtol %.3g, atol %.3g): first bad index %d: actual %.9g, expected %.9g;"
            + " largest difference %.6g at index %d (%d elements)",
        rtol, atol, firstBad, actual[firstBad], expected[firstBad], maxDiff, maxIndex, actual.length);
    return new Result(false, firstBad, actual[firstBad], expected[firstBad], maxDiff, maxIndex, message);
  }

  public static Result compare(Tensor actual, Tensor expected, double rtol, double atol) {
    if (!actual.shape().equals(expected.shape())) {
      return new Result(false, -1, Double.NaN, Double.NaN, Double.NaN, -1,
          "shape: expected " + expected.shape() + ", got " + actual.shape());
    }
    return compare(actual.data(), expected.data(), rtol, atol);
  }

  /** Throws an AssertionError with the comparison message when the arrays are not close. */
  public static void assertAllClose(float[] actual, float[] expected, double rtol, double atol,
      String what) {
    Result r = compare(actual, expected, rtol, atol);
    if (!r.ok()) {
      throw new AssertionError(what + ": " + r.message());
    }
  }

  public static void assertAllClose(double[] actual, double[] expected, double rtol, double atol,
      String what) {
    Result r = compare(actual, expected, rtol, atol);
    if (!r.ok()) {
      throw new AssertionError(what + ": " + r.message());
    }
  }

  public static void assertAllClose(Tensor actual, Tensor expected, double rtol, double atol,
      String what) {
    Result r = compare(actual, expected, rtol, atol);
    if (!r.ok()) {
      throw new AssertionError(what + ": " + r.message());
    }
  }

  /** True when every element is close. */
  public static boolean allClose(Tensor actual, Tensor expected, double rtol, double atol) {
    return compare(actual, expected, rtol, atol).ok();
  }
}
