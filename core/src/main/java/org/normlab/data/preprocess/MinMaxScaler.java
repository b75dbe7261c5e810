package org.normlab.data.preprocess;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.normlab.io.SafetensorsFile;

/**
 * Scales each feature to a range, as scikit-learn's {@code MinMaxScaler}:
 * <pre>
 *   scale = (max - min) / (dataMax - dataMin)     (a constant feature gets scale max - min)
 *   y     = x * scale + (min - dataMin * scale)   (clamped to [min, max] when clip is on)
 *   x     = (y - (min - dataMin * scale)) / scale (inverse)
 * </pre>
 * dataMin and dataMax are per feature over all rows fitted; they merge exactly over chunks.
 */
public final class MinMaxScaler implements DataNormalizer {
  static final String TYPE = "min_max_scaler";

  private final double rangeMin;
  private final double rangeMax;
  private final boolean clip;
  private double[] dataMin;
  private double[] dataMax;
  private long samplesSeen;

  private MinMaxScaler(double rangeMin, double rangeMax, boolean clip) {
    if (!(rangeMin < rangeMax) || !Double.isFinite(rangeMin) || !Double.isFinite(rangeMax)) {
      throw new IllegalArgumentException("featureRange: expected finite min < max, got (" + rangeMin
          + ", " + rangeMax + ")");
    }
    this.rangeMin = rangeMin;
    this.rangeMax = rangeMax;
    this.clip = clip;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builder: feature range (0, 1) and clip off by default, as scikit-learn. */
  public static final class Builder {
    private double min = 0;
    private double max = 1;
    private boolean clip;

    /** The output range of every feature (default (0, 1)); min must be below max. */
    public Builder optFeatureRange(double min, double max) {
      this.min = min;
      this.max = max;
      return this;
    }

    /** Clamp transformed values to the feature range (default false). */
    public Builder optClip(boolean clip) {
      this.clip = clip;
      return this;
    }

    public MinMaxScaler build() {
      return new MinMaxScaler(min, max, clip);
    }
  }

  @Override
  public MinMaxScaler fit(double[][] x) {
    Matrices.require("x", x, -1);
    dataMin = null;
    dataMax = null;
    samplesSeen = 0;
    return partialFit(x);
  }

  @Override
  public MinMaxScaler partialFit(double[][] chunk) {
    int d = Matrices.require("chunk", chunk, features());
    if (dataMin == null) {
      dataMin = new double[d];
      dataMax = new double[d];
      Arrays.fill(dataMin, Double.POSITIVE_INFINITY);
      Arrays.fill(dataMax, Double.NEGATIVE_INFINITY);
    }
    for (double[] row : chunk) {
      for (int c = 0; c < d; c++) {
        dataMin[c] = Math.min(dataMin[c], row[c]);
        dataMax[c] = Math.max(dataMax[c], row[c]);
      }
    }
    samplesSeen += chunk.length;
    return this;
  }

  /** Per-feature multiplier (scikit-learn's {@code scale_}). */
  public double[] scale() {
    Matrices.requireFitted("MinMaxScaler", samplesSeen);
    double[] s = new double[dataMin.length];
    for (int c = 0; c < s.length; c++) {
      double range = dataMax[c] - dataMin[c];
      // scikit-learn's _handle_zeros_in_scale: a (near) constant feature keeps scale 1 per unit range
      s[c] = (rangeMax - rangeMin) / (range < 10 * Math.ulp(1.0) ? 1 : range);
    }
    return s;
  }

  /** Per-feature offset (scikit-learn's {@code min_}): min - dataMin * scale. */
  public double[] offset() {
    double[] s = scale();
    double[] m = new double[s.length];
    for (int c = 0; c < s.length; c++) {
      m[c] = rangeMin - dataMin[c] * s[c];
    }
    return m;
  }

  @Override
  public double[][] transform(double[][] x) {
    Matrices.requireFitted("MinMaxScaler", samplesSeen);
    Matrices.require("x", x, features());
    double[] s = scale();
    double[] m = offset();
    return Matrices.map(x, (c, v) -> {
      double y = v * s[c] + m[c];
      return clip ? Math.min(rangeMax, Math.max(rangeMin, y)) : y;
    });
  }

  @Override
  public double[][] inverseTransform(double[][] y) {
    Matrices.requireFitted("MinMaxScaler", samplesSeen);
    Matrices.require("x", y, features());
    double[] s = scale();
    double[] m = offset();
    return Matrices.map(y, (c, v) -> (v - m[c]) / s[c]);
  }

  @Override
  public int features() {
    return dataMin == null ? -1 : dataMin.length;
  }

  @Override
  public long samplesSeen() {
    return samplesSeen;
  }

  public double[] dataMin() {
    Matrices.requireFitted("MinMaxScaler", samplesSeen);
    return dataMin.clone();
  }

  public double[] dataMax() {
    Matrices.requireFitted("MinMaxScaler", samplesSeen);
    return dataMax.clone();
  }

  @Override
  public void save(Path path) throws IOException {
    Matrices.requireFitted("MinMaxScaler", samplesSeen);
    NormalizerFiles.writer(TYPE, samplesSeen)
        .metadata("feature_range_min", Double.toString(rangeMin))
        .metadata("feature_range_max", Double.toString(rangeMax))
        .metadata("clip", Boolean.toString(clip))
        .putDoubles("data_min", dataMin, dataMin.length)
        .putDoubles("data_max", dataMax, dataMax.length)
        .write(path);
  }

  static MinMaxScaler read(SafetensorsFile f) {
    MinMaxScaler s = new MinMaxScaler(NormalizerFiles.number(f, "feature_range_min"),
        NormalizerFiles.number(f, "feature_range_max"), NormalizerFiles.flag(f, "clip"));
    s.dataMin = f.doubles("data_min");
    s.dataMax = f.doubles("data_max");
    s.samplesSeen = NormalizerFiles.samplesSeen(f);
    return s;
  }

  @Override
  public String toString() {
    return "MinMaxScaler(feature_range=(" + rangeMin + ", " + rangeMax + "), clip=" + clip
        + ", samples_seen=" + samplesSeen + ")";
  }
}
