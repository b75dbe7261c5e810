package org.normlab.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Same seed and thread count, same numbers: two runs of an experiment write the same log.
 *
 * <p>Numbers are compared bitwise. In one JVM the second run executes JIT-compiled code where the
 * first ran partly interpreted, so this also checks that no kernel on the training path depends
 * on JIT state (reduceLanes(ADD) and the Vector API's lanewise EXP did, until they were replaced
 * by fixed-order lane sums and exact-operation exp).
 */
class ReproducibilityTest {
  @TempDir
  Path tmp;

  static List<LogRecord> run(Path out) throws Exception {
    return RunLog.read(new LabRunner(new LabSettings(Scale.TINY, 1, null, out),
        new PrintStream(OutputStream.nullOutputStream()), false)
        .run(List.of(Experiments.byName("E3"))).folders().get(0)).records();
  }

  @Test
  void twoRunsOfNoisyBatchNormLogTheSameNumbers() throws Exception {
    // E3 has BN, the noisy-BN noise and shuffled batches: every source of randomness is seeded
    List<LogRecord> a = run(tmp.resolve("a"));
    List<LogRecord> b = run(tmp.resolve("b"));
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      Map<String, Object> x = a.get(i).fields();
      Map<String, Object> y = b.get(i).fields();
      assertEquals(x.keySet(), y.keySet(), "log line " + (i + 1));
      for (String key : x.keySet()) {
        if (key.equals("seconds")) {
          continue; // wall time
        }
        assertEquals(x.get(key), y.get(key), "log line " + (i + 1) + ", " + key);
      }
    }
  }
}
