package org.normlab.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.normlab.tensor.Tensor;

/**
 * Layers applied in order, PyTorch's nn.Sequential: state names are prefixed with the layer's
 * index ({@code 0.weight}, {@code 1.running_mean}, {@code 1.num_batches_tracked}, ...).
 *
 * <p>After {@link #forward} the input and every layer's output stay available
 * ({@link #input()}, {@link #output(int)}) until the next forward, for experiments that inspect
 * activations; after {@link #backward} each parameter's gradient is in its {@link Parameter}.
 *
 * <p>With {@link #setBatchNormReluFused} on, a {@link BatchNormLayer} directly followed by a
 * {@link ReLU} runs as one fused layer (same results, bitwise, without the intermediate tensor
 * and the ReLU's own read and write of it); the batch norm's {@link #output(int)} is then the
 * ReLU's. {@link #setConvReluFused} does the same for a {@link Conv2d} directly followed by a
 * {@link ReLU} ({@link Conv2d#forwardRelu}); when a {@link MaxPool2d} follows that ReLU, the
 * convolution pools each piece of images while it is in cache (unpadded pool, channels-first
 * input: {@link Conv2d#forwardReluPool}), and in backward the pool takes the ReLU's gradient on
 * its smaller output ({@link MaxPool2d#backwardRectified}), routed piece by piece inside the
 * convolution's backward, which skips its mask ({@link Conv2d#backwardThroughPool}); same bits.
 */
public final class Sequential implements Layer {
  private final List<Layer> layers;
  private Tensor input;
  private final Tensor[] outputs;
  private boolean batchNormReluFused;
  private boolean convReluFused;
  /** fusedAt[i]: the last forward ran layers i and i + 1 (a ReLU) as one fused layer. */
  private final boolean[] fusedAt;

