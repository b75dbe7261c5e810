package org.normlab.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * The built-in architectures, each the equivalent of a PyTorch nn.Sequential (same layer order,
 * so the same state-dict names); a linear or convolution layer followed by batch norm has no bias.
 * Weights start with PyTorch's default initialization, seeded.
 *
 * <ul>
 *   <li>{@code mlp-sigmoid}, {@code mlp-sigmoid-bn}: 784-100-100-100-10 with sigmoid, BN before
 *       each sigmoid (Ioffe and Szegedy's MNIST network).
 *   <li>{@code mlp-deep}, {@code mlp-deep-bn}: 784-(128 x 8)-10 with ReLU, BN before each ReLU.
 *   <li>{@code cnn}, {@code cnn-bn}: conv3x3(1-&gt;32, pad 1), [BN], ReLU, conv3x3(32-&gt;32, pad 1),
 *       [BN], ReLU, maxpool 2, conv3x3(32-&gt;64, pad 1), [BN], ReLU, conv3x3(64-&gt;64, pad 1),
 *       [BN], ReLU, maxpool 2, flatten, linear(64*7*7 -&gt; 256), [BN1d], ReLU, linear(256 -&gt; 10).
 * </ul>
 * Inputs are pixels / 255 of shape (N, 1, 28, 28), flattened to (N, 784) for the MLPs
 * ({@link #prepareInput}); other image sizes (CIFAR-10's 3 x 32 x 32) size the first and the
 * flattening layers accordingly. Each batch norm followed by a ReLU runs fused
 * ({@link Sequential#setBatchNormReluFused}; same results, fewer passes over memory), and so
 * does each convolution followed by a ReLU ({@link Sequential#setConvReluFused}): turn them off
 * to read a batch norm's or a convolution's own output with {@link Sequential#output}.
 */
public final class Models {
  /** Every built-in name. */
  public static final List<String> NAMES =
      List.of("mlp-sigmoid", "mlp-sigmoid-bn", "mlp-deep", "mlp-deep-bn", "cnn", "cnn-bn");

  private Models() {}

  /** Builds model {@code name} for (N, 1, 28, 28) images with weights drawn from {@code seed}. */
  public static Sequential create(String name, long seed) {
    return create(name, seed, 1, 28, 28);
  }

  /**
   * Builds model {@code name} for images of {@code channels} x {@code height} x {@code width}
   * (e.g. 3 x 32 x 32 for CIFAR-10): the MLPs take channels*height*width inputs, the CNNs
   * {@code channels} input channels and a linear layer over 64 * (height/4) * (width/4).
   */
  public static Sequential create(String name, long seed, int channels, int height, int width) {
    if (channels < 1 || height < 4 || width < 4) {
      throw new IllegalArgumentException("image size: expected at least 1 x 4 x 4, got "
          + channels + " x " + height + " x " + width);
    }
    SplittableRandom seeds = new SplittableRandom(seed);
    int in = channels * height * width;
    int[] image = {channels, height, width};
    return switch (name) {
      case "mlp-sigmoid" -> mlp(in, 100, 3, 10, false, Sigmoid::new, seeds);
      case "mlp-sigmoid-bn" -> mlp(in, 100, 3, 10, true, Sigmoid::new, seeds);
      case "mlp-deep" -> mlp(in, 128, 8, 10, false, ReLU::new, seeds);
      case "mlp-deep-bn" -> mlp(in, 128, 8, 10, true, ReLU::new, seeds);
      case "cnn" -> cnn(false, image, seeds);
      case "cnn-bn" -> cnn(true, image, seeds);
      default -> throw new IllegalArgumentException("model: expected one of " + String.join(", ", NAMES)
          + ", got '" + name + "'");
    };
  }

  /** True for the models that take flattened (N, 784) input. */
  public static boolean isMlp(String name) {
    return name.startsWith("mlp-");
  }

  /** The network input for a batch of (N, 1, 28, 28) images: flattened (a view) for the MLPs. */
  public static Tensor prepareInput(String name, Tensor images) {
    if (!isMlp(name)) {
      return images;
    }
    int n = images.dim(0);
    return images.reshape(Layout.NC, n, images.size() / Math.max(n, 1));
  }

  private static Sequential mlp(int in, int hidden, int depth, int classes, boolean bn,
      java.util.function.Supplier<Layer> activation, SplittableRandom seeds) {
    List<Layer> layers = new ArrayList<>();
    int width = in;
    for (int i = 0; i < depth; i++) {
      layers.add(Linear.builder(width, hidden).optBias(!bn).optSeed(seeds.nextLong()).build());
      if (bn) {
        layers.add(BatchNormLayer.of1d(hidden));
      }
      layers.add(activation.get());
      width = hidden;
    }
    layers.add(Linear.builder(width, classes).optSeed(seeds.nextLong()).build());
    return new Sequential(layers).setBatchNormReluFused(true);
  }

  private static Sequential cnn(boolean bn, int[] image, SplittableRandom seeds) {
    List<Layer> layers = new ArrayList<>();
    int[][] convs = {{image[0], 32}, {32, 32}, {32, 64}, {64, 64}};
    for (int i = 0; i < convs.length; i++) {
      layers.add(Conv2d.builder(convs[i][0], convs[i][1], 3).optPadding(1).optBias(!bn)
          .optSeed(seeds.nextLong()).build());
      if (bn) {
        layers.add(BatchNormLayer.of2d(convs[i][1]));
      }
      layers.add(new ReLU());
      if (i % 2 == 1) {
        layers.add(new MaxPool2d(2));
      }
    }
    layers.add(new Flatten());
    // two 2x2 max pools (floor division, as PyTorch)
    layers.add(Linear.builder(64 * (image[1] / 2 / 2) * (image[2] / 2 / 2), 256).optBias(!bn).optSeed(seeds.nextLong()).build());
    if (bn) {
      layers.add(BatchNormLayer.of1d(256));
    }
    layers.add(new ReLU());
    layers.add(Linear.builder(256, 10).optSeed(seeds.nextLong()).build());
    return new Sequential(layers).setBatchNormReluFused(true).setConvReluFused(true);
  }
}
