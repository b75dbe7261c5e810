package org.normlab.golden;

import org.normlab.info.BinaryCrossEntropy;
import org.normlab.info.BinaryCrossEntropyWithLogits;
import org.normlab.info.KlDiv;
import org.normlab.info.MseLoss;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * Golden checks of the elementwise losses: {@code binary_cross_entropy_with_logits} and
 * {@code kl_div} (golden-format.md), and {@code binary_cross_entropy} and {@code mse_loss}
 * (documented in reference/cases/losses.py: metadata reduction; inputs input, target, weight
 * optional for bce, grad_output for none; expected output, grad_input).
 */
final class PointwiseLossGolden {
  private PointwiseLossGolden() {}

  private static Tensor get(GoldenCase c, String name) {
    return c.has(name) ? c.tensor(name, Layout.ROW_MAJOR) : null;
  }

  static void checkBceWithLogits(GoldenCase c) {
    Tensor x = get(c, "input");
    Tensor y = get(c, "target");
    BinaryCrossEntropyWithLogits loss = BinaryCrossEntropyWithLogits.builder()
        .optReduction(LossGolden.reduction(c)).optWeight(get(c, "weight")).optPosWeight(get(c, "pos_weight"))
        .build();
    LossGolden.check(c, grad -> loss.loss(x, y, grad), (up, grad) -> loss.lossPerElement(x, y, up, grad));
  }

  static void checkBce(GoldenCase c) {
    Tensor p = get(c, "input");
    Tensor y = get(c, "target");
    BinaryCrossEntropy loss = new BinaryCrossEntropy(LossGolden.reduction(c), get(c, "weight"));
    LossGolden.check(c, grad -> loss.loss(p, y, grad), (up, grad) -> loss.lossPerElement(p, y, up, grad));
  }

  static void checkKlDiv(GoldenCase c) {
    Tensor x = get(c, "input");
    Tensor t = get(c, "target");
    KlDiv loss = KlDiv.builder().optReduction(LossGolden.reduction(c)).optLogTarget(c.metaBool("log_target")).build();
    LossGolden.check(c, grad -> loss.loss(x, t, grad), (up, grad) -> loss.lossPerElement(x, t, up, grad));
  }

  static void checkMse(GoldenCase c) {
    Tensor p = get(c, "input");
    Tensor y = get(c, "target");
    MseLoss loss = new MseLoss(LossGolden.reduction(c));
    LossGolden.check(c, grad -> loss.loss(p, y, grad), (up, grad) -> loss.lossPerElement(p, y, up, grad));
  }
}
