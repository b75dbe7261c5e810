package org.normlab.golden;

import java.util.Map;
import java.util.TreeMap;

/**
 * The registry of golden operations: {@code __metadata__.op} to the check that runs it. A case
 * whose op is not here fails loudly. Each op's check lives in its own class beside this one.
 */
public final class GoldenOps {
  /** Runs one case and throws an AssertionError when normlab disagrees with PyTorch. */
  @FunctionalInterface
  public interface Check {
    void run(GoldenCase c) throws Exception;
  }

  private static final Map<String, Check> OPS = new TreeMap<>();

  static {
    // One line per op, under the area's marker (keeps merges clean).
    // [batch norm]
    register("batch_norm", BatchNormGolden::check);

    // [norm family]
    register("layer_norm", LayerNormGolden::check);
    register("group_norm", GroupNormGolden::check);
    register("instance_norm", InstanceNormGolden::check);
    register("rms_norm", RmsNormGolden::check);
    register("lp_norm", LpNormGolden::check);

    // [losses]
    register("cross_entropy", CrossEntropyGolden::check);
    register("nll_loss", CrossEntropyGolden::checkNll);
    register("binary_cross_entropy_with_logits", PointwiseLossGolden::checkBceWithLogits);
    register("binary_cross_entropy", PointwiseLossGolden::checkBce);
    register("kl_div", PointwiseLossGolden::checkKlDiv);
    register("mse_loss", PointwiseLossGolden::checkMse);
    register("entropy", EntropyGolden::check);

    // [engine]
    register("linear", EngineLayerGolden::linear);
    register("conv2d", EngineLayerGolden::conv2d);
    register("max_pool2d", EngineLayerGolden::maxPool);
    register("avg_pool2d", EngineLayerGolden::avgPool);
    register("activation", EngineLayerGolden::activation);
    register("optimizer", OptimizerGolden::check);
  }

  private GoldenOps() {}

  static void register(String op, Check check) {
    OPS.put(op, check);
  }

  public static Check find(String op) {
    Check c = OPS.get(op);
    if (c == null) {
      throw new AssertionError("golden op '" + op + "' is unknown to the test suite (known: "
          + OPS.keySet() + ")");
    }
    return c;
  }
}
