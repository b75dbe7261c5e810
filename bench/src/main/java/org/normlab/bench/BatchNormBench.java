package org.normlab.bench;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.normlab.kernels.Parallel;
import org.normlab.norm.BatchNorm;
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
 * Batch normalization: training forward, training forward+backward and eval forward (the
 * bandwidth ceiling is StreamBench.copy of the same bytes, run by bench/benchmarks.py). {@code shape} is the
 * logical (PyTorch) shape N,C[,spatial...] written with 'x' (JMH's -p splits values at commas;
 * commas are accepted too); {@code layout} its memory order (NCHW, NHWC, NC...).
 * Outputs are preallocated ({@code forward(x, out)}, {@code backward(dy, dx)}), as PyTorch's
 * caching allocator reuses memory.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
public class BatchNormBench {
  @Param({"1"})
  public int threads;

  @Param({"64x64x56x56"})
  public String shape;

  @Param({"NCHW"})
  public String layout;

  private BatchNorm train;
  private BatchNorm eval;
  private Tensor x;
  private Tensor y;
  private Tensor dy;
  private Tensor dx;

  @Setup(Level.Trial)
  public void setup() {
    Parallel.setThreads(threads);
    int[] logical = Arrays.stream(shape.split("[,x]")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
    Layout first = Layout.channelsFirstOfRank(logical.length);
    Layout target = Layout.valueOf(layout);
    x = Tensor.randn(1, 0.5f, 2f, first, logical).toLayout(target);
    dy = Tensor.randn(2, first, logical).toLayout(target);
    y = x.zerosLike();
    dx = x.zerosLike();
    int channels = logical[1];
    train = BatchNorm.builder(channels).build();
    eval = BatchNorm.builder(channels).build().setTraining(false);
  }

  @Benchmark
  public Tensor trainForward() {
    return train.forward(x, y);
  }

  @Benchmark
  public Tensor trainForwardBackward() {
    train.forward(x, y);
    return train.backward(dy, dx);
  }

  @Benchmark
  public Tensor evalForward() {
    return eval.forward(x, y);
  }
}
