package org.normlab.nn;

import java.util.List;
import org.normlab.kernels.EngineKernels;
import org.normlab.kernels.Gemm;
import org.normlab.kernels.Kernels;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * A fully connected layer, PyTorch's nn.Linear: {@code y = x W^T + b} for x (N, in), weight W
 * (out, in) and bias b (out).
 *
 * <p>Backward, for dy = dL/dy (N, out):
 * <pre>
 *   dx = dy W            (N, in)
 *   dW += dy^T x         (out, in)
 *   db += sum_n dy[n, :] (out)
 * </pre>
 *
 * <p>Build with {@code Linear.builder(in, out)}; options: {@code optBias} (default true),
 * {@code optWeightInit} and {@code optBiasInit} (default {@link Init#pytorchDefault()}, as
 * PyTorch), {@code optSeed} (default 0).
 */
public final class Linear implements Layer {
  private final int in;
  private final int out;
  private final Parameter weight;
  private final Parameter bias;
  private Tensor input;
  private boolean inputGradientNeeded = true;
  /** Scratch for y^T, reused across forwards. */
  private float[] yT;
  private final RecycledTensor output = new RecycledTensor();
  private final RecycledTensor inputGradient = new RecycledTensor();

  private Linear(Builder b) {
    this.in = b.in;
    this.out = b.out;
    Parameter[] p = b.createParameters(new int[] {out, in}, in, out);
    this.weight = p[0];
    this.bias = p[1];
  }

  public static Builder builder(int inFeatures, int outFeatures) {
    return new Builder(inFeatures, outFeatures);
  }

  public Parameter weight() {
    return weight;
  }

  /** The bias, or null when built with {@code optBias(false)}. */
  public Parameter bias() {
    return bias;
  }

  public int inFeatures() {
    return in;
  }

  public int outFeatures() {
    return out;
  }

  @Override
  public Tensor forward(Tensor x) {
    if (x.rank() != 2 || x.dim(1) != in) {
      throw new IllegalArgumentException("Linear input: expected shape (N, " + in + "), got " + x.shape()
          + (x.rank() > 2 ? " (add a Flatten before this layer)" : ""));
    }
    input = x;
    int n = x.dim(0);
    // every element is overwritten by the transpose below
    Tensor y = output.take(Layout.NC, n, out);
    // y^T (out, n) = W (out, in) * x^T, then transposed: the product packs the batch x, not the
    // larger W, as its transposed operand (same products in the same order: same bits as x W^T)
    if (yT == null || yT.length < n * out) {
      yT = new float[n * out];
    }
    Gemm.sgemm(false, true, out, n, in, 1f, weight.value().data(), 0, in, x.data(), 0, in, 0f, yT, 0, n);
    Kernels.get().engine().transpose(y.data(), yT, out, n);
    if (bias != null) {
      Kernels.get().engine().addRowBias(y.data(), 0, bias.value().data(), n, out);
    }
    return y;
  }

  @Override
  public Tensor backward(Tensor dy) {
    if (input == null) {
      throw new IllegalStateException("Linear: backward called before forward");
    }
    int n = input.dim(0);
    dy.requireShape("Linear output gradient", org.normlab.tensor.Shape.of(n, out));
    EngineKernels k = Kernels.get().engine();
    // dW += dy^T x
    Gemm.sgemm(true, false, out, in, n, 1f, dy.data(), 0, out, input.data(), 0, in, 1f,
        weight.grad().data(), 0, in);
    if (bias != null) {
      k.sumRowsAccumulate(bias.grad().data(), dy.data(), n, out);
    }
    if (!inputGradientNeeded) {
      return null;
    }
    // dx = dy W
    // overwritten whole by the product (beta 0)
    Tensor dx = inputGradient.take(input);
    Gemm.sgemm(false, false, n, in, out, 1f, dy.data(), 0, out, weight.value().data(), 0, in, 0f,
        dx.data(), 0, in);
    return dx;
  }

  @Override
  public void recycleOutputs() {
    output.recycle();
    inputGradient.recycle();
  }

  @Override
  public void setInputGradientNeeded(boolean needed) {
    this.inputGradientNeeded = needed;
  }

  @Override
  public List<Parameter> parameters() {
    return WeightedLayerBuilder.weightAndBias(weight, bias);
  }

  @Override
  public String describe() {
    return "Linear(in_features=" + in + ", out_features=" + out + ", bias=" + (bias != null ? "True" : "False") + ")";
  }

  /** Builder: sizes required, everything else optional with PyTorch's defaults. */
  public static final class Builder extends WeightedLayerBuilder<Builder> {
    private final int in;
    private final int out;

    private Builder(int in, int out) {
      if (in < 1 || out < 1) {
        throw new IllegalArgumentException("Linear: features must be positive, got in " + in + ", out " + out);
      }
      this.in = in;
      this.out = out;
    }


    public Linear build() {
      return new Linear(this);
    }
  }
}
