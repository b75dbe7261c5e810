package org.normlab.lab;

import java.util.ArrayList;
import java.util.List;
import org.normlab.lab.acceptance.Bar;
import org.normlab.lab.acceptance.Check;
import org.normlab.lab.report.Charts;
import org.normlab.lab.report.Figure;

/**
 * A made-up experiment for testing the framework without training anything: run "fast" has loss
 * 1/(1+step), run "slow" 2/(1+step), and "slow" goes NaN at step 40 when asked to diverge.
 * Bar "ok" (fast ends below slow) holds; bar "bad" (slow ends below fast) fails.
 */
final class SyntheticExperiment implements Experiment {
  static final int STEPS = 50;

  @Override
  public String name() {
    return "SYN";
  }

  @Override
  public String title() {
    return "Synthetic <test> experiment";
  }

  @Override
  public String summary() {
    return "made-up curves for tests";
  }

  @Override
  public String claim() {
    return "Fast beats slow & nothing else.";
  }

  @Override
  public List<Bar> bars() {
    return List.of(
        Bar.of("ok", "fast ends below slow", (log, seed) -> compare(log, seed, "fast", "slow")),
        Bar.of("bad", "slow ends below fast", (log, seed) -> compare(log, seed, "slow", "fast")));
  }

  static Check compare(RunLog log, long seed, String a, String b) {
    double la = log.series(a, seed, "train", "loss").last();
    double lb = log.series(b, seed, "train", "loss").last();
    if (Double.isNaN(la) || Double.isNaN(lb)) {
      return null;
    }
    return Check.of(la < lb, a + " " + la + " vs " + b + " " + lb);
  }

  @Override
  public List<Figure> figures(RunLog log) {
    List<Figure> figs = new ArrayList<>();
    Charts.curves(log, log.runs(), "train", "loss", "Training loss", "loss", true)
        .ifPresent(c -> figs.add(new Figure("loss per run", c)));
    return figs;
  }

  @Override
  public void run(RunContext ctx) {
    for (long seed : ctx.seeds()) {
      for (String run : List.of("fast", "slow")) {
        Recorder r = ctx.start(run, seed, STEPS);
        double scale = run.equals("fast") ? 1 : 2;
        for (int step = 1; step <= STEPS; step++) {
          double loss = scale / (1 + step) * (1 + 0.01 * seed);
          r.log("train", step, "loss", loss);
          r.progress(step, loss);
        }
        r.done();
      }
    }
  }
}
