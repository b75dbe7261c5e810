package org.normlab.data.preprocess;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.normlab.io.SafetensorsFile;

/**
 * Whitening z = W (x - mean) with cov(z) = I, by one of the five methods of Kessy, Lewin and
 * Strimmer 2018 ("Optimal whitening and decorrelation"). With the covariance
 * Sigma = C / (n - ddof) + eps I (eps regularizes near-singular data), Sigma = U Lambda U^T, the
 * variances V = diag(Sigma) and the correlation P = V^-1/2 Sigma V^-1/2 = G Theta G^T:
 * <pre>
 *   PCA      W = Lambda^-1/2 U^T            (rows: principal axes by decreasing variance)
 *   ZCA      W = U Lambda^-1/2 U^T = Sigma^-1/2   (the whitening closest to x: min E|z - x|^2)
 *   PCA_COR  W = Theta^-1/2 G^T V^-1/2
 *   ZCA_COR  W = P^-1/2 V^-1/2              (closest to the standardized x)
 *   CHOLESKY W = L^T with L L^T = Sigma^-1  (upper triangular)
 * </pre>
 * PCA and PCA_COR rows are signed so that the diagonal of the cross-covariance W Sigma is positive
 * (Kessy et al.'s rule; PCA then equals scikit-learn's {@code PCA(whiten=True)} up to the sign of
 * each component). The symmetric eigendecompositions and the Cholesky factorization are EJML's.
 * The default ddof is 1 (scikit-learn's PCA), eps 0.
 */
public final class Whitening implements DataNormalizer {
  static final String TYPE = "whitening";

  /** The whitening matrix, Kessy et al.'s names. */
  public enum Method {
    PCA, ZCA, PCA_COR, ZCA_COR, CHOLESKY
  }

  private final Method method;
  private final double eps;
  private final int ddof;
  private Covariance cov;
  private DMatrixRMaj w;
  private DMatrixRMaj wInverse;

  private Whitening(Builder b) {
    if (b.method == null) {
      throw new IllegalArgumentException("method: expected PCA, ZCA, PCA_COR, ZCA_COR or CHOLESKY,"
          + " got null");
    }
    if (!(b.eps >= 0) || !Double.isFinite(b.eps)) {
      throw new IllegalArgumentException("eps: expected a finite value >= 0, got " + b.eps);
    }
    if (b.ddof < 0) {
      throw new IllegalArgumentException("ddof: expected >= 0, got " + b.ddof);
    }
    this.method = b.method;
    this.eps = b.eps;
    this.ddof = b.ddof;
  }

  public static Builder builder(Method method) {
    return new Builder(method);
  }

  /** Builder: method required; eps 0 and ddof 1 by default. */
  public static final class Builder {
    private final Method method;
    private double eps;
    private int ddof = 1;

    private Builder(Method method) {
      this.method = method;
    }

    /** Added to the covariance's diagonal before decomposing (default 0). */
    public Builder optEps(double eps) {
      this.eps = eps;
      return this;
    }

    /** Covariance = co-moment / (n - ddof) (default 1). */
    public Builder optDdof(int ddof) {
      this.ddof = ddof;
      return this;
    }

    public Whitening build() {
      return new Whitening(this);
    }
  }

  @Override
  public Whitening fit(double[][] x) {
    Matrices.require("x", x, -1);
    cov = null;
    partialFit(x);
    matrix();
    return this;
  }

  @Override
  public Whitening partialFit(double[][] chunk) {
    int d = Matrices.require("chunk", chunk, features());
    if (cov == null) {
      cov = new Covariance(d);
    }
    cov.add(chunk);
    w = null;
    wInverse = null;
    return this;
  }

  /** The whitening matrix W (d x d, row-major), computed once per fit. */
  public double[][] whiteningMatrix() {
    DMatrixRMaj m = matrix();
    double[][] out = new double[m.numRows][m.numCols];
    for (int r = 0; r < m.numRows; r++) {
      for (int c = 0; c < m.numCols; c++) {
        out[r][c] = m.get(r, c);
      }
    }
    return out;
  }

  /** The fitted per-feature means. */
  public double[] mean() {
    Matrices.requireFitted("Whitening", samplesSeen());
    return cov.mean.clone();
  }

