package org.normlab.bench;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.normlab.kernels.Parallel;
import org.normlab.norm.GroupNorm;
import org.normlab.norm.LayerNorm;
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
 * The normalization family's BENCHMARKS.md rows (PyTorch counterparts in bench/torch/norm_family.py):
 * LayerNorm over the last dim, forward then backward; GroupNorm forward on a channels-first input
 * (rank 2: NC, rank 4: NCHW), affine on in both, as PyTorch's modules by default. Outputs go to
 * buffers allocated once (the layers' out-parameter forms), so the rows time the arithmetic, not
 * the JVM's zeroing and collection of 16-50 MB arrays.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
public class NormFamilyBench {
  @Param({"1"})
  public int threads;

  /** Input dims, channels-first, separated by 'x' (or commas, when not given on JMH's command line). */
  @Param({"4096x1024", "64x64x56x56"})
  public String shape;

  /** GroupNorm's group count. */
  @Param({"32"})
  public int groups;

  private Tensor x;
  private Tensor dy;
  private Tensor y;
  private Tensor dx;
  private LayerNorm layerNorm;
  private GroupNorm groupNorm;

  @Setup(Level.Trial)
  public void setUp() {
    Parallel.setThreads(threads);
    int[] dims = Arrays.stream(shape.split("[,x]")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
    Layout layout = dims.length == 2 ? Layout.NC : Layout.channelsFirstOfRank(dims.length);
    x = Tensor.randn(1, layout, dims);
    dy = Tensor.randn(2, layout, dims);
    y = x.zerosLike();
    dx = x.zerosLike();
    layerNorm = LayerNorm.builder(dims[dims.length - 1]).build();
    groupNorm = GroupNorm.builder(groups, dims[1]).build();
  }

  @Benchmark
  public Tensor layerNormForwardBackward() {
    layerNorm.forward(x, y);
    return layerNorm.backward(dy, dx);
  }

  @Benchmark
  public Tensor groupNormForward() {
    return groupNorm.forward(x, y);
  }
}
