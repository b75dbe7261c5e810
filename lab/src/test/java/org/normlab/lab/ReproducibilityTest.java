package org.normlab.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Same seed and thread count, same numbers: two runs of an experiment write the same log. */
class ReproducibilityTest {
  @TempDir
  Path tmp;

  static List<String> logWithoutTimes(Path out) throws Exception {
    RunLog log = RunLog.read(new LabRunner(new LabSettings(Scale.TINY, 1, null, out),
        new PrintStream(OutputStream.nullOutputStream()), false)
        .run(List.of(Experiments.byName("E3"))).folders().get(0));
    return log.records().stream().map(r -> {
      var m = new java.util.LinkedHashMap<>(r.fields());
      m.remove("seconds"); // wall times differ
      return m.toString();
    }).toList();
  }

  @Test
  void twoRunsOfNoisyBatchNormLogTheSameNumbers() throws Exception {
    // E3 has BN, the noisy-BN noise and shuffled batches: every source of randomness is seeded
    List<String> a = logWithoutTimes(tmp.resolve("a"));
    List<String> b = logWithoutTimes(tmp.resolve("b"));
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      assertEquals(a.get(i), b.get(i), "log line " + (i + 1));
    }
  }
}
