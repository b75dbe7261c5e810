package org.normlab.lab.experiments;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.knowm.xchart.XYChart;
import org.normlab.lab.Experiment;
import org.normlab.lab.Recorder;
import org.normlab.lab.RunContext;
import org.normlab.lab.RunLog;
import org.normlab.lab.acceptance.Bar;
import org.normlab.lab.acceptance.Check;
import org.normlab.lab.report.Charts;
import org.normlab.lab.report.Figure;
import org.normlab.lab.train.BatchStream;
import org.normlab.lab.train.ClassifierLoop;
import org.normlab.lab.train.LabData;
import org.normlab.lab.train.Mlp;
import org.normlab.lab.train.Net;
import org.normlab.lab.train.NormFactory;
import org.normlab.lab.train.Norms;
import org.normlab.nn.Sgd;
import org.normlab.norm.BatchNorm;

/**
 * E7, small batches (reproductions.md): MLP 784-256-256-10 ReLU with BN, LayerNorm, GroupNorm (8
 * groups of 32) or Batch Renorm after each hidden linear layer, batch N in {32, 16, 8, 4, 2}, SGD
 * momentum 0.9 at lr 0.1*N/32, one epoch each; BN and Batch Renorm on non-i.i.d. batches (each
 * batch from 2 classes, N = 32); ghost BN (batch 1024, ghost 32) against BN at 1024 and at 32; the
 * two 1024 runs take as many steps as one epoch at batch 32 (Hoffer et al.'s "train longer") at
 * lr 0.1 x sqrt(1024/32) (their square-root scaling).
 * Batch Renorm's schedule is the paper's scaled to the run: rmax 1 and dmax 0 for the first 1/8
 * of the steps, then rmax rises linearly to 3 at the end and dmax to 5 at 5/8; its moving
 * averages use rate 0.01.
 */
public final class E7SmallBatches implements Experiment {
  static final int[] BATCHES = {32, 16, 8, 4, 2};
  static final List<String> NORMS = List.of("bn", "ln", "gn", "renorm");
  static final int GHOST_BATCH = 1024;
  static final int GHOST = 32;

  @Override
  public String name() {
    return "E7";
  }

  @Override
  public String title() {
    return "Small batches: BN vs LayerNorm vs GroupNorm vs Batch Renorm";
  }

  @Override
  public String summary() {
    return "test error after one epoch at batch 32..2 for BN, LN, GN, Batch Renorm; non-i.i.d. batches; ghost BN";
  }

  @Override
  public String claim() {
    return "Batch statistics get noisy as batches shrink: Wu & He (2018) report ResNet-50 ImageNet error rising from"
        + " 23.6% at 32 images per GPU to 34.7% at 2 with BN, while GroupNorm stays at about 24% for every batch"
        + " size; LayerNorm (Ba et al. 2016) does not depend on the batch at all; Batch Renormalization (Ioffe"
        + " 2017) corrects the batch statistics towards the moving averages and recovers much of the loss at"
        + " batch 4 and on non-i.i.d. batches. We train a 2-hidden-layer MLP for one epoch at each batch size"
        + " (lr scaled linearly) with each normalization, and report ghost BN (statistics per 32-sample piece of"
        + " a 1024 batch) alongside.";
  }

  static String run(String norm, int batch) {
    return norm + "-" + batch;
  }

  /** Final test error (%) of one run, NaN when missing. */
  static double error(RunLog log, String run, long seed) {
    if (!log.finished(run, seed)) {
      return Double.NaN;
    }
    double acc = Bars.testAccuracy(log, run, seed).last();
    return Double.isFinite(acc) ? 100 - acc : 100;
  }

