package org.normlab.golden;

import java.util.Arrays;
import org.normlab.norm.RmsNorm;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * The {@code rms_norm} golden op (normlab's own; PyTorch 1.13 has no RMSNorm module, so the case
 * is the PyTorch expression x * rsqrt(mean(x^2) + eps) * weight with autograd's gradients):
 * metadata {@code normalized_dims}, {@code eps}, {@code affine}; tensors {@code input},
 * {@code grad_output}, {@code weight} if affine; expected {@code output}, {@code grad_input},
 * {@code grad_weight} if affine.
 */
final class RmsNormGolden {
  private RmsNormGolden() {}

  static void check(GoldenCase c) {
    int k = Integer.parseInt(c.meta("normalized_dims"));
    boolean affine = c.metaBool("affine");
    Tensor x = c.tensor("input", Layout.ROW_MAJOR);
    int[] dims = x.shape().dims();
    RmsNorm rms = RmsNorm.builder(Arrays.copyOfRange(dims, dims.length - k, dims.length))
        .optEps(c.metaDouble("eps")).optElementwiseAffine(affine).build();
    if (affine) {
      ChannelLayouts.copyAffine(c, rms.weight(), null);
    }
    Tensor y = rms.forward(x);
    Tensor dx = rms.backward(c.tensor("grad_output", Layout.ROW_MAJOR));
    c.expectClose("output", y.data());
    c.expectClose("grad_input", dx.data());
    if (affine) {
      c.expectClose("grad_weight", rms.weightGrad().data());
    }
  }
}
