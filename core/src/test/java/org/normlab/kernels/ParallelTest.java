package org.normlab.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Parallel.forRange covers every index exactly once, in grain-sized pieces, for any thread count. */
class ParallelTest {
  private final int savedThreads = Parallel.threads();

  @AfterEach
  void restoreThreads() {
    Parallel.setThreads(savedThreads);
  }

  @Test
  void everyIndexOnceInPiecesOfTheGrain() {
    for (int threads : new int[] {1, 2, 3}) {
      Parallel.setThreads(threads);
      assertEquals(threads, Parallel.threads());
      for (int grain : new int[] {1, 7, 64, 1000}) {
        int from = 5;
        int to = 5 + 777;
        AtomicIntegerArray hits = new AtomicIntegerArray(to);
        Set<Integer> pieceStarts = ConcurrentHashMap.newKeySet();
        Parallel.forRange(from, to, grain, (a, b) -> {
          assertTrue(b - a <= grain && b > a, "piece [" + a + ", " + b + ")");
          pieceStarts.add(a);
          for (int i = a; i < b; i++) {
            hits.incrementAndGet(i);
          }
        });
        for (int i = 0; i < to; i++) {
          assertEquals(i >= from ? 1 : 0, hits.get(i), "index " + i + " threads " + threads + " grain " + grain);
        }
        // Piece boundaries depend on the grain only, never on the thread count.
        for (int s : pieceStarts) {
          assertEquals(0, (s - from) % grain, "piece start " + s);
        }
        assertEquals((to - from + grain - 1) / grain, pieceStarts.size());
      }
    }
  }

  @Test
  void nestedLoopsRunAndCoverEverything() {
    Parallel.setThreads(2);
    AtomicIntegerArray hits = new AtomicIntegerArray(64 * 64);
    Parallel.forEachPiece(64, (a, b) -> {
      for (int i = a; i < b; i++) {
        int row = i;
        Parallel.forRange(0, 64, 8, (c, d) -> {
          for (int j = c; j < d; j++) {
            hits.incrementAndGet(row * 64 + j);
          }
        });
      }
    });
    for (int i = 0; i < hits.length(); i++) {
      assertEquals(1, hits.get(i), "index " + i);
    }
  }

  @Test
  void loopsFromTwoApplicationThreadsAtOnceBothCompleteAndTheTeamStaysUsable() throws Exception {
    Parallel.setThreads(2);
    int n = 20_000;
    AtomicIntegerArray hits = new AtomicIntegerArray(2 * n);
    Thread[] callers = new Thread[2];
    for (int t = 0; t < 2; t++) {
      int base = t * n;
      callers[t] = new Thread(() -> {
        for (int round = 0; round < 50; round++) {
          Parallel.forRange(0, n, 100, (a, b) -> {
            for (int i = a; i < b; i++) {
              hits.incrementAndGet(base + i);
            }
          });
        }
      });
      callers[t].start();
    }
    for (Thread t : callers) {
      t.join();
    }
    for (int i = 0; i < hits.length(); i++) {
      assertEquals(50, hits.get(i), "index " + i);
    }
    // After a failure the team still runs every piece of the next loop.
    assertThrows(IllegalStateException.class, () -> Parallel.forEachPiece(8, (a, b) -> {
      throw new IllegalStateException("piece " + a);
    }));
    AtomicIntegerArray after = new AtomicIntegerArray(100);
    Parallel.forRange(0, 100, 1, (a, b) -> after.incrementAndGet(a));
    for (int i = 0; i < 100; i++) {
      assertEquals(1, after.get(i), "index " + i);
    }
  }

  @Test
  void loopsAfterTheWorkersParkedStillRunEveryPiece() throws InterruptedException {
    Parallel.setThreads(3);
    for (int round = 0; round < 5; round++) {
      // Idle far longer than WorkerTeam.SPIN_NANOS, so that the workers are parked.
      Thread.sleep(2);
      AtomicIntegerArray hits = new AtomicIntegerArray(300);
      Parallel.forRange(0, 300, 7, (a, b) -> {
        for (int i = a; i < b; i++) {
          hits.incrementAndGet(i);
        }
      });
      for (int i = 0; i < 300; i++) {
        assertEquals(1, hits.get(i), "round " + round + " index " + i);
      }
    }
  }

  @Test
  void emptyRangesRunNothingAndBadArgumentsAreNamed() {
    Parallel.forRange(3, 3, 1, (a, b) -> {
      throw new AssertionError("ran on an empty range");
    });
    assertEquals("grain: expected at least 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> Parallel.forRange(0, 4, 0, (a, b) -> { })).getMessage());
    assertEquals("threads: expected at least 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0)).getMessage());
  }

  @Test
  void exceptionsInABodyReachTheCaller() {
    Parallel.setThreads(2);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Parallel.forRange(0, 100, 10, (a, b) -> {
          if (a == 50) {
            throw new IllegalStateException("piece 50 failed");
          }
        }));
    assertEquals("piece 50 failed", e.getMessage());
  }
}
