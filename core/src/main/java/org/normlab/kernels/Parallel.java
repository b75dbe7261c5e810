package org.normlab.kernels;

/**
 * Parallel loops over index ranges on a team of threads ({@link WorkerTeam}: the caller plus
 * {@code threads - 1} workers) whose size is the normlab thread count.
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
  private static volatile WorkerTeam team;

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
      WorkerTeam old = team;
      team = null;
      if (old != null) {
        old.shutDown();
      }
    }
  }

  private static WorkerTeam team() {
    WorkerTeam t = team;
    if (t == null) {
      synchronized (Parallel.class) {
        t = team;
        if (t == null) {
          t = new WorkerTeam(threads());
          team = t;
        }
      }
    }
    return t;
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
    // A loop started while the team runs another (a nested loop, or a second application
    // thread) runs serially on its own thread.
    if (threads() == 1 || pieces == 1 || !team().tryRun(from, to, grain, pieces, body)) {
      runSerial(from, to, grain, body);
    }
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
}
