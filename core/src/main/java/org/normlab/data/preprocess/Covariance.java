package org.normlab.data.preprocess;

/**
 * Mergeable covariance: count, per-feature mean and the co-moment matrix
 * C = sum over rows of (x - mean)(x - mean)^T, merged over chunks with Chan's rule
 * C = C_A + C_B + delta delta^T * nA * nB / n (delta = mean_B - mean_A), so chunked fits equal
 * one-pass fits up to double rounding. Covariance with ddof: C / (n - ddof).
 */
final class Covariance {
  final int d;
  long count;
  final double[] mean;
  /** Row-major d x d co-moment matrix. */
  final double[] comoment;

  Covariance(int d) {
    this.d = d;
    this.mean = new double[d];
    this.comoment = new double[d * d];
  }

  /** Adds the rows of a (checked) chunk: its mean and co-moment in two passes, then a merge. */
  void add(double[][] chunk) {
    int n = chunk.length;
    double[] m = new double[d];
    for (double[] row : chunk) {
      for (int c = 0; c < d; c++) {
        m[c] += row[c];
      }
    }
    for (int c = 0; c < d; c++) {
      m[c] /= n;
    }
    double[] co = new double[d * d];
    double[] dev = new double[d];
    for (double[] row : chunk) {
      for (int c = 0; c < d; c++) {
        dev[c] = row[c] - m[c];
      }
      for (int a = 0; a < d; a++) {
        double da = dev[a];
        int base = a * d;
        for (int b = a; b < d; b++) {
          co[base + b] += da * dev[b];
        }
      }
    }
    merge(n, m, co);
  }

  /** Merges a part with n rows, mean m and upper-triangular co-moment co. */
  void merge(long n, double[] m, double[] co) {
    long total = count + n;
    double cross = (double) count * n / total;
    double[] delta = new double[d];
    for (int c = 0; c < d; c++) {
      delta[c] = m[c] - mean[c];
    }
    for (int a = 0; a < d; a++) {
      for (int b = a; b < d; b++) {
        double v = comoment[a * d + b] + co[a * d + b] + delta[a] * delta[b] * cross;
        comoment[a * d + b] = v;
        comoment[b * d + a] = v;
      }
    }
    for (int c = 0; c < d; c++) {
      mean[c] += delta[c] * n / total;
    }
    count = total;
  }

  /** The covariance matrix C / (n - ddof), row-major. */
  double[] covariance(int ddof) {
    if (count <= ddof) {
      throw new IllegalArgumentException("x: a covariance with ddof " + ddof + " needs more than "
          + ddof + " samples, got " + count);
    }
    double[] cov = comoment.clone();
    for (int i = 0; i < cov.length; i++) {
      cov[i] /= count - ddof;
    }
    return cov;
  }
}
