package org.normlab.bench;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.normlab.info.BinaryCrossEntropyWithLogits;
import org.normlab.info.CrossEntropy;
import org.normlab.info.KlDiv;
import org.normlab.kernels.Parallel;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The losses of issue 5, matched with bench/torch/losses.py: cross_entropy forward+backward on
 * (N, C) logits with class-index targets, kl_div batchmean forward on (N, C), and
 * binary_cross_entropy_with_logits forward+backward on a flat tensor. {@code shape} is "NxC" (or "N,C") or
 * "n" (one dim, for the binary loss). Gradients go into preallocated arrays.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
public class LossBench {
  @Param({"1"})
  public int threads;

  @Param({"65536x10"})
  public String shape;

  private Tensor x;
  private Tensor probabilities;
  private Tensor logProbabilities;
  private int[] targets;
  private float[] grad;
  private final KlDiv klDiv = KlDiv.builder().build();
  private final BinaryCrossEntropyWithLogits bce = BinaryCrossEntropyWithLogits.builder().build();

  @Setup(Level.Trial)
  public void setUp() {
    Parallel.setThreads(threads);
    int[] dims = Arrays.stream(shape.split("[,x]")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    x = Tensor.randn(1, Layout.ROW_MAJOR, dims);
    probabilities = Tensor.uniform(2, 0f, 1f, Layout.ROW_MAJOR, dims);
    logProbabilities = Tensor.uniform(3, -12f, 0f, Layout.ROW_MAJOR, dims);
    int classes = dims.length > 1 ? dims[1] : 1;
    SplittableRandom r = new SplittableRandom(4);
    targets = new int[dims[0]];
    for (int i = 0; i < targets.length; i++) {
      targets[i] = r.nextInt(classes);
    }
    grad = new float[x.size()];
  }

  /** cross_entropy(logits, targets), mean, and its gradient: one fused pass. */
  @Benchmark
  public double crossEntropyForwardBackward() {
    return CrossEntropy.lossAndGrad(x, targets, grad);
  }

  /** kl_div(log q, p, reduction batchmean), forward. */
  @Benchmark
  public double klDivBatchmean() {
    return klDiv.loss(logProbabilities, probabilities, null);
  }

  /** binary_cross_entropy_with_logits(x, y), mean, and its gradient: one fused pass. */
  @Benchmark
  public double bceWithLogitsForwardBackward() {
    return bce.loss(x, probabilities, grad);
  }
}
