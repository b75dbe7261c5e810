package org.normlab.data.preprocess;

import java.io.IOException;
import java.nio.file.Path;
import org.normlab.io.SafetensorsFile;
import org.normlab.norm.MergeableStats;

/**
 * Standardizes each feature, as scikit-learn's {@code StandardScaler}:
 * <pre>
 *   y = (x - mean) / scale,   scale = sqrt(M2 / (n - ddof))   (x = y * scale + mean, inverse)
 * </pre>
 * without the centring when withMean is off and without the division when withStd is off.
 * Statistics are {@link MergeableStats} (Chan's merge), so chunked fits equal one-pass fits.
 * scikit-learn's numbers are ddof 0 (the default).
 *
 * <p>A zero-variance feature needs a policy, chosen explicitly: {@link ZeroVariance#SCALE_ONE}
 * (scikit-learn: a feature whose variance is within the rounding error bound of a constant,
 * var <= n*eps64*var + (n*mean*eps64)^2, keeps scale 1), {@link ZeroVariance#ERROR} (an error
 * naming the feature), or {@link ZeroVariance#EPS} (every feature divides by sqrt(var + eps)).
 */
public final class StandardScaler implements DataNormalizer {
  static final String TYPE = "standard_scaler";
  /** The default eps of {@link ZeroVariance#EPS}. */
  public static final double DEFAULT_EPS = 1e-8;

  /** What to do with features of zero variance. */
  public enum ZeroVariance {
    /** Leave them unscaled (scale 1), as scikit-learn. */
    SCALE_ONE,
    /** Fail, naming the feature. */
    ERROR,
    /** Divide every feature by sqrt(var + eps). */
    EPS
  }

  private final boolean withMean;
  private final boolean withStd;
  private final int ddof;
  private final ZeroVariance zeroVariance;
  private final double eps;
  private MergeableStats stats;

