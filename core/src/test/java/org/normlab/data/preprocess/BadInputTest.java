package org.normlab.data.preprocess;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.normlab.data.preprocess.StandardScaler.ZeroVariance;

/** Every normalizer rejects bad data with a message naming the problem and where it is. */
class BadInputTest {

  static List<Supplier<DataNormalizer>> all() {
    return List.of(() -> MinMaxScaler.builder().build(),
        () -> StandardScaler.builder().setZeroVariance(ZeroVariance.SCALE_ONE).build(),
        () -> Whitening.builder(Whitening.Method.ZCA).build());
  }

  private static void expect(Class<? extends Throwable> type, Runnable r, String... parts) {
    String m = assertThrows(type, r::run).getMessage();
    for (String p : parts) {
      assertTrue(m.contains(p), "message '" + m + "' should contain '" + p + "'");
    }
  }

  @Test
  void emptyRaggedAndNonFiniteData() {
    for (Supplier<DataNormalizer> make : all()) {
      DataNormalizer n = make.get();
      expect(IllegalArgumentException.class, () -> n.fit(new double[0][]), "empty data");
      expect(IllegalArgumentException.class, () -> n.fit(new double[][] {{}}), "at least one feature");
      expect(IllegalArgumentException.class, () -> n.fit(new double[][] {{1, 2}, {3, 4}, {5}}),
          "ragged", "row 2 has 1 values, row 0 has 2");
      expect(IllegalArgumentException.class,
          () -> n.fit(new double[][] {{1, 2}, {3, 4}, {5, Double.NaN}}), "NaN at row 2, column 1");
      expect(IllegalArgumentException.class,
          () -> n.fit(new double[][] {{1, Double.POSITIVE_INFINITY}}), "row 0, column 1");
    }
  }

  @Test
  void transformNeedsAFitAndTheFittedFeatureCount() {
    for (Supplier<DataNormalizer> make : all()) {
      DataNormalizer n = make.get();
      expect(IllegalStateException.class, () -> n.transform(new double[][] {{1, 2}}), "not fitted");
      n.fit(new double[][] {{1, 2}, {3, 5}, {4, 4}, {0, 1}});
      expect(IllegalArgumentException.class, () -> n.transform(new double[][] {{1, 2, 3}}),
          "expected 2 features (as fitted), got 3");
      expect(IllegalArgumentException.class, () -> n.partialFit(new double[][] {{1}}),
          "expected 2 features (as fitted), got 1");
      expect(IllegalArgumentException.class,
          () -> n.inverseTransform(new double[][] {{1, Double.NaN}}), "NaN at row 0, column 1");
    }
  }

  @Test
  void badSettings() {
    expect(IllegalArgumentException.class,
        () -> MinMaxScaler.builder().optFeatureRange(1, 0).build(), "featureRange", "(1.0, 0.0)");
    expect(IllegalArgumentException.class,
        () -> StandardScaler.builder().setZeroVariance(ZeroVariance.EPS).optDdof(-1).build(), "ddof");
    expect(IllegalArgumentException.class,
        () -> Whitening.builder(Whitening.Method.PCA).optEps(-1).build(), "eps");
    expect(IllegalArgumentException.class,
        () -> Whitening.builder(Whitening.Method.PCA).build().fit(new double[][] {{1, 2}}),
        "ddof 1 needs more than 1 samples, got 1");
    expect(IllegalArgumentException.class, () -> Whitening.builder(Whitening.Method.ZCA).build()
        .fit(new double[][] {{1, 2}, {2, 2}, {3, 2}}), "singular", "eps");
  }
}