  /** The regularized covariance C / (n - ddof) + eps I (d x d, row-major). */
  public double[] covariance() {
    Matrices.requireFitted("Whitening", samplesSeen());
    double[] s = cov.covariance(ddof);
    for (int i = 0; i < cov.d; i++) {
      s[i * cov.d + i] += eps;
    }
    return s;
  }

  private DMatrixRMaj matrix() {
    Matrices.requireFitted("Whitening", samplesSeen());
    if (w == null) {
      DMatrixRMaj sigma = DMatrixRMaj.wrap(cov.d, cov.d, covariance());
      w = switch (method) {
        case PCA -> signed(eigenWhitening(sigma, false), sigma);
        case ZCA -> eigenWhitening(sigma, true);
        case PCA_COR -> signed(correlationWhitening(sigma, false), sigma);
        case ZCA_COR -> correlationWhitening(sigma, true);
        case CHOLESKY -> cholesky(sigma);
      };
      wInverse = new DMatrixRMaj(cov.d, cov.d);
      if (!CommonOps_DDRM.invert(w, wInverse)) {
        throw new IllegalArgumentException("x: the whitening matrix is singular; set eps > 0");
      }
    }
    return w;
  }

  /** Lambda^-1/2 U^T (PCA) or U Lambda^-1/2 U^T (ZCA) of a symmetric positive definite matrix. */
  private static DMatrixRMaj eigenWhitening(DMatrixRMaj sym, boolean zca) {
    int d = sym.numRows;
    EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, true, true);
    if (!eig.decompose(sym.copy())) {
      throw new IllegalArgumentException("x: the eigendecomposition of the covariance failed");
    }
    Integer[] order = new Integer[d];
    for (int i = 0; i < d; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> -eig.getEigenvalue(i).getReal()));
    DMatrixRMaj pca = new DMatrixRMaj(d, d);
    for (int k = 0; k < d; k++) {
      double lambda = eig.getEigenvalue(order[k]).getReal();
      if (!(lambda > 0)) {
        throw new IllegalArgumentException("x: the covariance is singular (eigenvalue " + lambda
            + "; constant or linearly dependent features); set eps > 0 to regularize");
      }
      DMatrixRMaj u = eig.getEigenVector(order[k]);
      double f = 1 / Math.sqrt(lambda);
      for (int c = 0; c < d; c++) {
        pca.set(k, c, u.get(c) * f);
      }
    }
    if (!zca) {
      return pca;
    }
    // U Lambda^-1/2 U^T = U (Lambda^-1/2 U^T): rows of pca are the unit eigenvectors times f.
    DMatrixRMaj u = new DMatrixRMaj(d, d);
    for (int k = 0; k < d; k++) {
      DMatrixRMaj vec = eig.getEigenVector(order[k]);
      for (int c = 0; c < d; c++) {
        u.set(c, k, vec.get(c));
      }
    }
    DMatrixRMaj out = new DMatrixRMaj(d, d);
    CommonOps_DDRM.mult(u, pca, out);
    return out;
  }

  /** The PCA or ZCA whitening of the correlation matrix, times V^-1/2. */
  private static DMatrixRMaj correlationWhitening(DMatrixRMaj sigma, boolean zca) {
    int d = sigma.numRows;
    double[] invStd = new double[d];
    for (int i = 0; i < d; i++) {
      double v = sigma.get(i, i);
      if (!(v > 0)) {
        throw new IllegalArgumentException("x: feature " + i + " has zero variance; set eps > 0");
      }
      invStd[i] = 1 / Math.sqrt(v);
    }
    DMatrixRMaj p = new DMatrixRMaj(d, d);
    for (int r = 0; r < d; r++) {
      for (int c = 0; c < d; c++) {
        p.set(r, c, sigma.get(r, c) * invStd[r] * invStd[c]);
      }
    }
    DMatrixRMaj w = eigenWhitening(p, zca);
    for (int r = 0; r < d; r++) {
      for (int c = 0; c < d; c++) {
        w.set(r, c, w.get(r, c) * invStd[c]);
      }
    }
    return w;
  }

  /** W = L^T with L the lower Cholesky factor of Sigma^-1. */
  private static DMatrixRMaj cholesky(DMatrixRMaj sigma) {
    int d = sigma.numRows;
    DMatrixRMaj precision = new DMatrixRMaj(d, d);
    if (!CommonOps_DDRM.invertSPD(sigma.copy(), precision)) {
      throw new IllegalArgumentException("x: the covariance is not positive definite; set eps > 0");
    }
    CholeskyDecomposition_F64<DMatrixRMaj> chol = DecompositionFactory_DDRM.chol(d, true);
    if (!chol.decompose(precision)) {
      throw new IllegalArgumentException("x: the precision matrix is not positive definite;"
          + " set eps > 0");
    }
    DMatrixRMaj l = chol.getT(null);
    DMatrixRMaj w = new DMatrixRMaj(d, d);
    CommonOps_DDRM.transpose(l, w);
    return w;
  }

  /** Flips rows of w so that diag(w sigma) is positive. */
  private static DMatrixRMaj signed(DMatrixRMaj w, DMatrixRMaj sigma) {
    int d = w.numRows;
    for (int r = 0; r < d; r++) {
      double diag = 0;
      for (int k = 0; k < d; k++) {
        diag += w.get(r, k) * sigma.get(k, r);
      }
      if (diag < 0) {
        for (int c = 0; c < d; c++) {
          w.set(r, c, -w.get(r, c));
        }
      }
    }
    return w;
  }

  @Override
  public double[][] transform(double[][] x) {
    Matrices.requireFitted("Whitening", samplesSeen());
    Matrices.require("x", x, features());
    DMatrixRMaj m = matrix();
    double[][] z = new double[x.length][];
    double[] centred = new double[cov.d];
    for (int r = 0; r < x.length; r++) {
      for (int c = 0; c < cov.d; c++) {
        centred[c] = x[r][c] - cov.mean[c];
      }
      z[r] = multiply(m, centred);
    }
    return z;
  }

  @Override
  public double[][] inverseTransform(double[][] z) {
    Matrices.requireFitted("Whitening", samplesSeen());
    Matrices.require("x", z, features());
    matrix();
    double[][] x = new double[z.length][];
    for (int r = 0; r < z.length; r++) {
      x[r] = multiply(wInverse, z[r]);
      for (int c = 0; c < cov.d; c++) {
        x[r][c] += cov.mean[c];
      }
    }
    return x;
  }

  private static double[] multiply(DMatrixRMaj m, double[] v) {
    int d = m.numRows;
    double[] data = m.data;
    double[] out = new double[d];
    for (int r = 0; r < d; r++) {
      double s = 0;
      for (int c = 0; c < d; c++) {
        s += data[r * d + c] * v[c];
      }
      out[r] = s;
    }
    return out;
  }

  @Override
  public int features() {
    return cov == null ? -1 : cov.d;
  }

  @Override
  public long samplesSeen() {
    return cov == null ? 0 : cov.count;
  }

  public Method method() {
    return method;
  }

  @Override
  public void save(Path path) throws IOException {
    Matrices.requireFitted("Whitening", samplesSeen());
    NormalizerFiles.writer(TYPE, samplesSeen())
        .metadata("method", method.name())
        .metadata("eps", Double.toString(eps))
        .metadata("ddof", Integer.toString(ddof))
        .putDoubles("mean", cov.mean, cov.d)
        .putDoubles("comoment", cov.comoment, cov.d, cov.d)
        .write(path);
  }

  static Whitening read(SafetensorsFile f) {
    Whitening wh = builder(Method.valueOf(f.requireMetadata("method")))
        .optEps(NormalizerFiles.number(f, "eps"))
        .optDdof(Integer.parseInt(f.requireMetadata("ddof"))).build();
    double[] mean = f.doubles("mean");
    wh.cov = new Covariance(mean.length);
    wh.cov.merge(NormalizerFiles.samplesSeen(f), mean, f.doubles("comoment"));
    return wh;
  }

  @Override
  public String toString() {
    return "Whitening(" + method + ", eps=" + eps + ", ddof=" + ddof + ", samples_seen="
        + samplesSeen() + ")";
  }
}
