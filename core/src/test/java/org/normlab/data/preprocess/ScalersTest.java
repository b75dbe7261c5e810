package org.normlab.data.preprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.normlab.data.preprocess.SklearnReference.assertClose;
import static org.normlab.data.preprocess.SklearnReference.matrix;
import static org.normlab.data.preprocess.SklearnReference.vector;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.normlab.data.preprocess.StandardScaler.ZeroVariance;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * MinMaxScaler and StandardScaler against scikit-learn 1.2.1 (see {@link SklearnReference}): the
 * training data has a constant feature and a feature of scale 1e3; the test rows lie outside the
 * training range.
 */
class ScalersTest {
  static final double TOL = 1e-12;
  static final double[][] TRAIN = matrix("train");
  static final double[][] TEST = matrix("test");

  /** The training rows in chunks of 7, 50 and the rest. */
  static void fitInChunks(DataNormalizer n) {
    n.partialFit(Arrays.copyOfRange(TRAIN, 0, 7));
    n.partialFit(Arrays.copyOfRange(TRAIN, 7, 57));
    n.partialFit(Arrays.copyOfRange(TRAIN, 57, TRAIN.length));
  }

  @Test
  void minMaxMatchesScikitLearn() {
    MinMaxScaler s = MinMaxScaler.builder().build().fit(TRAIN);
    assertClose(s.dataMin(), vector("minmax_data_min"), TOL, "data_min_");
    assertClose(s.dataMax(), vector("minmax_data_max"), TOL, "data_max_");
    assertClose(s.scale(), vector("minmax_scale"), TOL, "scale_ (constant feature: 1)");
    assertClose(s.offset(), vector("minmax_min"), TOL, "min_");
    assertClose(s.transform(TEST), matrix("minmax_test"), TOL, "transform");
    assertClose(s.inverseTransform(s.transform(TEST)), TEST, 1e-9, "inverse of transform");
  }

  @Test
  void minMaxWithRangeAndClipMatchesScikitLearn() {
    MinMaxScaler s = MinMaxScaler.builder().optFeatureRange(-1, 2).optClip(true).build().fit(TRAIN);
    double[][] y = s.transform(TEST);
    assertClose(y, matrix("minmax_clip_test"), TOL, "clipped transform");
    assertClose(s.inverseTransform(y), matrix("minmax_clip_inverse"), 1e-9, "inverse of clipped");
    for (double v : SklearnReference.flat(y)) {
      assertTrue(v >= -1 && v <= 2, "clipped value " + v);
    }
  }

  @Test
  void standardMatchesScikitLearn() {
    StandardScaler s = StandardScaler.builder().setZeroVariance(ZeroVariance.SCALE_ONE).build()
        .fit(TRAIN);
    assertClose(s.mean(), vector("standard_mean"), TOL, "mean_");
    assertClose(s.variance(), vector("standard_var"), TOL, "var_");
    assertClose(s.scale(), vector("standard_scale"), TOL, "scale_ (constant feature: 1)");
    assertClose(s.transform(TEST), matrix("standard_test"), TOL, "transform");
    assertClose(s.inverseTransform(s.transform(TEST)), TEST, 1e-9, "inverse of transform");
    assertClose(StandardScaler.builder().setZeroVariance(ZeroVariance.SCALE_ONE).optWithMean(false)
        .build().fit(TRAIN).transform(TEST), matrix("standard_no_mean_test"), TOL, "with_mean=False");
    assertClose(StandardScaler.builder().setZeroVariance(ZeroVariance.SCALE_ONE).optWithStd(false)
        .build().fit(TRAIN).transform(TEST), matrix("standard_no_std_test"), TOL, "with_std=False");
  }

  @Test
  void chunkedFitsEqualOnePassFits() {
    MinMaxScaler mm = MinMaxScaler.builder().build();
    fitInChunks(mm);
    assertClose(mm.transform(TEST), matrix("minmax_test"), TOL, "chunked MinMaxScaler");
    StandardScaler ss = StandardScaler.builder().setZeroVariance(ZeroVariance.SCALE_ONE).build();
    fitInChunks(ss);
    assertEquals(TRAIN.length, ss.samplesSeen());
    assertClose(ss.mean(), vector("standard_mean"), TOL, "chunked mean");
    assertClose(ss.variance(), vector("standard_var"), TOL, "chunked var");
    assertClose(ss.transform(TEST), matrix("standard_test"), TOL, "chunked StandardScaler");
  }

  @Test
  void zeroVariancePoliciesAreExplicit() {
    String m = assertThrows(IllegalArgumentException.class,
        () -> StandardScaler.builder().build()).getMessage();
    assertTrue(m.contains("zeroVariance"), m);
    StandardScaler strict = StandardScaler.builder().setZeroVariance(ZeroVariance.ERROR).build();
    m = assertThrows(IllegalArgumentException.class, () -> strict.fit(TRAIN)).getMessage();
    assertTrue(m.contains("feature 4 has zero variance"), m);
    StandardScaler eps = StandardScaler.builder().setZeroVariance(ZeroVariance.EPS).optEps(0.25)
        .build().fit(TRAIN);
    double[] var = eps.variance();
    double[] scale = eps.scale();
    assertEquals(0.5, scale[4], 1e-12, "constant feature: sqrt(0 + 0.25)");
    assertEquals(Math.sqrt(var[0] + 0.25), scale[0], 1e-12);
  }

  @Test
  void ddofDividesBySamplesMinusDdof() {
    StandardScaler s = StandardScaler.builder().setZeroVariance(ZeroVariance.SCALE_ONE).optDdof(1)
        .build().fit(TRAIN);
    double[] biased = vector("standard_var");
    int n = TRAIN.length;
    for (int c = 0; c < biased.length; c++) {
      assertEquals(biased[c] * n / (n - 1), s.variance()[c], 1e-9 * (1 + biased[c]));
    }
    StandardScaler one = StandardScaler.builder().setZeroVariance(ZeroVariance.SCALE_ONE)
        .optDdof(1).build();
    String m = assertThrows(IllegalArgumentException.class,
        () -> one.fit(new double[][] {{1, 2}})).getMessage();
    assertTrue(m.contains("ddof 1 needs more than 1 samples, got 1"), m);
  }

  @Test
  void tensorsGoThroughTheSameArithmetic() {
    Tensor x = Tensor.of(new float[] {1, 10, 2, 20, 4, 40}, Layout.ROW_MAJOR, 3, 2);
    MinMaxScaler s = MinMaxScaler.builder().build();
    s.fit(x);
    Tensor y = s.transform(x);
    assertEquals(Layout.ROW_MAJOR, y.layout());
    float[] expected = {0, 0, 1f / 3, 1f / 3, 1, 1};
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], y.data()[i], 1e-7);
    }
  }
}
