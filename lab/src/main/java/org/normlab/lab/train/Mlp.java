package org.normlab.lab.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.normlab.nn.Dropout;
import org.normlab.nn.Init;
import org.normlab.nn.Layer;
import org.normlab.nn.Linear;
import org.normlab.nn.ReLU;
import org.normlab.nn.Sequential;
import org.normlab.nn.Sigmoid;
import org.normlab.nn.Tanh;

/**
 * Builds the multilayer perceptrons of the experiments: {@code widths[0]} inputs, hidden layers
 * {@code widths[1..H]}, {@code widths[H+1]} outputs; each hidden layer is Linear, [norm],
 * [noise], activation, [dropout]. As in the papers, a linear layer followed by a norm layer has
 * no bias.
 *
 * <p>Required: {@link #builder(int...)} with the widths. Optional, with defaults: {@code
 * optActivation} (ReLU), {@code optNorm} (none), {@code optNoise} (false; the noisy-BN noise
 * after the norm), {@code optWeightInit} (Glorot uniform), {@code optBiasInit} (zeros), {@code
 * optDropout} (0), {@code optSeed} (1).
 */
public final class Mlp {
  private Mlp() {}

  /** The nonlinearity of the hidden layers. */
  public enum Activation {
    RELU,
    SIGMOID,
    TANH,
    /** None: a deep linear network. */
    IDENTITY
  }

  public static Builder builder(int... widths) {
    return new Builder(widths);
  }

  /** Builder; see {@link Mlp}. */
  public static final class Builder {
    private final int[] widths;
    private Activation activation = Activation.RELU;
    private NormFactory norm;
    private boolean noise;
    private Init.Initializer weightInit = Init.glorotUniform();
    private Init.Initializer biasInit = Init.zeros();
    private boolean bias = true;
    private double dropout;
    private long seed = 1;

    private Builder(int[] widths) {
      if (widths.length < 2) {
        throw new IllegalArgumentException("widths: expected at least inputs and outputs, got " + widths.length);
      }
      for (int w : widths) {
        if (w < 1) {
          throw new IllegalArgumentException("widths: expected positive sizes, got " + w);
        }
      }
      this.widths = widths.clone();
    }

    public Builder optActivation(Activation activation) {
      this.activation = Objects.requireNonNull(activation, "activation");
      return this;
    }

    /** The norm layer after each hidden linear layer (null: none). */
    public Builder optNorm(NormFactory norm) {
      this.norm = norm;
      return this;
    }

    /** Adds the noisy-BN noise ({@link NoiseLayer}) after each hidden layer's norm (or linear). */
    public Builder optNoise(boolean noise) {
      this.noise = noise;
      return this;
    }

    public Builder optWeightInit(Init.Initializer init) {
      this.weightInit = Objects.requireNonNull(init, "weightInit");
      return this;
    }

    public Builder optBiasInit(Init.Initializer init) {
      this.biasInit = Objects.requireNonNull(init, "biasInit");
      return this;
    }

    /** Whether linear layers without a following norm have a bias (default true). */
    public Builder optBias(boolean bias) {
      this.bias = bias;
      return this;
    }

    public Builder optDropout(double p) {
      if (!(p >= 0 && p < 1)) {
        throw new IllegalArgumentException("dropout: expected 0 <= p < 1, got " + p);
      }
      this.dropout = p;
      return this;
    }

    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    public Net build() {
      List<Layer> layers = new ArrayList<>();
      List<Linear> linears = new ArrayList<>();
      List<Layer> norms = new ArrayList<>();
      int hidden = widths.length - 2;
      int[] pre = new int[hidden];
      for (int i = 0; i + 1 < widths.length; i++) {
        boolean last = i == hidden;
        boolean normed = !last && norm != null;
        Linear linear = Linear.builder(widths[i], widths[i + 1]).optBias(bias && !normed)
            .optWeightInit(weightInit).optBiasInit(biasInit).optSeed(seed * 1_000_003L + i).build();
        layers.add(linear);
        linears.add(linear);
        if (last) {
          break;
        }
        if (normed) {
          Layer n = norm.create(widths[i + 1]);
          layers.add(n);
          norms.add(n);
        }
        if (noise) {
          layers.add(new NoiseLayer(seed * 7_919L + 31L * i + 17));
        }
        pre[i] = layers.size() - 1;
        switch (activation) {
          case RELU -> layers.add(new ReLU());
          case SIGMOID -> layers.add(new Sigmoid());
          case TANH -> layers.add(new Tanh());
          case IDENTITY -> { }
        }
        if (dropout > 0) {
          layers.add(new Dropout(dropout, seed * 104_729L + i));
        }
      }
      return new Net(new Sequential(layers), pre, linears, norms);
    }
  }
}
