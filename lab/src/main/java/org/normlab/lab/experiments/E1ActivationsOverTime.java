package org.normlab.lab.experiments;

import java.util.ArrayList;
import java.util.List;
import org.normlab.lab.Experiment;
import org.normlab.lab.Recorder;
import org.normlab.lab.RunContext;
import org.normlab.lab.RunLog;
import org.normlab.lab.Series;
import org.normlab.lab.Stats;
import org.normlab.lab.acceptance.Bar;
import org.normlab.lab.acceptance.Check;
import org.normlab.lab.report.Charts;
import org.normlab.lab.report.Figure;
import org.normlab.lab.train.ClassifierLoop;
import org.normlab.lab.train.LabData;
import org.normlab.lab.train.Mlp;
import org.normlab.lab.train.Net;
import org.normlab.lab.train.Probes;
import org.normlab.nn.Init;
import org.normlab.nn.Sgd;
import org.normlab.tensor.Tensor;

/**
 * E1, Ioffe &amp; Szegedy Fig. 1 (reproductions.md): 784-100-100-100-10 sigmoid MLP with and
 * without BN, W ~ N(0, 0.01^2), b = 0, plain SGD lr 0.5, batch 60; test accuracy on the full test
 * set (inference mode) and the 15/50/85th percentiles of unit 0 of hidden layer 3 (the input of
 * its sigmoid; BN normalizing with the probe set's statistics) on 1000 fixed test images, every
 * 500 steps.
 */
public final class E1ActivationsOverTime implements Experiment {
  static final String PLAIN = "plain";
  static final String BN = "bn";
  static final double LR = 0.5;
  static final int BATCH = 60;

  @Override
  public String name() {
    return "E1";
  }

  @Override
  public String title() {
    return "Ioffe Fig. 1: accuracy and the drifting sigmoid inputs";
  }

  @Override
  public String summary() {
    return "784-100-100-100-10 sigmoid MLP with vs without BN: test accuracy and percentiles of a sigmoid input over training";
  }

  @Override
  public String claim() {
    return "Ioffe & Szegedy (2015, Fig. 1) trained a 3-hidden-layer sigmoid network on MNIST with and without batch"
        + " normalization: with BN the test accuracy rises faster and higher, and the distribution of the input"
        + " of a sigmoid in the last hidden layer (its 15th, 50th and 85th percentiles) stays nearly flat, while"
        + " without BN it drifts over training. We re-run it on Fashion-MNIST with W ~ N(0, 0.01^2), plain SGD at"
        + " lr 0.5 and batch 60, measuring unit 0 of hidden layer 3 on 1000 fixed test images (BN normalizing with"
        + " the statistics of those images).";
  }

  @Override
  public List<Bar> bars() {
    return List.of(
        Bar.of("A", "BN accuracy >= plain at every checkpoint after step 1000 (one exception allowed)",
            E1ActivationsOverTime::everyCheckpoint),
        Bar.of("B", "gap >= 3 points at 10% of the run", E1ActivationsOverTime::earlyGap),
        Bar.of("C", "final BN >= plain - 0.3 points", E1ActivationsOverTime::finalAccuracy),
        Bar.of("D", "drift D = max_{t>=10%} |p50(t)-p50(T)| / (p85-p15)(T): D_plain >= 2*D_bn",
            E1ActivationsOverTime::drift),
        Inference.bar("I", BN));
  }

  static Check everyCheckpoint(RunLog log, long seed) {
    Series bn = Bars.testAccuracy(log, BN, seed).between(1001, Double.POSITIVE_INFINITY);
    Series plain = Bars.testAccuracy(log, PLAIN, seed);
    if (bn.isEmpty() || plain.isEmpty()) {
      return null;
    }
    int below = 0;
    for (int i = 0; i < bn.size(); i++) {
      if (!(bn.y()[i] >= plain.at(bn.x()[i]))) {
        below++;
      }
    }
    return Check.of(below <= 1, "BN below plain at " + below + " of " + bn.size() + " checkpoints");
  }

  static Check earlyGap(RunLog log, long seed) {
    Series bn = Bars.testAccuracy(log, BN, seed);
    Series plain = Bars.testAccuracy(log, PLAIN, seed);
    if (bn.isEmpty() || plain.isEmpty() || !log.finished(BN, seed)) {
      return null;
    }
    double t = 0.1 * bn.lastStep();
    double gap = bn.at(t) - plain.at(t);
    return Check.of(gap >= 3, "at step " + (long) t + ": BN " + Bars.num(bn.at(t)) + "% vs plain "
        + Bars.num(plain.at(t)) + "% (gap " + Bars.num(gap) + ")");
  }