  @Override
  public List<Bar> bars() {
    return List.of(
        Bar.of("A", "BN error(2) - BN error(32) >= 3 points", (log, seed) -> {
          double e2 = error(log, run("bn", 2), seed);
          double e32 = error(log, run("bn", 32), seed);
          return Double.isNaN(e2) || Double.isNaN(e32) ? null : Check.of(e2 - e32 >= 3,
              "error(2) " + Bars.num(e2) + "% - error(32) " + Bars.num(e32) + "% = " + Bars.num(e2 - e32));
        }),
        Bar.of("B", "GN spread over batch sizes <= 1 point", (log, seed) -> {
          double lo = Double.POSITIVE_INFINITY;
          double hi = Double.NEGATIVE_INFINITY;
          for (int b : BATCHES) {
            double e = error(log, run("gn", b), seed);
            if (Double.isNaN(e)) {
              return null;
            }
            lo = Math.min(lo, e);
            hi = Math.max(hi, e);
          }
          return Check.of(hi - lo <= 1, "GN error " + Bars.num(lo) + "%.." + Bars.num(hi) + "% (spread "
              + Bars.num(hi - lo) + ")");
        }),
        Bar.of("C", "GN beats BN at batch 2", (log, seed) -> better(log, seed, run("gn", 2), run("bn", 2), 0)),
        Bar.of("D", "LN at batch 4 beats BN at batch 4 by >= 1 point", (log, seed) -> better(log, seed, run("ln", 4),
            run("bn", 4), 1)),
        Bar.of("E", "Batch Renorm beats BN by >= 2 points on batch 4 and on non-i.i.d. batches", (log, seed) -> {
          Check small = better(log, seed, run("renorm", 4), run("bn", 4), 2);
          Check noniid = better(log, seed, "renorm-noniid", "bn-noniid", 2);
          return small == null || noniid == null ? null : Check.of(small.pass() && noniid.pass(),
              "batch 4: " + small.measured() + "; non-i.i.d.: " + noniid.measured());
        }),
        Bar.reportOnly("G", "Ghost BN (batch 1024, ghost 32) vs BN at 1024 (both as many steps as an epoch at"
            + " batch 32, lr 0.1 x sqrt(32)) and BN at 32: report only", (log, seed) -> {
          double ghost = error(log, "ghost-1024/32", seed);
          double big = error(log, "bn-1024", seed);
          double small = error(log, run("bn", 32), seed);
          return Double.isNaN(ghost) || Double.isNaN(big) ? null : Check.of(true, "test error: ghost "
              + Bars.num(ghost) + "%, BN-1024 " + Bars.num(big) + "%, BN-32 " + Bars.num(small) + "%");
        }));
  }

  /** Whether {@code a}'s error is at least {@code margin} points below {@code b}'s. */
  static Check better(RunLog log, long seed, String a, String b, double margin) {
    double ea = error(log, a, seed);
    double eb = error(log, b, seed);
    if (Double.isNaN(ea) || Double.isNaN(eb)) {
      return null;
    }
    boolean ok = margin == 0 ? ea < eb : eb - ea >= margin;
    return Check.of(ok, a + " " + Bars.num(ea) + "% vs " + b + " " + Bars.num(eb) + "%");
  }

  @Override
  public List<Figure> figures(RunLog log) {
    List<Figure> figs = new ArrayList<>();
    if (log.seeds().isEmpty()) {
      return figs;
    }
    XYChart chart = Charts.xy("Test error after one epoch vs batch size", "batch size (log scale)", "test error (%)");
    chart.getStyler().setXAxisLogarithmic(true);
    int drawn = 0;
    for (int i = 0; i < NORMS.size(); i++) {
      List<double[]> pts = new ArrayList<>();
      for (int b : BATCHES) {
        double mean = meanError(log, run(NORMS.get(i), b));
        if (Double.isFinite(mean)) {
          pts.add(new double[] {b, mean});
        }
      }
      if (!pts.isEmpty()) {
        pts.sort((p, q) -> Double.compare(p[0], q[0]));
        Charts.line(chart, NORMS.get(i), pts.stream().mapToDouble(p -> p[0]).toArray(),
            pts.stream().mapToDouble(p -> p[1]).toArray(), Charts.color(i));
        drawn++;
      }
    }
    if (drawn > 0) {
      figs.add(new Figure("Test error (mean over seeds) after one epoch; lr = 0.1 x N/32, momentum 0.9.", chart));
    }
    List<String> curves = new ArrayList<>();
    for (String norm : NORMS) {
      curves.add(run(norm, 4));
    }
    curves.addAll(List.of("bn-noniid", "renorm-noniid", "ghost-1024/32", "bn-1024"));
    Charts.curves(log, curves, "train", "loss", "Training loss: batch 4, non-i.i.d. and ghost runs", "cross-entropy",
        true).ifPresent(c -> figs.add(new Figure("Training loss of selected runs.", c)));
    return figs;
  }