  public Sequential(List<? extends Layer> layers) {
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("layers: expected at least one layer, got none");
    }
    this.layers = List.copyOf(layers);
    this.outputs = new Tensor[layers.size()];
    this.fusedAt = new boolean[layers.size()];
  }

  public Sequential(Layer... layers) {
    this(List.of(layers));
  }

  public List<Layer> layers() {
    return layers;
  }

  public Layer layer(int index) {
    return layers.get(index);
  }

  public int size() {
    return layers.size();
  }

  /** The input of the last forward pass. */
  public Tensor input() {
    return input;
  }

  /** Layer {@code index}'s output in the last forward pass (null before the first). */
  public Tensor output(int index) {
    return outputs[index];
  }

  /**
   * Whether a {@link BatchNormLayer} directly followed by a {@link ReLU} runs fused (off by
   * default; {@link Models} turns it on for its architectures). Takes effect at the next forward;
   * a backward always follows what its forward did. Returns this.
   */
  public Sequential setBatchNormReluFused(boolean fused) {
    this.batchNormReluFused = fused;
    return this;
  }

  public boolean isBatchNormReluFused() {
    return batchNormReluFused;
  }

  /**
   * Whether a {@link Conv2d} directly followed by a {@link ReLU} runs fused (off by default;
   * {@link Models} turns it on for its architectures). Takes effect at the next forward; a
   * backward always follows what its forward did. Returns this.
   */
  public Sequential setConvReluFused(boolean fused) {
    this.convReluFused = fused;
    return this;
  }

  public boolean isConvReluFused() {
    return convReluFused;
  }

  @Override
  public Tensor forward(Tensor x) {
    input = x;
    Tensor h = x;
    Arrays.fill(fusedAt, false);
    for (int i = 0; i < layers.size(); i++) {
      MaxPool2d pool = convReluPool(i, h);
      if (pool != null) {
        // conv, ReLU and max pool: each piece of images pooled while in cache
        Conv2d conv = (Conv2d) layers.get(i);
        Tensor pooled = conv.forwardReluPool(h, pool);
        fusedAt[i] = true;
        outputs[i] = conv.rectifiedOutput();
        outputs[i + 1] = outputs[i];
        outputs[i + 2] = pooled;
        h = pooled;
        i += 2;
        continue;
      }
      Tensor fused = i + 1 < layers.size() && layers.get(i + 1) instanceof ReLU
          ? forwardFusedWithRelu(layers.get(i), h) : null;
      if (fused != null) {
        h = fused;
        fusedAt[i] = true;
        outputs[i] = h;
        outputs[++i] = h;
        continue;
      }
      h = layers.get(i).forward(h);
      outputs[i] = h;
    }
    return h;
  }

  /**
   * The max pool of layers i .. i+2 when they are a {@link Conv2d}, a {@link ReLU} and a
   * {@link MaxPool2d} that run fused ({@link #setConvReluFused}; the pool unpadded, x channels
   * first); else null.
   */
  private MaxPool2d convReluPool(int i, Tensor x) {
    return convReluFused && i + 2 < layers.size() && layers.get(i) instanceof Conv2d
        && layers.get(i + 1) instanceof ReLU && layers.get(i + 2) instanceof MaxPool2d pool
        && pool.poolsImagesOf(x) ? pool : null;
  }

  /** The layer and the ReLU after it as one fused layer, when that is on; else null. */
  private Tensor forwardFusedWithRelu(Layer layer, Tensor x) {
    if (batchNormReluFused && layer instanceof BatchNormLayer bn) {
      return bn.forwardRelu(x);
    }
    if (convReluFused && layer instanceof Conv2d conv) {
      return conv.forwardRelu(x);
    }
    return null;
  }

  @Override
  public Tensor backward(Tensor dy) {
    Tensor g = dy;
    // g is the gradient of a fused convolution's output with its ReLU's mask applied already
    boolean rectified = false;
    for (int i = layers.size() - 1; i >= 0; i--) {
      if (i > 0 && fusedAt[i - 1]) {
        i--; // the ReLU's gradient is part of the fused layer's
      }
      Layer layer = layers.get(i);
      if (layer instanceof MaxPool2d pool && reluFusedConvBelow(i)) {
        // conv, ReLU, max pool: the ReLU's gradient on the pooled outputs (same bits, a quarter
        // of the elements for 2x2 windows), routed piece by piece inside the convolution's
        // backward, which skips its mask
        boolean maskInput = reluFusedConvBelow(i - 2);
        g = ((Conv2d) layers.get(i - 2)).backwardThroughPool(g, pool, maskInput);
        rectified = maskInput;
        i -= 2;
      } else if (layer instanceof Conv2d conv) {
        // a convolution whose input is a fused convolution's ReLU output applies that ReLU's
        // mask to each piece of its input gradient while in cache, for the convolution below
        boolean maskInput = reluFusedConvBelow(i);
        g = conv.backward(g, rectified, maskInput);
        rectified = maskInput;
      } else {
        g = layer.backward(g);
        rectified = false;
      }
    }
    return g;
  }

  /**
   * Whether the input of layer i is the output of a convolution and ReLU that ran fused (layers
   * i - 2 and i - 1): the gradient for them may then come with the ReLU's mask applied.
   */
  private boolean reluFusedConvBelow(int i) {
    return i >= 2 && fusedAt[i - 2] && layers.get(i - 2) instanceof Conv2d;
  }

  @Override
  public List<Parameter> parameters() {
    return List.copyOf(namedParameters().values());
  }

  /** Parameters by their state-dict name ("0.weight", ...), in order. */
  public Map<String, Parameter> namedParameters() {
    Map<String, Parameter> out = new LinkedHashMap<>();
    for (int i = 0; i < layers.size(); i++) {
      for (Parameter p : layers.get(i).parameters()) {
        out.put(i + "." + p.name(), p);
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /** Zeroes every parameter's gradient. */
  public void zeroGrad() {
    for (Parameter p : parameters()) {
      p.zeroGrad();
    }
  }

  /** Passed to the first layer: the model's input gradient is only computed when needed. */
  @Override
  public void setInputGradientNeeded(boolean needed) {
    layers.get(0).setInputGradientNeeded(needed);
  }

  /** Recycles every layer's outputs ({@link Layer#recycleOutputs}). */
  @Override
  public void recycleOutputs() {
    for (Layer l : layers) {
      l.recycleOutputs();
    }
  }

  @Override
  public void setTraining(boolean training) {
    for (Layer l : layers) {
      l.setTraining(training);
    }
  }

  @Override
  public void collectState(String prefix, StateDict out) {
    for (int i = 0; i < layers.size(); i++) {
      layers.get(i).collectState(prefix + i + ".", out);
    }
  }

  @Override
  public void loadState(String prefix, StateDict in) {
    for (int i = 0; i < layers.size(); i++) {
      layers.get(i).loadState(prefix + i + ".", in);
    }
  }

  /** The model's state (views of the live arrays), PyTorch's state_dict(). */
  public StateDict stateDict() {
    StateDict sd = new StateDict();
    collectState("", sd);
    return sd;
  }

  /** Number of trained values. */
  public long parameterCount() {
    long n = 0;
    for (Parameter p : parameters()) {
      n += p.value().size();
    }
    return n;
  }

  @Override
  public String describe() {
    List<String> lines = new ArrayList<>();
    lines.add("Sequential(");
    for (int i = 0; i < layers.size(); i++) {
      lines.add("  (" + i + "): " + layers.get(i).describe());
    }
    lines.add(")");
    return String.join("\n", lines);
  }
}
