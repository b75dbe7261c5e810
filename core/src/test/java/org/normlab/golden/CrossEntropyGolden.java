package org.normlab.golden;

import org.normlab.info.CrossEntropy;
import org.normlab.info.NllLoss;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * Golden checks of {@code cross_entropy} (golden-format.md) and {@code nll_loss} (documented in
 * reference/cases/losses.py: metadata reduction, ignore_index; inputs input, target, weight
 * optional, grad_output for none; expected output, grad_input). Spatial cases also run
 * channels-last, permuting the same case.
 */
final class CrossEntropyGolden {
  private CrossEntropyGolden() {}

  static void check(GoldenCase c) {
    Tensor input = c.tensor("input", Layout.channelsFirstOfRank(c.shape("input").length));
    CrossEntropy ce = CrossEntropy.builder()
        .optReduction(LossGolden.reduction(c))
        .optWeight(c.has("weight") ? c.floats("weight") : null)
        .optIgnoreIndex(Integer.parseInt(c.meta("ignore_index")))
        .optLabelSmoothing((float) c.metaDouble("label_smoothing"))
        .build();
    boolean prob = c.meta("target").equals("prob");
    Tensor probTarget = prob ? c.tensor("target", input.layout()) : null;
    int[] indexTarget = prob ? null : LossGolden.ints(c.longs("target"));
    LossGolden.check(c,
        grad -> prob ? ce.loss(input, probTarget, grad) : ce.loss(input, indexTarget, grad),
        (up, grad) -> prob ? ce.lossPerSample(input, probTarget, up, grad)
            : ce.lossPerSample(input, indexTarget, up, grad));
    if (input.rank() > 2) {
      Tensor last = input.toChannelsLast();
      Tensor lastTarget = prob ? probTarget.toChannelsLast() : null;
      LossGolden.check(c,
          grad -> toFirst(grad, last, prob ? ce.loss(last, lastTarget, grad) : ce.loss(last, indexTarget, grad)),
          (up, grad) -> toFirst(grad, last, prob ? ce.lossPerSample(last, lastTarget, up, grad)
              : ce.lossPerSample(last, indexTarget, up, grad)));
    }
  }

  /** Rewrites a channels-last gradient in place into the case's channels-first order. */
  private static <T> T toFirst(float[] grad, Tensor like, T result) {
    float[] first = Tensor.wrap(grad.clone(), like.layout(), like.shape().dims()).toChannelsFirst().data();
    System.arraycopy(first, 0, grad, 0, grad.length);
    return result;
  }

  static void checkNll(GoldenCase c) {
    Tensor input = c.tensor("input", Layout.channelsFirstOfRank(c.shape("input").length));
    NllLoss nll = NllLoss.builder()
        .optReduction(LossGolden.reduction(c))
        .optWeight(c.has("weight") ? c.floats("weight") : null)
        .optIgnoreIndex(Integer.parseInt(c.meta("ignore_index")))
        .build();
    int[] target = LossGolden.ints(c.longs("target"));
    LossGolden.check(c, grad -> nll.loss(input, target, grad),
        (up, grad) -> nll.lossPerSample(input, target, up, grad));
  }
}