  static double meanError(RunLog log, String run) {
    double sum = 0;
    int n = 0;
    for (long seed : log.seeds()) {
      double e = error(log, run, seed);
      if (!Double.isNaN(e)) {
        sum += e;
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  @Override
  public void run(RunContext ctx) throws Exception {
    LabData data = ctx.data();
    for (long seed : ctx.seeds()) {
      for (String norm : NORMS) {
        for (int batch : BATCHES) {
          train(ctx, data, run(norm, batch), norm, batch, 0, seed, null);
        }
      }
      for (String norm : List.of("bn", "renorm")) {
        train(ctx, data, norm + "-noniid", norm, 32, 0, seed, new TwoClassBatches(data, 32, seed)::next);
      }
      if (data.trainSize() >= GHOST_BATCH) {
        train(ctx, data, "bn-1024", "bn", GHOST_BATCH, 0, seed, null);
        train(ctx, data, "ghost-1024/32", "bn", GHOST_BATCH, GHOST, seed, null);

      }
    }
  }

  private void train(RunContext ctx, LabData data, String run, String norm, int batch, int ghost, long seed,
      ClassifierLoop.BatchSource batches) {
    boolean large = batch == GHOST_BATCH;
    long epochSteps = data.trainSize() / (large ? GHOST : batch);
    long steps = ctx.scale() == org.normlab.lab.Scale.TINY ? Math.min(5, epochSteps) : epochSteps;
    double lr = large ? 0.1 * Math.sqrt((double) batch / 32) : 0.1 * batch / 32;
    Inference.Tracker bns = new Inference.Tracker();
    NormFactory factory = switch (norm) {
      case "bn" -> bns.batchNorm(b -> ghost > 0 ? b.optGhostBatchSize(ghost) : b);
      case "renorm" -> bns.batchNorm(b -> b.optRenorm(1, 0).optMomentum(0.01));
      case "ln" -> Norms.layerNorm();
      case "gn" -> Norms.groupNorm(8);
      default -> throw new IllegalArgumentException("norm: expected bn, renorm, ln or gn, got " + norm);
    };
    Net net = Mlp.builder(data.inputs(), 256, 256, 10).optNorm(factory).optSeed(seed).build();
    Sgd sgd = Sgd.builder().setLearningRate(lr).optMomentum(0.9).build(net.parameters());
    Recorder rec = ctx.start(run, seed, steps);
    ClassifierLoop.Builder loop = ClassifierLoop.builder().setNet(net).setOptimizer(sgd).setData(data)
        .setBatchSize(batch).setSteps(steps).optSeed(seed)
        .optLogEvery(Math.max(1, steps / 40)).optEvalEvery(Math.max(1, steps));
    if (batches != null) {
      loop.optBatches(batches);
    }
    if (norm.equals("renorm")) {
      loop.optHook(new ClassifierLoop.Hook() {
        @Override
        public void before(long step, BatchStream.Batch b, Recorder log) {
          double[] limits = renormLimits(step, steps);
          for (BatchNorm bn : bns.all()) {
            bn.setRenormLimits(limits[0], limits[1]);
          }
        }
      });
    }
    loop.build().run(rec);
    rec.done("batch", batch, "lr", lr);
  }

  /**
   * Batch Renorm's relaxation (Ioffe 2017: rmax 1, dmax 0 for 5k steps, then rmax -> 3 by 40k and
   * dmax -> 5 by 25k) scaled to {@code total} steps: {rmax, dmax} at {@code step}.
   */
  static double[] renormLimits(long step, long total) {
    double t = (double) step / Math.max(1, total);
    double warm = 5.0 / 40;
    double rmax = t <= warm ? 1 : 1 + 2 * Math.min(1, (t - warm) / (1 - warm));
    double dmax = t <= warm ? 0 : 5 * Math.min(1, (t - warm) / (25.0 / 40 - warm));
    return new double[] {rmax, dmax};
  }

  /** Non-i.i.d. batches: each from two random classes, half the batch from each (seeded). */
  static final class TwoClassBatches {
    private final LabData data;
    private final int batch;
    private final SplittableRandom random;
    private final List<int[]> byClass = new ArrayList<>();

    TwoClassBatches(LabData data, int batch, long seed) {
      this.data = data;
      this.batch = batch;
      this.random = new SplittableRandom(seed * 0x2545F4914F6CDD1DL + 99);
      int[] labels = data.trainY();
      for (int c = 0; c < 10; c++) {
        final int cls = c;
        byClass.add(java.util.stream.IntStream.range(0, labels.length).filter(i -> labels[i] == cls).toArray());
      }
    }

    BatchStream.Batch next() {
      int a = random.nextInt(10);
      int b = (a + 1 + random.nextInt(9)) % 10;
      int[] idx = new int[batch];
      for (int i = 0; i < batch; i++) {
        int[] pool = byClass.get(i < batch / 2 ? a : b);
        idx[i] = pool[random.nextInt(pool.length)];
      }
      return new BatchStream.Batch(LabData.gather(data.trainX(), idx), LabData.gather(data.trainY(), idx));
    }
  }
}
