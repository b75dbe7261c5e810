package org.normlab.lab.experiments;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.knowm.xchart.XYChart;
import org.normlab.lab.Experiment;
import org.normlab.lab.LogRecord;
import org.normlab.lab.Recorder;
import org.normlab.lab.RunContext;
import org.normlab.lab.RunLog;
import org.normlab.lab.acceptance.Bar;
import org.normlab.lab.acceptance.Check;
import org.normlab.lab.report.Charts;
import org.normlab.lab.report.Figure;
import org.normlab.lab.train.Mlp;
import org.normlab.lab.train.Net;
import org.normlab.lab.train.Objective;
import org.normlab.lab.train.Training;
import org.normlab.nn.Adam;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * E0, covariate shift: the classic picture (Shimodaira 2000; Sugiyama et al. 2007) of a regression
 * fit on inputs from one region of a 1-D function and tested on inputs from another. True
 * function f(x) = sinc(x) = sin(pi x)/(pi x); {@value #TRAIN_POINTS} training inputs x ~ N(0.5,
 * 0.4^2), {@value #TEST_POINTS} test inputs x ~ N(2.5, 0.3^2), targets f(x) + N(0, 0.1^2); a 1-32-32-1
 * tanh MLP trained full-batch with Adam (lr 0.01) on the MSE loss.
 */
public final class E0CovariateShift implements Experiment {
  static final String RUN = "mlp";
  static final int TRAIN_POINTS = 150;
  static final int TEST_POINTS = 100;
  static final double NOISE = 0.1;

  @Override
  public String name() {
    return "E0";
  }

  @Override
  public String title() {
    return "Covariate shift: a fit that does not carry over to shifted inputs";
  }

  @Override
  public String summary() {
    return "1-D regression (small MLP, MSE) trained on one input region and tested on another: the classic covariate-shift picture";
  }

  @Override
  public String claim() {
    return "Covariate shift (Shimodaira 2000) is a change of the input distribution between training and test"
        + " while the input-output relation stays the same. Ioffe & Szegedy borrowed the term: internal"
        + " covariate shift is the change of a layer's input distribution as the layers below it train, and BN"
        + " was proposed to reduce it. The picture shows the original notion: a small network fits the training"
        + " region of sinc(x) well, and its error on inputs drawn from a shifted region is much larger. The"
        + " bars are ours (reproductions.md has none for E0).";
  }

  static double f(double x) {
    return Math.abs(x) < 1e-12 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
  }

  @Override
  public List<Bar> bars() {
    return List.of(
        Bar.of("A", "[ours] the fit is good where it was trained: final train MSE <= 0.02 (noise variance 0.01)",
            (log, seed) -> {
              LogRecord r = log.last(RUN, seed, "fit").orElse(null);
              return r == null ? null : Check.of(r.num("train_mse") <= 0.02, "train MSE " + Bars.num(r.num("train_mse")));
            }),
        Bar.of("B", "[ours] the shift shows: test MSE >= 5 x train MSE", (log, seed) -> {
          LogRecord r = log.last(RUN, seed, "fit").orElse(null);
          return r == null ? null : Check.of(r.num("test_mse") >= 5 * r.num("train_mse"), "test MSE "
              + Bars.num(r.num("test_mse")) + " vs train MSE " + Bars.num(r.num("train_mse")));
        }));
  }

  @Override
  public List<Figure> figures(RunLog log) {
    List<Figure> figs = new ArrayList<>();
    if (log.seeds().isEmpty()) {
      return figs;
    }
    long seed = log.seeds().get(0);
    List<LogRecord> curve = log.select(RUN, seed, "curve");
    if (!curve.isEmpty()) {
      XYChart chart = Charts.xy("Covariate shift: fit on one region, tested on another", "x", "y");
      double[] x = curve.stream().mapToDouble(r -> r.num("x")).toArray();
      Charts.line(chart, "true function sinc(x)", x, curve.stream().mapToDouble(r -> r.num("true")).toArray(),
          Charts.color(7));
      Charts.line(chart, "learned function", x, curve.stream().mapToDouble(r -> r.num("learned")).toArray(),
          Charts.color(1));
      for (String set : List.of("train", "test")) {
        List<LogRecord> pts = log.select(RUN, seed, "point").stream().filter(r -> r.text("set").equals(set)).toList();
        Charts.scatter(chart, set + " points", pts.stream().mapToDouble(r -> r.num("x")).toArray(),
            pts.stream().mapToDouble(r -> r.num("y")).toArray(), Charts.color(set.equals("train") ? 0 : 2));
      }
      figs.add(new Figure("Training inputs x ~ N(0.5, 0.4^2), test inputs x ~ N(2.5, 0.3^2); the function is the same.",
          chart));
    }
    Charts.curves(log, List.of(RUN), "train", "loss", "Training MSE", "MSE", true)
        .ifPresent(c -> figs.add(new Figure("Full-batch Adam, lr 0.01.", c)));
    Charts.curves(log, List.of(RUN), "train", "test_mse", "Test MSE (shifted inputs)", "MSE", true)
        .ifPresent(c -> figs.add(new Figure("The error on the shifted test inputs during training.", c)));
    return figs;
  }

  /** Inputs (n, 1) from N(mean, std^2) and noisy targets (n, 1). */
  static Tensor[] sample(int n, double mean, double std, SplittableRandom random) {
    float[] x = new float[n];
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (mean + std * gaussian(random));
      y[i] = (float) (f(x[i]) + NOISE * gaussian(random));
    }
    return new Tensor[] {Tensor.wrap(x, Layout.NC, n, 1), Tensor.wrap(y, Layout.NC, n, 1)};
  }

  static double gaussian(SplittableRandom random) {
    double u = 1.0 - random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
  }

  @Override
  public void run(RunContext ctx) {
    long steps = ctx.scale().pick(50, 3000, 6000);
    for (long seed : ctx.seeds()) {
      SplittableRandom random = new SplittableRandom(seed * 1_000_033L);
      Tensor[] train = sample(TRAIN_POINTS, 0.5, 0.4, random);
      Tensor[] test = sample(TEST_POINTS, 2.5, 0.3, random);
      Net net = Mlp.builder(1, 32, 32, 1).optActivation(Mlp.Activation.TANH).optSeed(seed).build();
      Adam adam = Adam.builder().optLearningRate(0.01).build(net.parameters());
      Recorder rec = ctx.start(RUN, seed, steps);
      double loss = Double.NaN;
      for (long step = 1; step <= steps; step++) {
        loss = Training.step(net, adam, train[0], Objective.mse(train[1])).loss();
        if (step % 20 == 0 || step == steps) {
          rec.log("train", step, "loss", loss, "test_mse", mse(net, test));
          rec.progress(step, loss);
        }
      }
      rec.log("fit", steps, "train_mse", mse(net, train), "test_mse", mse(net, test));
      for (int i = 0; i <= 100; i++) {
        double x = -1.0 + 4.5 * i / 100;
        Tensor out = net.forward(Tensor.wrap(new float[] {(float) x}, Layout.NC, 1, 1));
        rec.log("curve", steps, "x", x, "true", f(x), "learned", out.data()[0]);
      }
      for (String set : List.of("train", "test")) {
        Tensor[] d = set.equals("train") ? train : test;
        for (int i = 0; i < d[0].size(); i++) {
          rec.log("point", steps, "set", set, "x", d[0].data()[i], "y", d[1].data()[i]);
        }
      }
      rec.done();
    }
  }

  static double mse(Net net, Tensor[] data) {
    return Objective.mse(data[1]).lossAndGrad(net.forward(data[0]), new float[data[1].size()]);
  }
}
