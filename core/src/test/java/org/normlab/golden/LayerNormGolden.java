package org.normlab.golden;

import java.util.Arrays;
import org.normlab.norm.LayerNorm;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/** The {@code layer_norm} golden op: LayerNorm over the last {@code normalized_dims} dims. */
final class LayerNormGolden {
  private LayerNormGolden() {}

  static void check(GoldenCase c) {
    int k = Integer.parseInt(c.meta("normalized_dims"));
    boolean affine = c.metaBool("affine");
    Tensor x = c.tensor("input", Layout.ROW_MAJOR);
    int[] dims = x.shape().dims();
    LayerNorm ln = LayerNorm.builder(Arrays.copyOfRange(dims, dims.length - k, dims.length))
        .optEps(c.metaDouble("eps")).optElementwiseAffine(affine).build();
    if (affine) {
      ChannelLayouts.copyAffine(c, ln.weight(), ln.bias());
    }
    Tensor y = ln.forward(x);
    Tensor dx = ln.backward(c.tensor("grad_output", Layout.ROW_MAJOR));
    c.expectClose("output", y.data());
    c.expectClose("grad_input", dx.data());
    if (affine) {
      c.expectClose("grad_weight", ln.weightGrad().data());
      c.expectClose("grad_bias", ln.biasGrad().data());
    }
  }
}
