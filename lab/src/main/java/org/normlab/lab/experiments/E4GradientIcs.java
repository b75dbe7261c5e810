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
import org.normlab.tensor.Tensor;

/**
 * E4, Santurkar et al. Fig. 3 (reproductions.md): gradient-ICS (||G - G'||, relative, cosine)
 * of chosen layers during training. Deep linear network, plain vs BN, full-batch GD at lr 3e-4,
 * layers 2, 13 and 24; and the E3 MLP, plain vs BN at lr 0.1, layers 2, 5 and 8.
 */
public final class E4GradientIcs implements Experiment {
  static final String DLN_PLAIN = "dln-plain";
  static final String DLN_BN = "dln-bn";
  static final String PLAIN = "mlp-plain";
  static final String BN = "mlp-bn";
  static final int[] DLN_LAYERS = {2, 13, 24};
  static final int[] MLP_LAYERS = {2, 5, 8};
  static final double DLN_LR = 3e-4;
  static final double LR = 0.1;
  static final String KIND = "ics";

  @Override
  public String name() {
    return "E4";
  }

  @Override
  public String title() {
    return "Santurkar Fig. 3: internal covariate shift does not drop with BN";
  }

  @Override
  public String summary() {
    return "gradient-ICS per layer (norm, relative, cosine) with and without BN: 25-layer deep linear net and the E3 MLP";
  }

  @Override
  public String claim() {
    return "Santurkar et al. (2018, Fig. 3) measure internal covariate shift by how much a layer's gradient changes"
        + " when the layers below it take their update step (same batch): G before, G' after. If BN reduced"
        + " ICS, G and G' would agree better with BN. They find the opposite: in a VGG network ICS is similar or"
        + " larger with BN, and in a 25-layer deep linear network the plain net has almost no ICS while with BN"
        + " G and G' look uncorrelated, yet the BN network trains better. We re-run both: the deep linear"
        + " network (full-batch GD, lr 3e-4, layers 2, 13, 24) and the 8-hidden-layer MLP of E3 (lr 0.1,"
        + " layers 2, 5, 8).";
  }

  @Override
  public List<Bar> bars() {
    return List.of(
        Bar.of("A", "DLN: median cos at layers 13 and 24: plain >= 0.9, BN <= 0.5", (log, seed) -> {
          if (!log.finished(DLN_PLAIN, seed) || !log.finished(DLN_BN, seed)) {
            return null;
          }
          boolean ok = true;
          StringBuilder m = new StringBuilder();
          for (int layer : new int[] {13, 24}) {
            double plain = median(log, DLN_PLAIN, seed, layer, "cos");
            double bn = median(log, DLN_BN, seed, layer, "cos");
            ok &= plain >= 0.9 && bn <= 0.5;
            m.append(m.isEmpty() ? "" : "; ").append("layer ").append(layer).append(": plain ")
                .append(Bars.num(plain)).append(", BN ").append(Bars.num(bn));
          }
          return Check.of(ok, m.toString());
        }),
        Bar.of("B", "DLN: BN final loss <= 0.5 x plain", (log, seed) -> finalLossRatio(log, seed, DLN_BN, DLN_PLAIN,
            0.5)),
        Bar.of("C", "MLP (layers 2, 5, 8): BN median cos <= plain + 0.05", (log, seed) -> {
          if (!log.finished(PLAIN, seed) || !log.finished(BN, seed)) {
            return null;
          }
          double plain = medianOverLayers(log, PLAIN, seed, "cos");
          double bn = medianOverLayers(log, BN, seed, "cos");
          return Check.of(bn <= plain + 0.05, "BN " + Bars.num(bn) + " vs plain " + Bars.num(plain));
        }),
        Bar.of("D", "MLP: BN median relative ICS >= 0.7 x plain", (log, seed) -> {
          if (!log.finished(PLAIN, seed) || !log.finished(BN, seed)) {
            return null;
          }
          double plain = medianOverLayers(log, PLAIN, seed, "rel");
          double bn = medianOverLayers(log, BN, seed, "rel");
          return Check.of(bn >= 0.7 * plain, "BN " + Bars.num(bn) + " vs plain " + Bars.num(plain));
        }),
        Bar.of("E", "MLP: BN train loss still lower (end of training)", (log, seed) -> finalLossRatio(log, seed, BN,
            PLAIN, 1.0)));
  }

  /** final loss of {@code a} <= factor x final loss of {@code b} (strictly lower for factor 1). */
  static Check finalLossRatio(RunLog log, long seed, String a, String b, double factor) {
    if (!log.finished(a, seed) || !log.finished(b, seed)) {
      return null;
    }
    double la = Bars.trainLoss(log, a, seed).last();
    double lb = Bars.trainLoss(log, b, seed).last();
    boolean ok = factor == 1.0 ? la < lb : la <= factor * lb;
    return Check.of(ok, a + " " + Bars.num(la) + " vs " + b + " " + Bars.num(lb));
  }

