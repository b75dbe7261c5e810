package org.normlab.lab.experiments;

import java.util.ArrayList;
import java.util.List;
import org.normlab.lab.Experiment;
import org.normlab.lab.RunContext;
import org.normlab.lab.RunLog;
import org.normlab.lab.acceptance.Bar;
import org.normlab.lab.acceptance.Check;
import org.normlab.lab.report.Charts;
import org.normlab.lab.report.Figure;
import org.normlab.lab.train.ClassifierLoop;
import org.normlab.lab.train.LabData;
import org.normlab.lab.train.Net;
import org.normlab.lab.train.NormFactory;
import org.normlab.lab.train.Norms;
import org.normlab.norm.LpNorm;

/**
 * E6, Lp normalizations (Santurkar et al.; reproductions.md): BN with the standard deviation
 * replaced by the batch mean of |x| (L1), the root mean square (L2) or max |x| (Linf). Deep
 * linear network at lr 1e-3 (plain, BN, L1, L2, Linf) and the E3 MLP at lr 0.1 (the same five),
 * with E3's percentile logging for the drift measure.
 */
public final class E6LpNormalization implements Experiment {
  static final List<String> NORMS = List.of("plain", "bn", "l1", "l2", "linf");
  static final double DLN_LR = 1e-3;

  @Override
  public String name() {
    return "E6";
  }

  @Override
  public String title() {
    return "Santurkar: Lp normalizations train like BN";
  }

  @Override
  public String summary() {
    return "L1, L2, Linf normalization vs BN vs plain: deep linear network and the E3 MLP";
  }

  @Override
  public String claim() {
    return "Santurkar et al. (2018) replace BN's standard deviation by other Lp sizes of the activations (mean"
        + " |x|, root mean square, max |x|, taken before centring). These variants train about as well as BN (L1"
        + " even better on the deep linear network) although their activations are not Gaussian and shift MORE"
        + " than without normalization, which again separates BN's benefit from distribution stability. We run"
        + " the 25-layer deep linear network (lr 1e-3) and the E3 MLP (lr 0.1) with each.";
  }

  static String dln(String norm) {
    return "dln-" + norm;
  }

  static String mlp(String norm) {
    return "mlp-" + norm;
  }

  static double finalLoss(RunLog log, String run, long seed) {
    return log.finished(run, seed) ? Bars.trainLoss(log, run, seed).last() : Double.NaN;
  }

  @Override
  public List<Bar> bars() {
    return List.of(
        Bar.of("A", "DLN (lr 1e-3, end of training): L1 <= 1.05 x BN, Linf < plain", (log, seed) -> {
          double l1 = finalLoss(log, dln("l1"), seed);
          double bn = finalLoss(log, dln("bn"), seed);
          double linf = finalLoss(log, dln("linf"), seed);
          double plain = finalLoss(log, dln("plain"), seed);
          if (Double.isNaN(l1) || Double.isNaN(bn) || Double.isNaN(linf) || Double.isNaN(plain)) {
            return null;
          }
          return Check.of(l1 <= 1.05 * bn && linf < plain, "loss L1 " + Bars.num(l1) + ", BN " + Bars.num(bn)
              + ", Linf " + Bars.num(linf) + ", plain " + Bars.num(plain));
        }),
        Bar.of("B", "MLP (lr 0.1, end of training; step 3000 with --full): each Lp train loss <= 1.5 x BN and < plain",
            (log, seed) -> {
              double bn = finalLoss(log, mlp("bn"), seed);
              double plain = finalLoss(log, mlp("plain"), seed);
              if (Double.isNaN(bn) || Double.isNaN(plain)) {
                return null;
              }
              boolean ok = true;
              StringBuilder m = new StringBuilder("BN " + Bars.num(bn) + ", plain " + Bars.num(plain));
              for (String lp : List.of("l1", "l2", "linf")) {
                double v = finalLoss(log, mlp(lp), seed);
                if (Double.isNaN(v)) {
                  return null;
                }
                ok &= v <= 1.5 * bn && v < plain;
                m.append(", ").append(lp).append(' ').append(Bars.num(v));
              }
              return Check.of(ok, m.toString());
            }),
        Bar.of("C", "MLP: D_Lp > D_plain for each Lp (hidden layers 2 and 7, each)", (log, seed) -> {
          if (!log.finished(mlp("plain"), seed)) {
            return null;
          }
          boolean ok = true;
          StringBuilder m = new StringBuilder();
          for (int layer : E3NoisyBatchNorm.LAYERS) {
            double plain = E3NoisyBatchNorm.drift(log, mlp("plain"), seed, layer);
            m.append(m.isEmpty() ? "" : "; ").append("layer ").append(layer).append(": plain ").append(Bars.num(plain));
            for (String lp : List.of("l1", "l2", "linf")) {
              if (!log.finished(mlp(lp), seed)) {
                return null;
              }
              double d = E3NoisyBatchNorm.drift(log, mlp(lp), seed, layer);
              ok &= d > plain;
              m.append(", ").append(lp).append(' ').append(Bars.num(d));
            }
          }
          return Check.of(ok, m.toString());
        }));
  }

