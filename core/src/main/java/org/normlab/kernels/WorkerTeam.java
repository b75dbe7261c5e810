package org.normlab.kernels;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The threads behind {@link Parallel}: the calling thread plus {@code threads - 1} daemon
 * workers, all taking fixed pieces of one loop from a shared counter, OpenMP style.
 *
 * <p>Why not a fork/join pool: a training step makes dozens of parallel calls that each take tens
 * of microseconds, and a fork/join hand-off wakes parked workers and then the parked caller (two
 * to three thread wake-ups of 10-50 us each in a VM), which made small work slower with two
 * threads than with one. Here the caller works on the loop itself instead of waiting, and idle
 * workers spin for {@link #SPIN_NANOS} before they park (at once when the machine is busy), so
 * a loop that follows another within that time starts on every thread within a microsecond. A
 * worker that is slow to wake costs nothing but its share: the running threads take its pieces.
 *
 * <p>One loop runs at a time. A loop started while another runs (a nested loop inside a body, or a
 * second application thread) runs serially on its calling thread, which keeps the results the
 * same (pieces never depend on who runs them) and rules out deadlock.
 */
final class WorkerTeam {
  /** How long an idle worker (or a caller waiting for the last pieces) spins before it parks. */
  static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(100);
  /**
   * After this much spinning, a waiting thread yields its core at each turn, so that on a busy
   * machine the threads with work run instead (on a quiet one, yield returns at once).
   */
  static final long YIELD_AFTER_NANOS = TimeUnit.MICROSECONDS.toNanos(5);
  /**
   * A yield that takes longer than this gave the core to another thread: the machine is busy,
   * and the waiting thread parks at once instead of spending its process's share of the cores
   * (the Linux scheduler shares them per session, not per thread) on waiting.
   */
  static final long BUSY_YIELD_NANOS = TimeUnit.MICROSECONDS.toNanos(20);

  private final Worker[] workers;
  private final AtomicBoolean busy = new AtomicBoolean();
  /** The loop being run; workers notice a new one by reference. */
  private volatile Loop loop;
  private volatile boolean shutDown;

  WorkerTeam(int threads) {
    workers = new Worker[threads - 1];
    for (int i = 0; i < workers.length; i++) {
      workers[i] = new Worker(i + 1);
      workers[i].start();
    }
  }

  /** Stops the workers once they are idle (they are daemons, so this is only tidiness). */
  void shutDown() {
    shutDown = true;
    for (Worker w : workers) {
      LockSupport.unpark(w);
    }
  }

  /**
   * Runs pieces [0, pieces) of {@code body} (piece q covers [from + q * grain, min(to, ...)))
   * on the team and returns true, or returns false at once, having run nothing, when the team is
   * already running a loop.
   */
  boolean tryRun(int from, int to, int grain, int pieces, Parallel.RangeBody body) {
    if (!busy.compareAndSet(false, true)) {
      return false;
    }
    Loop l = new Loop(from, to, grain, pieces, body, Thread.currentThread());
    try {
      loop = l;
      for (Worker w : workers) {
        if (w.parked) {
          LockSupport.unpark(w);
        }
      }
      l.work();
      l.awaitDone();
    } finally {
      loop = null;
      busy.set(false);
    }
    Throwable error = l.error.get();
    if (error instanceof RuntimeException e) {
      throw e;
    }
    if (error instanceof Error e) {
      throw e;
    }
    if (error != null) {
      throw new IllegalStateException(error);
    }
    return true;
  }

  /**
   * One turn of a wait that has lasted {@code waited} nanoseconds so far; false when the thread
   * should stop spinning and park (the wait is long, or the machine is busy).
   */
  private static boolean spin(long waited) {
    if (waited >= SPIN_NANOS) {
      return false;
    }
    if (waited < YIELD_AFTER_NANOS) {
      Thread.onSpinWait();
      return true;
    }
    long start = System.nanoTime();
    Thread.yield();
    return System.nanoTime() - start < BUSY_YIELD_NANOS;
  }

  /** One parallel loop: a claim counter, a done counter and the first failure. */
  private static final class Loop {
    final int from;
    final int to;
    final int grain;
    final int pieces;
    final Parallel.RangeBody body;
    final Thread caller;
    final AtomicInteger next = new AtomicInteger();
    final AtomicInteger done = new AtomicInteger();
    final AtomicReference<Throwable> error = new AtomicReference<>();
    volatile boolean callerParked;

    Loop(int from, int to, int grain, int pieces, Parallel.RangeBody body, Thread caller) {
      this.from = from;
      this.to = to;
      this.grain = grain;
      this.pieces = pieces;
      this.body = body;
      this.caller = caller;
    }

    /** Claims and runs pieces until none is left (after a failure, claims and skips them). */
    void work() {
      int q;
      while ((q = next.getAndIncrement()) < pieces) {
        if (error.get() == null) {
          try {
            int start = from + q * grain;
            body.run(start, Math.min(to, start + grain));
          } catch (Throwable t) {
            error.compareAndSet(null, t);
          }
        }
        if (done.incrementAndGet() == pieces && callerParked) {
          LockSupport.unpark(caller);
        }
      }
    }

    /** Waits (spinning, then parked) until every piece has finished. */
    void awaitDone() {
      long start = System.nanoTime();
      boolean spinning = true;
      while (done.get() < pieces) {
        if (spinning && spin(System.nanoTime() - start)) {
          continue;
        }
        spinning = false;
        callerParked = true;
        if (done.get() < pieces) {
          LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(1));
        }
      }
    }
  }

  private final class Worker extends Thread {
    volatile boolean parked;

    Worker(int index) {
      super("normlab-worker-" + index);
      setDaemon(true);
    }

    @Override
    public void run() {
      Loop seen = null;
      long idleSince = System.nanoTime();
      while (!shutDown) {
        Loop l = loop;
        if (l != null && l != seen) {
          seen = l;
          l.work();
          idleSince = System.nanoTime();
        } else if (!spin(System.nanoTime() - idleSince)) {
          // Announce the park before the last look at `loop`: tryRun publishes the loop before it
          // reads `parked`, so either this thread sees the loop or tryRun sees it parked.
          parked = true;
          l = loop;
          if (!shutDown && (l == null || l == seen)) {
            LockSupport.park(this);
          }
          parked = false;
          idleSince = System.nanoTime();
        }
      }
    }
  }
}
