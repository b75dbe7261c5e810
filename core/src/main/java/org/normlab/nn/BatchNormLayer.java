package org.normlab.nn;

import java.util.List;
import org.normlab.norm.BatchNorm;
import org.normlab.tensor.Tensor;

/**
 * {@link BatchNorm} as a {@link Layer}: PyTorch's BatchNorm1d over (N, C) input and BatchNorm2d
 * over NCHW or NHWC input are this one class (the kind only changes its description). Forward,
 * backward, running statistics and their closed forms are BatchNorm's; this class adds the layer
 * plumbing: gamma and beta as {@link Parameter}s marked as norm parameters (excludable from
 * weight decay), and the state-dict entries {@code weight}, {@code bias}, {@code running_mean},
 * {@code running_var} (F32, (C)) and {@code num_batches_tracked} (I64, shape ()).
 */
public final class BatchNormLayer implements Layer {
  private final BatchNorm bn;
  private final String kind;
  private final List<Parameter> parameters;
  private final RecycledTensor output = new RecycledTensor();
  private final RecycledTensor inputGradient = new RecycledTensor();

  /** Wraps a configured BatchNorm; {@code kind} is "BatchNorm1d" or "BatchNorm2d" (for descriptions). */
  public BatchNormLayer(BatchNorm bn, String kind) {
    this.bn = bn;
    this.kind = kind;
    this.parameters = bn.weight() == null ? List.of() : List.of(
        Parameter.wrap("weight", bn.weight(), bn.weightGrad(), true),
        Parameter.wrap("bias", bn.bias(), bn.biasGrad(), true));
  }

  /** BatchNorm1d(channels) with PyTorch's defaults (eps 1e-5, momentum 0.1, affine). */
  public static BatchNormLayer of1d(int channels) {
    return new BatchNormLayer(BatchNorm.builder(channels).build(), "BatchNorm1d");
  }

  /** BatchNorm2d(channels) with PyTorch's defaults. */
  public static BatchNormLayer of2d(int channels) {
    return new BatchNormLayer(BatchNorm.builder(channels).build(), "BatchNorm2d");
  }

  /** The wrapped batch norm (statistics, switches). */
  public BatchNorm batchNorm() {
    return bn;
  }

  @Override
  public Tensor forward(Tensor x) {
    return bn.forward(x, output.take(x));
  }

  /**
   * This layer followed by a ReLU, fused ({@link BatchNorm#forwardRelu}); {@link #backward} then
   * takes the gradient of both. {@link Sequential} calls it for a batch norm layer directly
   * followed by {@link ReLU} when {@link Sequential#setBatchNormReluFused} is on.
   */
  public Tensor forwardRelu(Tensor x) {
    return bn.forwardRelu(x, output.take(x));
  }

  @Override
  public Tensor backward(Tensor dy) {
    // dx has dy's shape and layout, which backward checks against the input's
    return bn.backward(dy, inputGradient.take(dy));
  }

  @Override
  public void recycleOutputs() {
    output.recycle();
    inputGradient.recycle();
  }

  @Override
  public List<Parameter> parameters() {
    return parameters;
  }

  @Override
  public void setTraining(boolean training) {
    bn.setTraining(training);
  }

  @Override
  public void collectState(String prefix, StateDict out) {
    Layer.super.collectState(prefix, out);
    if (bn.runningMean() != null) {
      out.putFloats(prefix + "running_mean", bn.runningMean().data(), bn.channels());
      out.putFloats(prefix + "running_var", bn.runningVar().data(), bn.channels());
      out.putLongs(prefix + "num_batches_tracked", new long[] {bn.numBatchesTracked()});
    }
  }

  @Override
  public void loadState(String prefix, StateDict in) {
    Layer.super.loadState(prefix, in);
    if (bn.runningMean() != null) {
      in.copyFloatsInto(prefix + "running_mean", bn.runningMean().data());
      in.copyFloatsInto(prefix + "running_var", bn.runningVar().data());
      bn.setNumBatchesTracked(in.longValue(prefix + "num_batches_tracked"));
    }
  }

  @Override
  public String describe() {
    return kind + "(" + bn.channels() + ", eps=" + bn.eps() + ", momentum=" + bn.momentum()
        + ", affine=" + (bn.isAffine() ? "True" : "False") + ", track_running_stats="
        + (bn.tracksRunningStats() ? "True" : "False") + ")";
  }
}