  @Override
  public List<Figure> figures(RunLog log) {
    List<Figure> figs = new ArrayList<>();
    List<String> dlnRuns = NORMS.stream().map(E6LpNormalization::dln).toList();
    List<String> mlpRuns = NORMS.stream().map(E6LpNormalization::mlp).toList();
    Charts.curves(log, dlnRuns, "train", "loss", "Deep linear net: training loss", "(1/N) sum ||yhat - y||^2", true)
        .ifPresent(c -> figs.add(new Figure("Full-batch GD at lr 1e-3.", c)));
    Charts.curves(log, mlpRuns, "train", "loss", "MLP: training loss", "cross-entropy", true)
        .ifPresent(c -> figs.add(new Figure("SGD at lr 0.1, batch 128.", c)));
    Charts.curves(log, mlpRuns, "eval", "test_acc", "MLP: test accuracy", "test accuracy (%)", false)
        .ifPresent(c -> figs.add(new Figure("Test accuracy (inference mode: running statistics).", c)));
    int color = 0;
    for (String norm : List.of("plain", "l1", "linf")) {
      Charts.percentiles(log, mlp(norm), "pct", "l7_p", mlp(norm) + ": hidden layer 7, unit 0", color++)
          .ifPresent(c -> figs.add(new Figure("Percentiles of the ReLU input over the training batch (first seed).", c)));
    }
    return figs;
  }

  static NormFactory factory(String norm) {
    return switch (norm) {
      case "plain" -> null;
      case "bn" -> Norms.batchNorm();
      case "l1" -> Norms.lpNorm(LpNorm.Kind.L1);
      case "l2" -> Norms.lpNorm(LpNorm.Kind.L2);
      case "linf" -> Norms.lpNorm(LpNorm.Kind.LINF);
      default -> throw new IllegalArgumentException("norm: expected one of " + NORMS + ", got " + norm);
    };
  }

  @Override
  public void run(RunContext ctx) throws Exception {
    long dlnSteps = ctx.scale().pick(10, 3000, 3000);
    long steps = ctx.scale().pick(10, 1500, 3000);
    long pctEvery = ctx.scale().pick(5, 100, 100);
    LabData data = ctx.data();
    for (long seed : ctx.seeds()) {
      for (String norm : NORMS) {
        DeepLinear.train(DeepLinear.build(factory(norm), seed), DeepLinear.problem(seed), DLN_LR, dlnSteps, 1, null,
            ctx.start(dln(norm), seed, dlnSteps));
      }
      for (String norm : NORMS) {
        Net net = DeepMlp.build(data.inputs(), factory(norm), false, seed);
        DeepMlp.train(ctx, net, 0.1, steps, seed, ClassifierLoop.Hook.afterEvery(pctEvery, steps,
            (step, log) -> E3NoisyBatchNorm.logPercentiles(net, step, log)), ctx.start(mlp(norm), seed, steps));
      }
    }
  }
}
