package org.normlab.lab.experiments;

import java.util.ArrayList;
import java.util.List;
import org.normlab.lab.Experiment;
import org.normlab.lab.Recorder;
import org.normlab.lab.RunContext;
import org.normlab.lab.RunLog;
import org.normlab.lab.Series;
import org.normlab.lab.acceptance.Bar;
import org.normlab.lab.acceptance.Check;
import org.normlab.lab.report.Charts;
import org.normlab.lab.report.Figure;
import org.normlab.lab.train.ClassifierLoop;
import org.normlab.lab.train.LabData;
import org.normlab.lab.train.Mlp;
import org.normlab.lab.train.Net;
import org.normlab.lab.train.Norms;
import org.normlab.nn.Sgd;

/**
 * E2, Ioffe &amp; Szegedy Figs. 2-3 (reproductions.md): 784-256x4-10 ReLU, SGD momentum 0.9,
 * batch 32. Baseline: lr 0.01, dropout 0.4, L2 5e-4, lr halved every half of the run (5000 of
 * 10k steps). BN variants: no dropout, L2 1e-4, lr halved six times as often (every 1/12 of the
 * run). Runs: Baseline, BN-Baseline (lr 0.01), BN-x5 (0.05), BN-x30 (0.3), BN-x5-sigmoid and
 * plain-x5 (Baseline at lr 0.05). Test accuracy every 250 steps.
 */
public final class E2HigherLearningRates implements Experiment {
  static final String BASELINE = "baseline";
  static final String BN_BASELINE = "bn-baseline";
  static final String BN_X5 = "bn-x5";
  static final String BN_X30 = "bn-x30";
  static final String BN_X5_SIGMOID = "bn-x5-sigmoid";
  static final String PLAIN_X5 = "plain-x5";
  static final List<String> RUNS = List.of(BASELINE, BN_BASELINE, BN_X5, BN_X30, BN_X5_SIGMOID, PLAIN_X5);

  @Override
  public String name() {
    return "E2";
  }

  @Override
  public String title() {
    return "Ioffe Figs. 2-3: BN lets the learning rate go up (BN-x5, BN-x30)";
  }

  @Override
  public String summary() {
    return "784-256x4-10 ReLU: baseline vs BN at 1x, 5x, 30x the learning rate; steps to reach the baseline's best accuracy";
  }

  @Override
  public String claim() {
    return "Ioffe & Szegedy (2015, Figs. 2-3) trained Inception on ImageNet: with BN and a 5x higher learning rate"
        + " (plus no dropout, less L2 and faster lr decay) it reached the baseline's accuracy in 14 times fewer"
        + " steps, BN-x30 reached a higher maximum, BN with sigmoids still trained, and the 5x rate without BN"
        + " diverged. We re-run the recipe with a 4-hidden-layer ReLU MLP on Fashion-MNIST and count the steps"
        + " (checked every 250) until each run first reaches the baseline's best test accuracy.";
  }

  /** The first checked step at which {@code run} reaches {@code target} test accuracy; NaN if never. */
  static double stepsTo(RunLog log, String run, long seed, double target) {
    Series acc = Bars.testAccuracy(log, run, seed);
    for (int i = 0; i < acc.size(); i++) {
      if (acc.y()[i] >= target) {
        return acc.x()[i];
      }
    }
    return Double.NaN;
  }

  static double baselineMax(RunLog log, long seed) {
    return log.finished(BASELINE, seed) ? Bars.testAccuracy(log, BASELINE, seed).max() : Double.NaN;
  }

