package org.normlab.bench;

import java.util.concurrent.TimeUnit;
import org.normlab.kernels.Parallel;
import org.normlab.kernels.Reductions;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The memory-bandwidth ceiling: a STREAM-like copy, a sum of squares and a vector load/store loop
 * over float arrays.
 *
 * <p>{@code bytes} is the number of bytes one call moves: the copy reads and writes
 * {@code bytes / 2} each (two arrays of {@code bytes / 8} floats); the sum of squares reads
 * {@code bytes} (one array of {@code bytes / 4} floats); the load/store loop spreads them over
 * {@code reads + writes} arrays. Run the copy with a memory-bound row's minimum bytes to get its
 * size-matched ceiling (see shared/docs/benchmarks.md). All split the arrays into
 * {@link #PIECE}-float pieces over the normlab threads. A trial allocates only the arrays of the
 * benchmark it runs, so that none of them shares the heap and the caches with idle ones.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
public class StreamBench {
  /** Floats per parallel piece of the copy (1 MiB). */
  static final int PIECE = 1 << 18;

  @Param({"1"})
  public int threads;

  /** Bytes moved per call (128 MiB by default: well past the 32 MiB L3). */
  @Param({"134217728"})
  public String bytes;

  /** Input arrays of {@link #vectorStream} (its bytes are split evenly over reads + writes). */
  @Param({"1"})
  public int reads;

  /** Output arrays of {@link #vectorStream}. */
  @Param({"1"})
  public int writes;

  private float[] src;
  private float[] dst;
  private float[] x;
  private float[][] streamIn;
  private float[][] streamOut;

  @Setup(Level.Trial)
  public void setUp(BenchmarkParams params) {
    Parallel.setThreads(threads);
    long moved = Long.parseLong(bytes.trim());
    if (moved < 8 || moved / 4 > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("bytes: expected 8 to 8 GiB, got " + bytes);
    }
    String method = params.getBenchmark();
    if (method.endsWith(".copy")) {
      int copyFloats = (int) (moved / 8);
      src = Tensor.uniform(1, -1f, 1f, Layout.ROW_MAJOR, copyFloats).data();
      dst = new float[copyFloats];
    } else if (method.endsWith(".sumOfSquares")) {
      x = Tensor.uniform(2, -1f, 1f, Layout.ROW_MAJOR, (int) (moved / 4)).data();
    } else {
      allocateStreams(moved);
    }
  }

  private void allocateStreams(long moved) {
    if (reads < 1 || writes < 1) {
      throw new IllegalArgumentException("reads, writes: expected at least 1 each, got " + reads
          + ", " + writes);
    }
    int step = StreamKernel.F.length();
    int perArray = (int) (moved / 4 / (reads + writes) / step * step);
    streamIn = new float[reads][];
    for (int r = 0; r < reads; r++) {
      streamIn[r] = Tensor.uniform(3 + r, -1f, 1f, Layout.ROW_MAJOR, perArray).data();
    }
    streamOut = new float[writes][perArray];
  }

  /** dst = src: reads bytes / 2, writes bytes / 2. */
  @Benchmark
  public float[] copy() {
    float[] s = src;
    float[] d = dst;
    Parallel.forRange(0, s.length, PIECE, (from, to) -> System.arraycopy(s, from, d, from, to - from));
    return d;
  }

  /**
   * The load/store ceiling of a computing kernel: {@code reads} arrays in, {@code writes} arrays
   * out, {@code bytes} moved in all (see {@link StreamKernel}), in the copy's pieces.
   */
  @Benchmark
  public float[][] vectorStream() {
    float[][] in = streamIn;
    float[][] out = streamOut;
    int step = StreamKernel.F.length();
    int pieceFloats = PIECE / step * step;
    Parallel.forRange(0, out[0].length, pieceFloats, (from, to) -> StreamKernel.run(in, out, from, to));
    return out;
  }

  /** sum of x^2 in double over bytes / 4 floats (deterministic chunked reduction). */
  @Benchmark
  public double sumOfSquares() {
    return Reductions.sumOfSquares(x, 0, x.length);
  }
}
