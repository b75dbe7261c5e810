package org.normlab.bench;

import java.util.concurrent.TimeUnit;
import org.normlab.kernels.Parallel;
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
 * The FMA peak that SGEMM is judged against: {@link #FLOPS} floating-point operations per call
 * of pure register arithmetic ({@link PeakKernel}), cut into {@link #PIECES} equal pieces on the
 * normlab threads. GFLOP/s = FLOPS / time; with one thread that is one core's peak (Zen 4: 32
 * FP32 flop per cycle, AVX-512 on two 256-bit FMA pipes).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
public class PeakBench {
  /** Floating-point operations per call (2^28: about 2.5 ms on one Zen 4 core). */
  public static final long FLOPS = 1L << 28;
  /** Pieces per call, a multiple of any thread count we run (1 or 2). */
  static final int PIECES = 2;

  @Param({"1"})
  public int threads;

  private long stepsPerPiece;
  private final float[] results = new float[PIECES];

  @Setup(Level.Trial)
  public void setUp() {
    Parallel.setThreads(threads);
    stepsPerPiece = FLOPS / PIECES / PeakKernel.flopsPerStep();
  }

  /** FLOPS fused-multiply-add flops (2 per lane) in registers, PIECES pieces in parallel. */
  @Benchmark
  public float fma() {
    Parallel.forEachPiece(PIECES, (piece, unused) -> results[piece] = PeakKernel.run(stepsPerPiece, piece));
    return results[0] + results[1];
  }
}
