package org.normlab.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.normlab.lab.acceptance.AcceptanceTable;
import org.normlab.lab.acceptance.Bar;
import org.normlab.lab.acceptance.Check;
import org.normlab.lab.acceptance.Status;

/** Acceptance bars evaluated on synthetic logs: one that holds, one that does not, and the seed rule. */
class AcceptanceTest {
  static LogRecord rec(String run, long seed, String kind, long step, Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("run", run);
    m.put("seed", seed);
    m.put("kind", kind);
    m.put("step", step);
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return new LogRecord(m);
  }

  /** A log where run "bn" ends at loss {@code bn[s]} and "plain" at {@code plain[s]} for seed s+1. */
  static RunLog log(double[] bn, double[] plain) {
    List<LogRecord> r = new ArrayList<>();
    for (int s = 0; s < bn.length; s++) {
      r.add(rec("bn", s + 1, "train", 100, "loss", bn[s]));
      r.add(rec("plain", s + 1, "train", 100, "loss", plain[s]));
    }
    return new RunLog(Map.of(), r);
  }

  static final Bar BN_LOWER = Bar.of("L", "train loss BN <= 0.8 x plain", (log, seed) -> {
    double bn = log.series("bn", seed, "train", "loss").last();
    double plain = log.series("plain", seed, "train", "loss").last();
    return Double.isNaN(bn) || Double.isNaN(plain) ? null : Check.of(bn <= 0.8 * plain, bn + " vs " + plain);
  });

  @Test
  void aBarThatHoldsPassesAndOneThatDoesNotFails() {
    RunLog log = log(new double[] {0.5}, new double[] {1.0});
    Bar plainLower = Bar.of("P", "train loss plain <= 0.8 x BN", (l, seed) -> Check.of(
        l.series("plain", seed, "train", "loss").last() <= 0.8 * l.series("bn", seed, "train", "loss").last(), "x"));
    AcceptanceTable t = AcceptanceTable.evaluate(List.of(BN_LOWER, plainLower), log);
    assertEquals(Status.PASS, t.rows().get(0).status());
    assertEquals("0.5 vs 1.0", t.rows().get(0).measured());
    assertEquals(Status.FAIL, t.rows().get(1).status());
    assertEquals(1, t.count(Status.PASS));
    assertTrue(t.toText().contains("FAIL"), t.toText());
  }

  @Test
  void withThreeSeedsTwoMustHold() {
    assertEquals(Status.PASS, BN_LOWER.evaluate(log(new double[] {0.5, 0.5, 0.9}, new double[] {1, 1, 1})).status());
    assertEquals(Status.FAIL, BN_LOWER.evaluate(log(new double[] {0.5, 0.9, 0.9}, new double[] {1, 1, 1})).status());
    assertEquals(1, Bar.required(1));
    assertEquals(2, Bar.required(2));
    assertEquals(2, Bar.required(3));
    assertEquals(4, Bar.required(5));
  }

  @Test
  void missingDataIsNotMeasuredAndADivergedRunIsData() {
    RunLog empty = new RunLog(Map.of(), List.of(rec("bn", 1, "train", 1, "loss", 0.3)));
    assertEquals(Status.NOT_MEASURED, BN_LOWER.evaluate(empty).status());
    Bar diverges = Bar.of("D", "plain diverges", (l, seed) -> Check.of(
        l.series("plain", seed, "train", "loss").diverged(), "diverged"));
    Map<String, Object> nan = new LinkedHashMap<>();
    nan.put("run", "plain");
    nan.put("seed", 1L);
    nan.put("kind", "train");
    nan.put("step", 5L);
    nan.put("loss", null); // NaN is written as JSON null
    RunLog diverged = new RunLog(Map.of(), List.of(new LogRecord(nan)));
    assertEquals(Status.PASS, diverges.evaluate(diverged).status());
  }

  @Test
  void reportOnlyBarsAreNotJudged() {
    Bar report = Bar.reportOnly("G", "ghost BN", (l, seed) -> Check.of(false, "0.71"));
    assertEquals(Status.REPORT, report.evaluate(log(new double[] {1}, new double[] {1})).status());
  }

  @Test
  void driftIsTheLargestMedianMoveOverTheFinalSpread() {
    Series p15 = new Series(new double[] {0, 10, 20}, new double[] {-1, -1, -1});
    Series p50 = new Series(new double[] {0, 10, 20}, new double[] {5, 3, 0});
    Series p85 = new Series(new double[] {0, 10, 20}, new double[] {1, 1, 1});
    // from step 10: max |p50 - 0| = 3, final spread 2 -> 1.5 (step 0 is before the window)
    assertEquals(1.5, Stats.drift(p15, p50, p85, 10), 1e-12);
    assertEquals(2.5, Stats.drift(p15, p50, p85, 0), 1e-12);
  }
}
