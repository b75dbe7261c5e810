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
import org.normlab.lab.train.Net;
import org.normlab.lab.train.Norms;
import org.normlab.lab.train.Probes;

/**
 * E3, Santurkar et al. Figs. 1-2 (reproductions.md): the VGG-analogue MLP (784-128x8-10 ReLU)
 * trained with plain SGD, batch 128: Plain, BN, NoisyBN and Plain+Noise at lr 0.1, Plain and BN
 * at lr 0.5. Logs the training loss every 50 steps, test accuracy every 500, and the 15/50/85th
 * percentiles of unit 0's pre-activation (input of its ReLU, on the training batch, noise
 * included) in hidden layers 2 and 7 every 100 steps.
 */
public final class E3NoisyBatchNorm implements Experiment {
  static final String PLAIN = "plain";
  static final String BN = "bn";
  static final String NOISY = "noisy-bn";
  static final String PLAIN_NOISE = "plain+noise";
  static final String PLAIN_HIGH = "plain-lr0.5";
  static final String BN_HIGH = "bn-lr0.5";
  static final List<String> RUNS = List.of(PLAIN, BN, NOISY, PLAIN_NOISE, PLAIN_HIGH, BN_HIGH);
  static final int[] LAYERS = {2, 7};
  static final long CHECK_STEP = 1500;

  @Override
  public String name() {
    return "E3";
  }

  @Override
  public String title() {
    return "Santurkar Figs. 1-2: plain vs BN vs noisy BN at two learning rates";
  }

  @Override
  public String summary() {
    return "784-128x8-10 ReLU MLP: plain, BN, noisy BN, plain+noise at lr 0.1; plain and BN at lr 0.5";
  }

  @Override
  public String claim() {
    return "Santurkar et al. (2018, Figs. 1-2) trained a VGG network on CIFAR-10 with and without BN at learning"
        + " rates 0.1 and 0.5: BN trains faster and tolerates the higher rate. BN with noise injected after it"
        + " (a random shift and scale per step, so that the activation distributions are LESS stable than"
        + " without BN) trains almost as well as BN and far better than the plain network, while the same"
        + " noise stops the plain network from training: whatever BN does, it is not reducing the shift of"
        + " the layers' input distributions. We re-run it with an 8-hidden-layer ReLU MLP on Fashion-MNIST.";
  }

  @Override
  public List<Bar> bars() {
    return List.of(
        Bar.of("A", "at step 1500 train loss BN <= 0.8 x Plain", (log, seed) -> {
          double bn = lossAt(log, BN, seed);
          double plain = lossAt(log, PLAIN, seed);
          return Double.isNaN(bn) || Double.isNaN(plain) ? null
              : Check.of(bn <= 0.8 * plain, "BN " + Bars.num(bn) + " vs plain " + Bars.num(plain));
        }),
        Bar.of("B", "at step 1500 NoisyBN <= 1.25 x BN and < Plain", (log, seed) -> {
          double noisy = lossAt(log, NOISY, seed);
          double bn = lossAt(log, BN, seed);
          double plain = lossAt(log, PLAIN, seed);
          return Double.isNaN(noisy) || Double.isNaN(bn) || Double.isNaN(plain) ? null
              : Check.of(noisy <= 1.25 * bn && noisy < plain, "noisy BN " + Bars.num(noisy) + ", BN "
                  + Bars.num(bn) + ", plain " + Bars.num(plain));
        }),
        Bar.of("C", "Plain+Noise ends <= 30% train accuracy or diverges", (log, seed) -> {
          if (!log.finished(PLAIN_NOISE, seed)) {
            return null;
          }
          Series acc = log.series(PLAIN_NOISE, seed, "train", "acc");
          boolean diverged = Bars.diverged(log, PLAIN_NOISE, seed);
          return Check.of(diverged || acc.last() <= 30, diverged ? "diverged"
              : "final train accuracy " + Bars.num(acc.last()) + "%");
        }),
        Bar.of("D", "drift D_noisy > D_plain (hidden layers 2 and 7, each)", (log, seed) -> {
          if (!log.finished(NOISY, seed) || !log.finished(PLAIN, seed)) {
            return null;
          }
          boolean all = true;
          StringBuilder m = new StringBuilder();
          for (int layer : LAYERS) {
            double noisy = drift(log, NOISY, seed, layer);
            double plain = drift(log, PLAIN, seed, layer);
            all &= noisy > plain;
            m.append(m.isEmpty() ? "" : "; ").append("layer ").append(layer).append(": D_noisy ")
                .append(Bars.num(noisy)).append(" vs D_plain ").append(Bars.num(plain));
          }
          return Check.of(all, m.toString());
        }),
        Bar.of("E", "at lr 0.5 Plain is >= 5 points worse than BN (final test accuracy) or diverges", (log, seed) -> {
          if (!log.finished(PLAIN_HIGH, seed) || !log.finished(BN_HIGH, seed)) {
            return null;
          }
          boolean diverged = Bars.diverged(log, PLAIN_HIGH, seed);
          double plain = Bars.testAccuracy(log, PLAIN_HIGH, seed).last();
          double bn = Bars.testAccuracy(log, BN_HIGH, seed).last();
          return Check.of(diverged || plain <= bn - 5, diverged ? "plain diverged; BN " + Bars.num(bn) + "%"
              : "plain " + Bars.num(plain) + "% vs BN " + Bars.num(bn) + "%");
        }));
  }

