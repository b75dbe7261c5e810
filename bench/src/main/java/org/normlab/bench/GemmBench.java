package org.normlab.bench;

import java.util.concurrent.TimeUnit;
import org.normlab.kernels.Gemm;
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

/** SGEMM C = A * B on square matrices (2 * size^3 floating-point operations per call). */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
public class GemmBench {
  @Param({"1"})
  public int threads;

  /** m = n = k. */
  @Param({"512", "1024", "2048"})
  public String size;

  private int n;
  private float[] a;
  private float[] b;
  private float[] c;

  @Setup(Level.Trial)
  public void setUp() {
    Parallel.setThreads(threads);
    n = Integer.parseInt(size.trim());
    a = Tensor.randn(1, Layout.ROW_MAJOR, n, n).data();
    b = Tensor.randn(2, Layout.ROW_MAJOR, n, n).data();
    c = new float[n * n];
  }

  @Benchmark
  public float[] sgemm() {
    Gemm.sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
    return c;
  }
}
