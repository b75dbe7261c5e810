package org.normlab.bench;

import java.util.concurrent.TimeUnit;
import org.normlab.kernels.Parallel;
import org.normlab.nn.Models;
import org.normlab.nn.Sequential;
import org.normlab.nn.Sgd;
import org.normlab.nn.Trainer;
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
 * One full training step of a built-in model (forward, cross-entropy, backward, SGD with momentum
 * update) on a fixed batch of (batch, 1, 28, 28) images; images/s = batch / time. The PyTorch
 * rows are in bench/torch/engine.py.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
public class TrainStepBench {
  @Param({"1"})
  public int threads;

  @Param({"cnn-bn", "cnn", "mlp-sigmoid-bn"})
  public String model;

  @Param({"128"})
  public int batch;

  private Trainer trainer;
  private Tensor images;
  private int[] labels;

  @Setup(Level.Trial)
  public void setUp() {
    Parallel.setThreads(threads);
    Sequential net = Models.create(model, 1);
    trainer = new Trainer(net, Sgd.builder().setLearningRate(0.01).optMomentum(0.9).build(net.parameters()),
        x -> Models.prepareInput(model, x));
    images = Tensor.uniform(2, 0f, 1f, Layout.NCHW, batch, 1, 28, 28);
    labels = new int[batch];
    for (int i = 0; i < batch; i++) {
      labels[i] = i % 10;
    }
  }

  @Benchmark
  public double trainStep() {
    return trainer.step(images, labels).loss();
  }
}