  /** The smoothed training loss at step 1500 (NaN when the run is shorter; +inf when it diverged before). */
  static double lossAt(RunLog log, String run, long seed) {
    Series loss = Bars.trainLoss(log, run, seed);
    if (loss.isEmpty()) {
      return Double.NaN;
    }
    if (loss.diverged() && loss.lastStep() <= CHECK_STEP) {
      return Double.POSITIVE_INFINITY;
    }
    return loss.lastStep() < CHECK_STEP ? Double.NaN : loss.at(CHECK_STEP);
  }

  static double drift(RunLog log, String run, long seed, int layer) {
    String p = "l" + layer + "_p";
    Series p50 = log.series(run, seed, "pct", p + "50");
    return Stats.drift(log.series(run, seed, "pct", p + "15"), p50, log.series(run, seed, "pct", p + "85"),
        0.1 * p50.lastStep());
  }

  @Override
  public List<Figure> figures(RunLog log) {
    List<Figure> figs = new ArrayList<>();
    Charts.curves(log, RUNS, "train", "loss", "Training loss", "cross-entropy (mean of 50 steps)", true)
        .ifPresent(c -> figs.add(new Figure("Training loss; lr 0.1 unless the name says 0.5. A run that"
            + " diverged stops.", c)));
    Charts.curves(log, RUNS, "eval", "test_acc", "Test accuracy", "test accuracy (%)", false)
        .ifPresent(c -> figs.add(new Figure("Test accuracy (inference mode) every 500 steps.", c)));
    int color = 0;
    for (String run : List.of(PLAIN, BN, NOISY)) {
      for (int layer : LAYERS) {
        Charts.percentiles(log, run, "pct", "l" + layer + "_p", run + ": hidden layer " + layer + ", unit 0", color)
            .ifPresent(c -> figs.add(new Figure("15th..85th percentile and median of the input of unit 0's ReLU"
                + " over the training batch (first seed).", c)));
      }
      color++;
    }
    return figs;
  }

  @Override
  public void run(RunContext ctx) throws Exception {
    long steps = ctx.scale().pick(10, CHECK_STEP, 3000);
    long pctEvery = ctx.scale().pick(5, 100, 100);
    LabData data = ctx.data();
    for (long seed : ctx.seeds()) {
      for (String run : RUNS) {
        boolean bn = run.startsWith("bn") || run.equals(NOISY);
        boolean noise = run.equals(NOISY) || run.equals(PLAIN_NOISE);
        double lr = run.endsWith("lr0.5") ? 0.5 : 0.1;
        Net net = DeepMlp.build(data.inputs(), bn ? Norms.batchNorm() : null, noise, seed);
        DeepMlp.train(ctx, net, lr, steps, seed,
            ClassifierLoop.Hook.afterEvery(pctEvery, steps, (step, log) -> logPercentiles(net, step, log)),
            ctx.start(run, seed, steps));
      }
    }
  }

  static void logPercentiles(Net net, long step, Recorder log) {
    Object[] kv = new Object[LAYERS.length * 6];
    int k = 0;
    for (int layer : LAYERS) {
      double[] p = Probes.percentiles(net.preActivation(layer), 0);
      String prefix = "l" + layer + "_p";
      kv[k++] = prefix + "15";
      kv[k++] = p[0];
      kv[k++] = prefix + "50";
      kv[k++] = p[1];
      kv[k++] = prefix + "85";
      kv[k++] = p[2];
    }
    log.log("pct", step, kv);
  }
}
