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
import org.normlab.lab.train.BatchStream;
import org.normlab.lab.train.ClassifierLoop;
import org.normlab.lab.train.LabData;
import org.normlab.lab.train.Net;
import org.normlab.lab.train.Norms;
import org.normlab.lab.train.Objective;
import org.normlab.lab.train.Probes;

/**
 * E5, Santurkar et al. Fig. 4 (reproductions.md): loss landscape probes along the gradient for
 * the E3 MLP, plain vs BN at lr 0.1, every 100 steps with eta = lr x {0.5, 1, ..., 4}; and the
 * deep linear network, plain vs BN at lr 1e-3 with eta = lr x geomspace(0.01, 30, 8), every 10
 * steps up to step 200. Each probe logs a {@code landscape} record: the range of the loss, the
 * range of the gradient difference and the effective beta-smoothness.
 */
public final class E5Landscape implements Experiment {
  static final String PLAIN = "plain";
  static final String BN = "bn";
  static final String DLN_PLAIN = "dln-plain";
  static final String DLN_BN = "dln-bn";
  static final double LR = 0.1;
  static final double DLN_LR = 1e-3;
  static final long DLN_STEPS = 200;
  static final String KIND = "landscape";

  @Override
  public String name() {
    return "E5";
  }

  @Override
  public String title() {
    return "Santurkar Fig. 4: a smoother loss landscape";
  }

  @Override
  public String summary() {
    return "loss range, gradient predictiveness and effective beta-smoothness along the gradient, plain vs BN (MLP and deep linear net)";
  }

  @Override
  public String claim() {
    return "Santurkar et al. (2018, Fig. 4) argue that BN helps because it makes the loss landscape smoother: moving"
        + " along the gradient, the loss of a network without BN varies over a wide range, its gradient changes"
        + " much more (gradient predictiveness differs by about two orders of magnitude early on), and the"
        + " effective beta-smoothness (largest gradient change per unit of step) is consistently lower with BN."
        + " We probe the E3 MLP (both at lr 0.1, steps eta = lr x 0.5..4) and the 25-layer deep linear network"
        + " (lr 1e-3, eta = lr x 0.01..30) at regular steps during training, on the batch of that step.";
  }

  @Override
  public List<Bar> bars() {
    return List.of(
        ratioBar("A", "first half of training, medians: loss range plain/BN >= 2", "range", 2),
        ratioBar("B", "first half of training, medians: max gradient difference plain/BN >= 3", "gd_max", 3),
        ratioBar("C", "first half of training, medians: beta_eff plain/BN >= 2", "beta", 2),
        Bar.of("D", "DLN (lr 1e-3): max over t <= 200 of beta_eff plain/BN >= 10", (log, seed) -> {
          Series plain = log.series(DLN_PLAIN, seed, KIND, "beta").between(0, DLN_STEPS);
          Series bn = log.series(DLN_BN, seed, KIND, "beta").between(0, DLN_STEPS);
          if (plain.isEmpty() || bn.isEmpty() || !log.finished(DLN_BN, seed)) {
            return null;
          }
          double best = 0;
          long at = 0;
          for (int i = 0; i < bn.size(); i++) {
            double r = Bars.ratio(plain.at(bn.x()[i]), bn.y()[i]);
            if (r > best) {
              best = r;
              at = (long) bn.x()[i];
            }
          }
          return Check.of(best >= 10, "max ratio " + Bars.num(best) + " at step " + at);
        }));
  }

  /** A bar on the median over the first half of the run of a landscape field, plain over BN. */
  static Bar ratioBar(String id, String text, String field, double min) {
    return Bar.of(id, text, (log, seed) -> {
      if (!log.finished(PLAIN, seed) || !log.finished(BN, seed)) {
        return null;
      }
      Series plain = firstHalf(log, PLAIN, seed, field);
      Series bn = firstHalf(log, BN, seed, field);
      double r = Bars.ratio(plain.median(), bn.median());
      return Check.of(r >= min, "plain " + Bars.num(plain.median()) + " / BN " + Bars.num(bn.median()) + " = "
          + Bars.num(r));
    });
  }

  static Series firstHalf(RunLog log, String run, long seed, String field) {
    Series s = log.series(run, seed, KIND, field);
    double end = Bars.trainLoss(log, run, seed).lastStep();
    return s.between(0, end / 2);
  }

