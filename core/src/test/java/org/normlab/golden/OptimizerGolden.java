package org.normlab.golden;

import java.util.Arrays;
import java.util.List;
import org.normlab.nn.Adam;
import org.normlab.nn.AdamW;
import org.normlab.nn.Optimizer;
import org.normlab.nn.Parameter;
import org.normlab.nn.Sgd;
import org.normlab.tensor.Tensor;

/**
 * Golden check of SGD, Adam and AdamW against torch.optim (reference/cases/engine.py): from the
 * stored initial parameter, one stored gradient per step, the parameter after every step.
 */
final class OptimizerGolden {
  private OptimizerGolden() {}

  static void check(GoldenCase c) {
    float[] initial = c.floats("param");
    Parameter p = new Parameter("p", Tensor.vector(initial));
    List<Parameter> params = List.of(p);
    double lr = c.metaDouble("lr");
    double wd = c.metaDouble("weight_decay");
    Optimizer opt = switch (c.meta("kind")) {
      case "sgd" -> Sgd.builder().setLearningRate(lr).optMomentum(c.metaDouble("momentum"))
          .optNesterov(c.metaBool("nesterov")).optWeightDecay(wd).build(params);
      case "adam" -> Adam.builder().optLearningRate(lr).optBetas(c.metaDouble("beta1"), c.metaDouble("beta2"))
          .optEps(c.metaDouble("eps")).optWeightDecay(wd).build(params);
      case "adamw" -> AdamW.builder().optLearningRate(lr).optBetas(c.metaDouble("beta1"), c.metaDouble("beta2"))
          .optEps(c.metaDouble("eps")).optWeightDecay(wd).build(params);
      default -> throw new AssertionError("unknown optimizer " + c.meta("kind"));
    };
    float[] grads = c.floats("grads");
    int steps = c.shape("grads")[0];
    int size = initial.length;
    float[] trajectory = new float[steps * size];
    for (int s = 0; s < steps; s++) {
      opt.zeroGrad();
      System.arraycopy(grads, s * size, p.grad().data(), 0, size);
      opt.step();
      System.arraycopy(p.value().data(), 0, trajectory, s * size, size);
    }
    c.expectClose("params", Arrays.copyOf(trajectory, trajectory.length));
  }
}