  private StandardScaler(Builder b) {
    if (b.zeroVariance == null) {
      throw new IllegalArgumentException("zeroVariance: expected a policy (SCALE_ONE as"
          + " scikit-learn, ERROR or EPS), got none; call setZeroVariance");
    }
    if (b.ddof < 0) {
      throw new IllegalArgumentException("ddof: expected >= 0, got " + b.ddof);
    }
    if (!(b.eps > 0) || !Double.isFinite(b.eps)) {
      throw new IllegalArgumentException("eps: expected a finite value > 0, got " + b.eps);
    }
    this.withMean = b.withMean;
    this.withStd = b.withStd;
    this.ddof = b.ddof;
    this.zeroVariance = b.zeroVariance;
    this.eps = b.eps;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builder: the zero-variance policy is required ({@link #setZeroVariance}); withMean and withStd
   * on, ddof 0 and eps 1e-8 (used by {@link ZeroVariance#EPS} only) by default.
   */
  public static final class Builder {
    private boolean withMean = true;
    private boolean withStd = true;
    private int ddof;
    private ZeroVariance zeroVariance;
    private double eps = DEFAULT_EPS;

    /** Required: what to do with zero-variance features. */
    public Builder setZeroVariance(ZeroVariance policy) {
      this.zeroVariance = policy;
      return this;
    }

    public Builder optWithMean(boolean on) {
      this.withMean = on;
      return this;
    }

    public Builder optWithStd(boolean on) {
      this.withStd = on;
      return this;
    }

    /** Degrees of freedom removed from the sample count in the variance (default 0). */
    public Builder optDdof(int ddof) {
      this.ddof = ddof;
      return this;
    }

    /** eps added to every variance with {@link ZeroVariance#EPS} (default 1e-8). */
    public Builder optEps(double eps) {
      this.eps = eps;
      return this;
    }

    public StandardScaler build() {
      return new StandardScaler(this);
    }
  }

  @Override
  public StandardScaler fit(double[][] x) {
    Matrices.require("x", x, -1);
    stats = null;
    partialFit(x);
    scale();
    return this;
  }

  @Override
  public StandardScaler partialFit(double[][] chunk) {
    int d = Matrices.require("chunk", chunk, features());
    stats = Statistics.merge(stats, chunk, d);
    return this;
  }

  /** Per-feature means (scikit-learn's {@code mean_}). */
  public double[] mean() {
    Matrices.requireFitted("StandardScaler", samplesSeen());
    return stats.means();
  }

  /** Per-feature variances M2 / (n - ddof) (scikit-learn's {@code var_} for ddof 0). */
  public double[] variance() {
    Matrices.requireFitted("StandardScaler", samplesSeen());
    if (stats.count() <= ddof) {
      throw new IllegalArgumentException("x: a variance with ddof " + ddof + " needs more than "
          + ddof + " samples, got " + stats.count());
    }
    return stats.variances(ddof);
  }

  /** Per-feature divisors (scikit-learn's {@code scale_}) under the zero-variance policy. */
  public double[] scale() {
    double[] var = variance();
    double[] mean = stats.means();
    double n = stats.count();
    double e64 = Math.ulp(1.0);
    double[] s = new double[var.length];
    for (int c = 0; c < s.length; c++) {
      boolean constant = var[c] <= n * e64 * var[c] + Math.pow(n * mean[c] * e64, 2);
      if (zeroVariance == ZeroVariance.EPS) {
        s[c] = Math.sqrt(var[c] + eps);
      } else if (!constant) {
        s[c] = Math.sqrt(var[c]);
      } else if (zeroVariance == ZeroVariance.SCALE_ONE) {
        s[c] = 1;
      } else {
        throw new IllegalArgumentException("x: feature " + c + " has zero variance (mean " + mean[c]
            + "); choose ZeroVariance.SCALE_ONE or EPS to allow constant features");
      }
    }
    return s;
  }

  @Override
  public double[][] transform(double[][] x) {
    Matrices.requireFitted("StandardScaler", samplesSeen());
    Matrices.require("x", x, features());
    double[] m = stats.means();
    double[] s = withStd ? scale() : null;
    return Matrices.map(x, (c, v) -> {
      double centred = withMean ? v - m[c] : v;
      return withStd ? centred / s[c] : centred;
    });
  }

  @Override
  public double[][] inverseTransform(double[][] y) {
    Matrices.requireFitted("StandardScaler", samplesSeen());
    Matrices.require("x", y, features());
    double[] m = stats.means();
    double[] s = withStd ? scale() : null;
    return Matrices.map(y, (c, v) -> {
      double scaled = withStd ? v * s[c] : v;
      return withMean ? scaled + m[c] : scaled;
    });
  }

  @Override
  public int features() {
    return stats == null ? -1 : stats.features();
  }

  @Override
  public long samplesSeen() {
    return stats == null ? 0 : stats.count();
  }

  @Override
  public void save(Path path) throws IOException {
    Matrices.requireFitted("StandardScaler", samplesSeen());
    Statistics.put(NormalizerFiles.writer(TYPE, samplesSeen())
        .metadata("with_mean", Boolean.toString(withMean))
        .metadata("with_std", Boolean.toString(withStd))
        .metadata("ddof", Integer.toString(ddof))
        .metadata("zero_variance", zeroVariance.name())
        .metadata("eps", Double.toString(eps)), stats)
        .write(path);
  }

  static StandardScaler read(SafetensorsFile f) {
    StandardScaler s = builder()
        .setZeroVariance(ZeroVariance.valueOf(f.requireMetadata("zero_variance")))
        .optWithMean(NormalizerFiles.flag(f, "with_mean"))
        .optWithStd(NormalizerFiles.flag(f, "with_std"))
        .optDdof(Integer.parseInt(f.requireMetadata("ddof")))
        .optEps(NormalizerFiles.number(f, "eps")).build();
    s.stats = Statistics.read(f);
    return s;
  }

  @Override
  public String toString() {
    return "StandardScaler(with_mean=" + withMean + ", with_std=" + withStd + ", ddof=" + ddof
        + ", zero_variance=" + zeroVariance + ", samples_seen=" + samplesSeen() + ")";
  }
}