  static Series ics(RunLog log, String run, long seed, int layer, String field) {
    return log.series(run, seed, KIND, "l" + layer + "_" + field);
  }

  static double median(RunLog log, String run, long seed, int layer, String field) {
    return ics(log, run, seed, layer, field).median();
  }

  /** The median over all probes of the MLP layers together. */
  static double medianOverLayers(RunLog log, String run, long seed, String field) {
    List<Double> all = new ArrayList<>();
    for (int layer : MLP_LAYERS) {
      for (double v : ics(log, run, seed, layer, field).y()) {
        all.add(v);
      }
    }
    return org.normlab.lab.Stats.median(all.stream().mapToDouble(Double::doubleValue).toArray());
  }

  @Override
  public List<Figure> figures(RunLog log) {
    List<Figure> figs = new ArrayList<>();
    for (String field : List.of("cos", "rel")) {
      String what = field.equals("cos") ? "cos(G, G')" : "||G - G'|| / ||G||";
      for (String[] net : new String[][] {{DLN_PLAIN, DLN_BN}, {PLAIN, BN}}) {
        int[] layers = net[0].equals(DLN_PLAIN) ? DLN_LAYERS : MLP_LAYERS;
        List<String> runs = List.of(net);
        for (int layer : layers) {
          Charts.curves(log, runs, KIND, "l" + layer + "_" + field,
              (net[0].startsWith("dln") ? "Deep linear net" : "MLP") + ", layer " + layer + ": " + what, what,
              field.equals("rel"))
              .ifPresent(c -> figs.add(new Figure("Gradient-ICS of layer " + layer + " over training.", c)));
        }
      }
    }
    Charts.curves(log, List.of(DLN_PLAIN, DLN_BN), "train", "loss", "Deep linear net: training loss",
        "(1/N) sum ||yhat - y||^2", true).ifPresent(c -> figs.add(new Figure("Full-batch GD, lr 3e-4.", c)));
    Charts.curves(log, List.of(PLAIN, BN), "train", "loss", "MLP: training loss", "cross-entropy", true)
        .ifPresent(c -> figs.add(new Figure("SGD, lr 0.1, batch 128.", c)));
    return figs;
  }

  @Override
  public void run(RunContext ctx) throws Exception {
    long dlnSteps = ctx.scale().pick(10, 3000, 5000);
    long dlnEvery = ctx.scale().pick(5, 250, 500);
    long steps = ctx.scale().pick(10, 1000, 3000);
    long every = ctx.scale().pick(5, 100, 100);
    LabData data = ctx.data();
    for (long seed : ctx.seeds()) {
      for (String run : List.of(DLN_PLAIN, DLN_BN)) {
        DeepLinear.Problem p = DeepLinear.problem(seed);
        Net net = DeepLinear.build(run.equals(DLN_BN) ? Norms.batchNorm() : null, seed);
        DeepLinear.train(net, p, DLN_LR, dlnSteps, dlnEvery,
            (n, step, log) -> logIcs(n, p.x(), p.objective(), DLN_LAYERS, DLN_LR, step, log),
            ctx.start(run, seed, dlnSteps));
      }
      for (String run : List.of(PLAIN, BN)) {
        Net net = DeepMlp.build(data.inputs(), run.equals(BN) ? Norms.batchNorm() : null, false, seed);
        DeepMlp.train(ctx, net, LR, steps, seed, new ClassifierLoop.Hook() {
          @Override
          public void before(long step, BatchStream.Batch batch, Recorder log) {
            if ((step - 1) % every == 0) {
              logIcs(net, batch.x(), Objective.crossEntropy(batch.y()), MLP_LAYERS, LR, step - 1, log);
            }
          }
        }, ctx.start(run, seed, steps));
      }
    }
  }

  static void logIcs(Net net, Tensor x, Objective objective, int[] layers, double lr, long step, Recorder log) {
    Object[] kv = new Object[layers.length * 6];
    int k = 0;
    for (int layer : layers) {
      Probes.Ics ics = Probes.ics(net, x, objective, layer, lr);
      kv[k++] = "l" + layer + "_l2";
      kv[k++] = ics.l2();
      kv[k++] = "l" + layer + "_rel";
      kv[k++] = ics.relative();
      kv[k++] = "l" + layer + "_cos";
      kv[k++] = ics.cosine();
    }
    log.log(KIND, step, kv);
  }
}