  @Override
  public List<Figure> figures(RunLog log) {
    List<Figure> figs = new ArrayList<>();
    List<String> mlp = List.of(PLAIN, BN);
    List<String> dln = List.of(DLN_PLAIN, DLN_BN);
    Charts.curves(log, mlp, KIND, "range", "(a) Loss landscape: range of the loss along the gradient",
        "max - min of L(w - eta g)", true)
        .ifPresent(c -> figs.add(new Figure("MLP, lr 0.1: spread of the loss over the probe steps eta = lr x 0.5..4.",
            c)));
    Charts.curves(log, mlp, KIND, "gd_max", "(b) Gradient predictiveness", "max ||g(w) - g(w - eta g)||", true)
        .ifPresent(c -> figs.add(new Figure("MLP: the largest change of the gradient over the probe steps.", c)));
    Charts.curves(log, mlp, KIND, "beta", "(c) Effective beta-smoothness", "max ||dg|| / ||eta g||", true)
        .ifPresent(c -> figs.add(new Figure("MLP: the largest gradient change per unit of distance moved.", c)));
    Charts.curves(log, dln, KIND, "beta", "Deep linear network: effective beta-smoothness", "beta_eff", true)
        .ifPresent(c -> figs.add(new Figure("25-layer deep linear network, lr 1e-3, eta = lr x geomspace(0.01, 30, 8).",
            c)));
    Charts.curves(log, List.of(PLAIN, BN, DLN_PLAIN, DLN_BN), "train", "loss", "Training loss", "loss", true)
        .ifPresent(c -> figs.add(new Figure("Training loss of the probed runs.", c)));
    return figs;
  }

  static double[] mlpEtas() {
    double[] etas = new double[8];
    for (int i = 0; i < 8; i++) {
      etas[i] = LR * 0.5 * (i + 1);
    }
    return etas;
  }

  /** lr x geomspace(0.01, 30, 8). */
  static double[] dlnEtas() {
    double[] etas = new double[8];
    for (int i = 0; i < 8; i++) {
      etas[i] = DLN_LR * 0.01 * Math.pow(3000, i / 7.0);
    }
    return etas;
  }

  @Override
  public void run(RunContext ctx) throws Exception {
    long steps = ctx.scale().pick(10, 1500, 3000);
    long every = ctx.scale().pick(5, 100, 100);
    LabData data = ctx.data();
    for (long seed : ctx.seeds()) {
      for (String run : List.of(PLAIN, BN)) {
        Net net = DeepMlp.build(data.inputs(), run.equals(BN) ? Norms.batchNorm() : null, false, seed);
        DeepMlp.train(ctx, net, LR, steps, seed, new ClassifierLoop.Hook() {
          @Override
          public void before(long step, BatchStream.Batch batch, Recorder log) {
            if ((step - 1) % every == 0) {
              probe(net, batch.x(), Objective.crossEntropy(batch.y()), mlpEtas(), step - 1, log);
            }
          }
        }, ctx.start(run, seed, steps));
      }
      for (String run : List.of(DLN_PLAIN, DLN_BN)) {
        runDeepLinear(ctx, run, seed, run.equals(DLN_BN), ctx.scale().pick(10, DLN_STEPS, DLN_STEPS), 10);
      }
    }
  }

  static void runDeepLinear(RunContext ctx, String run, long seed, boolean bn, long steps, long every) {
    DeepLinear.Problem p = DeepLinear.problem(seed);
    Net net = DeepLinear.build(bn ? Norms.batchNorm() : null, seed);
    DeepLinear.train(net, p, DLN_LR, steps, every, (n, step, log) -> probe(n, p.x(), p.objective(), dlnEtas(), step,
        log), ctx.start(run, seed, steps));
  }

  static void probe(Net net, org.normlab.tensor.Tensor x, Objective objective, double[] etas, long step,
      Recorder log) {
    Probes.Landscape l = Probes.landscape(net, x, objective, etas);
    log.log(KIND, step, "loss_min", l.lossMin(), "loss_max", l.lossMax(), "range", l.lossRange(),
        "gd_min", l.gradDiffMin(), "gd_max", l.gradDiffMax(), "beta", l.betaEff());
  }
}