  static Check finalAccuracy(RunLog log, long seed) {
    if (!log.finished(BN, seed) || !log.finished(PLAIN, seed)) {
      return null;
    }
    double bn = Bars.testAccuracy(log, BN, seed).last();
    double plain = Bars.testAccuracy(log, PLAIN, seed).last();
    return Check.of(bn >= plain - 0.3, "BN " + Bars.num(bn) + "% vs plain " + Bars.num(plain) + "%");
  }

  static double drift(RunLog log, String run, long seed) {
    Series p50 = log.series(run, seed, "pct", "p50");
    return Stats.drift(log.series(run, seed, "pct", "p15"), p50, log.series(run, seed, "pct", "p85"),
        0.1 * p50.lastStep());
  }

  static Check drift(RunLog log, long seed) {
    if (!log.finished(BN, seed) || !log.finished(PLAIN, seed)) {
      return null;
    }
    double plain = drift(log, PLAIN, seed);
    double bn = drift(log, BN, seed);
    return Check.of(plain >= 2 * bn, "D_plain " + Bars.num(plain) + " vs D_bn " + Bars.num(bn));
  }

  @Override
  public List<Figure> figures(RunLog log) {
    List<Figure> figs = new ArrayList<>();
    Charts.curves(log, List.of(PLAIN, BN), "eval", "test_acc", "(a) Test accuracy", "test accuracy (%)", false)
        .ifPresent(c -> figs.add(new Figure("Test accuracy on the full test set (inference mode), every checkpoint.", c)));
    Charts.percentiles(log, PLAIN, "pct", "p", "(b) Without BN: input of a last-layer sigmoid", 0)
        .ifPresent(c -> figs.add(new Figure("15th, 50th and 85th percentiles of unit 0 of hidden layer 3 before its"
            + " sigmoid, on 1000 fixed test images (first seed).", c)));
    Charts.percentiles(log, BN, "pct", "p", "(c) With BN: input of a last-layer sigmoid", 1)
        .ifPresent(c -> figs.add(new Figure("The same unit with BN (after BN's affine step, before the sigmoid; BN uses the statistics"
            + " of the 1000 images).", c)));
    Charts.curves(log, List.of(PLAIN, BN), "train", "loss", "Training loss", "cross-entropy", true)
        .ifPresent(c -> figs.add(new Figure("Mean training loss of the batches between log points.", c)));
    Inference.figure(log).ifPresent(figs::add);
    return figs;
  }

  @Override
  public void run(RunContext ctx) throws Exception {
    long steps = ctx.scale().pick(20, 10_000, 50_000);
    long every = ctx.scale().pick(10, 500, 500);
    LabData data = ctx.data();
    Tensor probe = LabData.rows(data.testX(), 0, Math.min(1000, data.testSize()));
    for (long seed : ctx.seeds()) {
      for (String run : List.of(PLAIN, BN)) {
        Inference.Tracker bns = new Inference.Tracker();
        Net net = Mlp.builder(data.inputs(), 100, 100, 100, 10)
            .optActivation(Mlp.Activation.SIGMOID)
            .optNorm(run.equals(BN) ? bns.batchNorm() : null)
            .optWeightInit(Init.normal(0.01)).optBiasInit(Init.zeros())
            .optSeed(seed).build();
        Recorder rec = ctx.start(run, seed, steps);
        logPercentiles(net, bns, probe, 0, rec);
        ClassifierLoop.builder().setNet(net)
            .setOptimizer(Sgd.builder().setLearningRate(LR).build(net.parameters()))
            .setData(data).setBatchSize(BATCH).setSteps(steps).optSeed(seed)
            .optLogEvery(Math.max(1, every / 5)).optEvalEvery(every)
            .optHook(ClassifierLoop.Hook.afterEvery(every, steps, (step, log) -> logPercentiles(net, bns, probe, step, log)))
            .build().run(rec);
        bns.compare(net, data, BATCH, seed, steps, rec);
        rec.done();
      }
    }
  }

  /**
   * Percentiles of unit 0 of hidden layer 3's pre-activation on the probe images, as the network
   * computes them in training: BN normalizes with the statistics of those 1000 images (its
   * running statistics are not updated). The moving averages would add their own lag and noise
   * to the picture.
   */
  static void logPercentiles(Net net, Inference.Tracker bns, Tensor probe, long step, Recorder log) {
    bns.all().forEach(bn -> bn.setUpdateRunningStats(false));
    try {
      net.forward(probe);
      double[] p = Probes.percentiles(net.preActivation(3), 0);
      log.log("pct", step, "p15", p[0], "p50", p[1], "p85", p[2]);
    } finally {
      bns.all().forEach(bn -> bn.setUpdateRunningStats(true));
    }
  }
}
