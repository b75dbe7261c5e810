package org.normlab.lab.train;

import java.util.ArrayList;
import java.util.List;
import org.normlab.nn.Layer;
import org.normlab.nn.Linear;
import org.normlab.nn.Parameter;
import org.normlab.nn.Sequential;
import org.normlab.tensor.Tensor;

/**
 * A network the lab trains: a {@link Sequential} plus where its hidden layers are, so that
 * probes can read pre-activations (the input of a nonlinearity) and move chosen layers.
 *
 * <p>Hidden layers are numbered from 1 as in the papers ("hidden layer 3").
 */
public final class Net {
  private final Sequential model;
  private final int[] preActivation;
  private final List<Linear> linears;
  private final List<Layer> norms;

  Net(Sequential model, int[] preActivation, List<Linear> linears, List<Layer> norms) {
    this.model = model;
    this.preActivation = preActivation.clone();
    this.linears = List.copyOf(linears);
    this.norms = List.copyOf(norms);
  }

  public Sequential model() {
    return model;
  }

  public Tensor forward(Tensor x) {
    return model.forward(x);
  }

  public Tensor backward(Tensor dy) {
    return model.backward(dy);
  }

  public void setTraining(boolean training) {
    model.setTraining(training);
  }

  public List<Parameter> parameters() {
    return model.parameters();
  }

  public void zeroGrad() {
    model.zeroGrad();
  }

  /** Number of hidden layers. */
  public int hiddenLayers() {
    return preActivation.length;
  }

  /**
   * The pre-activation of hidden layer {@code hidden} (1-based) in the last forward pass: the
   * output of its norm (and noise) layer, or of its linear layer without norm; (N, units).
   */
  public Tensor preActivation(int hidden) {
    if (hidden < 1 || hidden > preActivation.length) {
      throw new IllegalArgumentException("hidden layer: expected 1.." + preActivation.length + ", got " + hidden);
    }
    return model.output(preActivation[hidden - 1]);
  }

  /** The linear layers in order (hidden layers 1..H, then the output layer). */
  public List<Linear> linears() {
    return linears;
  }

  /** The linear layer of hidden layer {@code layer} (1-based; H+1 is the output layer). */
  public Linear linear(int layer) {
    return linears.get(layer - 1);
  }

  /** The norm layers in order (empty without normalization). */
  public List<Layer> norms() {
    return norms;
  }

  /** The parameters of the linear layers (weights and biases), the ones the landscape probes move. */
  public List<Parameter> linearParameters() {
    List<Parameter> out = new ArrayList<>();
    for (Linear l : linears) {
      out.addAll(l.parameters());
    }
    return out;
  }
}
