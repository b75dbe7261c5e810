package org.normlab.kernels;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;

/**
 * Parallel loops over index ranges on a fork/join pool whose size is the normlab thread count.
 *
 * <p>The thread count is the only global setting in normlab. It defaults to the number of
 * available processors, can be set with the {@code NORMLAB_THREADS} environment variable or the
 * {@code normlab.threads} system property, and at run time with {@link #setThreads(int)}.
 *
 * <p>Work is cut into pieces by a caller-chosen grain, never by the thread count, so any code
 * that combines per-piece results in piece order gets the same bits with 1 thread and with N.
 */
public final class Parallel {
  /** 0 until first read: a bad NORMLAB_THREADS then fails at that call, not in class init. */
  private static volatile int threads;
  private static volatile ForkJoinPool pool;

  private Parallel() {}

  /** A loop body over the half-open range [from, to). */
  @FunctionalInterface
  public interface RangeBody {
    void run(int from, int to);
  }

  private static int initialThreads() {
    String value = System.getProperty("normlab.threads", System.getenv("NORMLAB_THREADS"));
    if (value == null || value.isBlank()) {
      return Runtime.getRuntime().availableProcessors();
    }
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // fall through to the error below
    }
    throw new IllegalArgumentException(
        "NORMLAB_THREADS: expected a positive integer, got '" + value + "'");
  }

  /** The number of threads parallel loops use. */
  public static int threads() {
    int t = threads;
    if (t == 0) {
      synchronized (Parallel.class) {
        if (threads == 0) {
          threads = initialThreads();
        }
        t = threads;
      }
    }
    return t;
  }

  /** Sets the number of threads (at least 1). */
  public static synchronized void setThreads(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("threads: expected at least 1, got " + n);
    }
    if (n != threads) {
      threads = n;
      ForkJoinPool old = pool;
      pool = null;
      if (old != null) {
        old.shutdown();
      }
    }
  }

  private static ForkJoinPool pool() {
    ForkJoinPool p = pool;
    if (p == null) {
      synchronized (Parallel.class) {
        p = pool;
        if (p == null) {
          p = new ForkJoinPool(threads());
          pool = p;
        }
      }
    }
    return p;
  }

  /**
   * Runs {@code body} over [from, to) in pieces of {@code grain} indices (the last may be
   * shorter). With one thread, or one piece, it runs on the calling thread.
   */
  public static void forRange(int from, int to, int grain, RangeBody body) {
    if (grain < 1) {
      throw new IllegalArgumentException("grain: expected at least 1, got " + grain);
    }
    int n = to - from;
    if (n <= 0) {
      return;
    }
    int pieces = (int) (((long) n + grain - 1) / grain);
    // Nested loops (called from a pool worker) run serially on that worker.
    if (threads() == 1 || pieces == 1 || isInPool()) {
      runSerial(from, to, grain, body);
      return;
    }
    try {
      pool().invoke(new Split(from, to, grain, body, 0, pieces));
    } catch (RuntimeException | Error e) {
      Throwable t = original(e);
      if (t instanceof Error err) {
        throw err;
      }
      throw (RuntimeException) t;
    }
  }

  /**
   * Fork/join rethrows a worker's exception as a new instance of the same class whose message is
   * the original's toString() (once per level of
   * splitting); hand the caller the exception the body actually threw instead.
   */
  private static Throwable original(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause().getClass() == t.getClass()) {
      t = t.getCause();
    }
    return t;
  }

  private static boolean isInPool() {
    ForkJoinPool p = pool;
    return p != null && Thread.currentThread() instanceof ForkJoinWorkerThread w && w.getPool() == p;
  }

  private static void runSerial(int from, int to, int grain, RangeBody body) {
    for (int start = from; start < to; start += grain) {
      body.run(start, Math.min(to, start + grain));
    }
  }

  /** Runs {@code body.run(piece, piece + 1)} for every piece in [0, pieces), in parallel. */
  public static void forEachPiece(int pieces, RangeBody body) {
    forRange(0, pieces, 1, body);
  }

  private static final class Split extends RecursiveAction {
    private final int from;
    private final int to;
    private final int grain;
    private final RangeBody body;
    private final int firstPiece;
    private final int pieceEnd;

    Split(int from, int to, int grain, RangeBody body, int firstPiece, int pieceEnd) {
      this.from = from;
      this.to = to;
      this.grain = grain;
      this.body = body;
      this.firstPiece = firstPiece;
      this.pieceEnd = pieceEnd;
    }

    @Override
    protected void compute() {
      int count = pieceEnd - firstPiece;
      if (count == 1) {
        int start = from + firstPiece * grain;
        body.run(start, Math.min(to, start + grain));
        return;
      }
      int mid = firstPiece + count / 2;
      invokeAll(new Split(from, to, grain, body, firstPiece, mid),
          new Split(from, to, grain, body, mid, pieceEnd));
    }
  }
}