  @Override
  public List<Bar> bars() {
    return List.of(
        Bar.of("A", "BN-Baseline reaches Baseline's max accuracy in fewer steps than Baseline", (log, seed) -> {
          double max = baselineMax(log, seed);
          if (Double.isNaN(max) || !log.finished(BN_BASELINE, seed)) {
            return null;
          }
          double base = stepsTo(log, BASELINE, seed, max);
          double bn = stepsTo(log, BN_BASELINE, seed, max);
          return Check.of(bn < base, "to " + Bars.num(max) + "%: Baseline " + steps(base) + ", BN-Baseline " + steps(bn));
        }),
        Bar.of("B", "BN-x5 needs <= 1/3 of Baseline's steps", (log, seed) -> {
          double max = baselineMax(log, seed);
          if (Double.isNaN(max) || !log.finished(BN_X5, seed)) {
            return null;
          }
          double base = stepsTo(log, BASELINE, seed, max);
          double x5 = stepsTo(log, BN_X5, seed, max);
          return Check.of(x5 <= base / 3, "Baseline " + steps(base) + ", BN-x5 " + steps(x5));
        }),
        Bar.of("C", "BN-x30 max >= Baseline max - 0.5", (log, seed) -> {
          double max = baselineMax(log, seed);
          if (Double.isNaN(max) || !log.finished(BN_X30, seed)) {
            return null;
          }
          double x30 = Bars.testAccuracy(log, BN_X30, seed).max();
          return Check.of(x30 >= max - 0.5, "BN-x30 max " + Bars.num(x30) + "% vs Baseline max " + Bars.num(max) + "%");
        }),
        Bar.of("D", "plain-x5 diverges or ends >= 2 points below Baseline", (log, seed) -> {
          if (!log.finished(PLAIN_X5, seed) || !log.finished(BASELINE, seed)) {
            return null;
          }
          boolean diverged = Bars.diverged(log, PLAIN_X5, seed);
          double plain = Bars.testAccuracy(log, PLAIN_X5, seed).last();
          double base = Bars.testAccuracy(log, BASELINE, seed).last();
          return Check.of(diverged || plain <= base - 2, diverged ? "plain-x5 diverged"
              : "plain-x5 " + Bars.num(plain) + "% vs Baseline " + Bars.num(base) + "%");
        }),
        Bar.of("E", "BN-x5-sigmoid within 3 points of Baseline (max test accuracy)", (log, seed) -> {
          double max = baselineMax(log, seed);
          if (Double.isNaN(max) || !log.finished(BN_X5_SIGMOID, seed)) {
            return null;
          }
          double sig = Bars.testAccuracy(log, BN_X5_SIGMOID, seed).max();
          return Check.of(Math.abs(sig - max) <= 3, "BN-x5-sigmoid " + Bars.num(sig) + "% vs Baseline " + Bars.num(max)
              + "%");
        }));
  }

  static String steps(double s) {
    return Double.isNaN(s) ? "never" : (long) s + " steps";
  }

  @Override
  public List<Figure> figures(RunLog log) {
    List<Figure> figs = new ArrayList<>();
    Charts.curves(log, RUNS, "eval", "test_acc", "Test accuracy", "test accuracy (%)", false)
        .ifPresent(c -> figs.add(new Figure("Test accuracy every 250 steps (inference mode).", c)));
    Charts.curves(log, RUNS, "train", "loss", "Training loss", "cross-entropy", true)
        .ifPresent(c -> figs.add(new Figure("Training loss; a run that diverged stops.", c)));
    return figs;
  }

  @Override
  public void run(RunContext ctx) throws Exception {
    long steps = ctx.scale().pick(10, 4000, 10_000);
    long every = ctx.scale().pick(5, 250, 250);
    LabData data = ctx.data();
    for (long seed : ctx.seeds()) {
      for (String run : RUNS) {
        boolean bn = run.startsWith("bn");
        double lr = switch (run) {
          case BN_X5, BN_X5_SIGMOID, PLAIN_X5 -> 0.05;
          case BN_X30 -> 0.3;
          default -> 0.01;
        };
        long halveEvery = bn ? Math.max(1, steps / 12) : Math.max(1, steps / 2);
        Net net = Mlp.builder(data.inputs(), 256, 256, 256, 256, 10)
            .optActivation(run.equals(BN_X5_SIGMOID) ? Mlp.Activation.SIGMOID : Mlp.Activation.RELU)
            .optNorm(bn ? Norms.batchNorm() : null).optDropout(bn ? 0 : 0.4).optSeed(seed).build();
        Sgd sgd = Sgd.builder().setLearningRate(lr).optMomentum(0.9).optWeightDecay(bn ? 1e-4 : 5e-4)
            .build(net.parameters());
        Recorder rec = ctx.start(run, seed, steps);
        ClassifierLoop.builder().setNet(net).setOptimizer(sgd).setData(data).setBatchSize(32).setSteps(steps)
            .optSeed(seed).optLogEvery(Math.max(1, every / 5)).optEvalEvery(every)
            .optLearningRate(step -> lr * Math.pow(0.5, (step - 1) / halveEvery))
            .build().run(rec);
        rec.done("lr", lr);
      }
    }
  }
}
