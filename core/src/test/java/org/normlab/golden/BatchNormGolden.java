package org.normlab.golden;

import java.util.ArrayList;
import java.util.List;
import org.normlab.kernels.BatchNormKernels;
import org.normlab.kernels.Kernels;
import org.normlab.norm.BatchNorm;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * Checks one {@code batch_norm} golden case (PyTorch 1.13, float64 expected values from float32
 * inputs; see reference/cases/batch_norm.py): output, grad_input, grad_weight/grad_bias and the
 * updated running statistics, with the channels-first layout and with the same case permuted to
 * channels-last, on the scalar and on the vector kernels. Cases with metadata {@code relu=true}
 * check the fused BN+ReLU (PyTorch: relu(batch_norm(x))).
 */
final class BatchNormGolden {
  private BatchNormGolden() {}

  static void check(GoldenCase c) {
    int rank = c.shape("input").length;
    Layout first = Layout.channelsFirstOfRank(rank);
    List<BatchNormKernels> kernels = new ArrayList<>();
    kernels.add(Kernels.scalar().batchNorm());
    Kernels.vector().ifPresent(v -> kernels.add(v.batchNorm()));
    for (BatchNormKernels k : kernels) {
      run(c, first, k);
      if (first.toChannelsLast() != first) {
        run(c, first.toChannelsLast(), k);
      }
    }
  }

  private static void run(GoldenCase c, Layout layout, BatchNormKernels kernels) {
    boolean affine = c.metaBool("affine");
    boolean tracked = c.metaBool("track_running_stats");
    String momentum = c.meta("momentum");
    BatchNorm.Builder builder = BatchNorm.builder(c.shape("input")[1])
        .optEps(c.metaDouble("eps")).optAffine(affine).optTrackRunningStats(tracked)
        .optFusedRelu(Boolean.parseBoolean(c.meta("relu", "false"))).optKernels(kernels);
    if (momentum.equals("none")) {
      builder.optCumulativeMomentum();
    } else {
      builder.optMomentum(Double.parseDouble(momentum));
    }
    BatchNorm bn = builder.build();
    bn.setTraining(c.metaBool("training"));
    bn.setNumBatchesTracked(Long.parseLong(c.meta("num_batches_tracked")));
    if (affine) {
      bn.loadAffine(c.tensor("weight", Layout.ROW_MAJOR), c.tensor("bias", Layout.ROW_MAJOR));
    }
    if (tracked) {
      bn.loadRunningStats(c.tensor("running_mean", Layout.ROW_MAJOR),
          c.tensor("running_var", Layout.ROW_MAJOR));
    }
    Layout first = Layout.channelsFirstOfRank(layout.rank());
    Tensor x = c.tensor("input", first).toLayout(layout);
    Tensor dy = c.tensor("grad_output", first).toLayout(layout);
    Tensor y = bn.forward(x);
    Tensor dx = bn.backward(dy);
    String where = " [" + layout + ", " + kernels.getClass().getSimpleName() + "]";
    expect(c, "output", y.toLayout(first).data(), where);
    expect(c, "grad_input", dx.toLayout(first).data(), where);
    if (affine) {
      expect(c, "grad_weight", bn.weightGrad().data(), where);
      expect(c, "grad_bias", bn.biasGrad().data(), where);
    }
    if (tracked) {
      expect(c, "running_mean_out", bn.runningMean().data(), where);
      expect(c, "running_var_out", bn.runningVar().data(), where);
    }
  }

  private static void expect(GoldenCase c, String name, float[] actual, String where) {
    try {
      c.expectClose(name, actual);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + where, e);
    }
  }
}
