package org.normlab.lab.experiments;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.normlab.lab.LogRecord;
import org.normlab.lab.Recorder;
import org.normlab.lab.RunLog;
import org.normlab.lab.acceptance.Bar;
import org.normlab.lab.acceptance.Check;
import org.normlab.lab.report.Charts;
import org.normlab.lab.report.Figure;
import org.normlab.lab.train.BatchStream;
import org.normlab.lab.train.Evaluation;
import org.normlab.lab.train.LabData;
import org.normlab.lab.train.Net;
import org.normlab.lab.train.NormFactory;
import org.normlab.lab.train.Norms;
import org.normlab.lab.train.Snapshot;
import org.normlab.nn.Layer;
import org.normlab.norm.BatchNorm;
import org.normlab.norm.PopulationStats;

/**
 * BN inference with moving averages (PyTorch, momentum 0.1) against population statistics
 * (Ioffe &amp; Szegedy's Algorithm 2: with the weights frozen, E[x] = mean of batch means and
 * Var[x] = m/(m-1) * mean of batch variances over {@value #BATCHES} training batches), measured on
 * the test set at the end of a run and logged as one {@code inference} record.
 */
final class Inference {
  static final int BATCHES = 100;
  static final String KIND = "inference";

  private Inference() {}

  /** Collects the BatchNorm layers a network is built with. */
  static final class Tracker {
    private final List<BatchNorm> bns = new ArrayList<>();
    private final List<Layer> layers = new ArrayList<>();

    NormFactory batchNorm() {
      return batchNorm(b -> b);
    }

    /** BatchNorm layers with builder options (renorm, ghost batches), remembered for later. */
    NormFactory batchNorm(java.util.function.UnaryOperator<BatchNorm.Builder> options) {
      return features -> {
        BatchNorm bn = options.apply(BatchNorm.builder(features)).build();
        Layer layer = Norms.wrap(bn);
        bns.add(bn);
        layers.add(layer);
        return layer;
      };
    }

    /** The BatchNorm layers built so far. */
    List<BatchNorm> all() {
      return bns;
    }

    /**
     * Logs test accuracy with the moving averages and with Algorithm 2's population statistics
     * (then puts the moving averages back). Does nothing for a network without BN.
     */
    void compare(Net net, LabData data, int batch, long seed, long step, Recorder log) {
      if (bns.isEmpty()) {
        return;
      }
      Evaluation.Result moving = Evaluation.evaluate(net, data.test());
      Snapshot saved = Snapshot.of(net);
      List<PopulationStats> stats = new ArrayList<>();
      int[] inputOf = new int[bns.size()];
      for (int i = 0; i < bns.size(); i++) {
        stats.add(new PopulationStats(bns.get(i).channels()));
        bns.get(i).setUpdateRunningStats(false);
        inputOf[i] = net.model().layers().indexOf(layers.get(i)) - 1;
      }
      try {
        BatchStream batches = new BatchStream(data.train(), batch, seed + 7919);
        int count = (int) Math.min(BATCHES, Math.max(1, data.trainSize() / batch));
        for (int b = 0; b < count; b++) {
          net.forward(batches.next().x());
          for (int i = 0; i < bns.size(); i++) {
            stats.get(i).add(net.model().output(inputOf[i]));
          }
        }
        for (int i = 0; i < bns.size(); i++) {
          stats.get(i).applyTo(bns.get(i), PopulationStats.Estimate.ALGORITHM_2);
        }
        Evaluation.Result population = Evaluation.evaluate(net, data.test());
        log.log(KIND, step, "acc_moving", moving.percent(), "acc_population", population.percent(),
            "loss_moving", moving.loss(), "loss_population", population.loss(), "batches", count);
      } finally {
        saved.restore();
        bns.forEach(bn -> bn.setUpdateRunningStats(true));
      }
    }
  }

  /** A report-only bar: the accuracy difference population minus moving averages. */
  static Bar bar(String id, String run) {
    return Bar.reportOnly(id, "BN inference at the end of the run: moving averages vs population statistics"
        + " (Algorithm 2), test accuracy", (log, seed) -> {
          Optional<LogRecord> r = log.last(run, seed, KIND);
          return r.map(x -> Check.of(true, "moving " + Bars.num(x.num("acc_moving")) + "% vs population "
              + Bars.num(x.num("acc_population")) + "%")).orElse(null);
        });
  }

  /** A bar chart of the inference records (first seed): one pair of bars per BN run. */
  static Optional<Figure> figure(RunLog log) {
    List<String> runs = new ArrayList<>();
    List<Double> moving = new ArrayList<>();
    List<Double> population = new ArrayList<>();
    if (log.seeds().isEmpty()) {
      return Optional.empty();
    }
    long seed = log.seeds().get(0);
    for (String run : log.runs()) {
      log.last(run, seed, KIND).ifPresent(r -> {
        runs.add(run);
        moving.add(r.num("acc_moving"));
        population.add(r.num("acc_population"));
      });
    }
    if (runs.isEmpty()) {
      return Optional.empty();
    }
    CategoryChart chart = new CategoryChartBuilder().width(Charts.WIDTH).height(Charts.HEIGHT)
        .title("BN inference: moving averages vs population statistics").yAxisTitle("test accuracy (%)").build();
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
    double lo = Math.max(0, Math.min(min(moving), min(population)) - 2);
    chart.getStyler().setYAxisMin(lo);
    chart.getStyler().setSeriesColors(new java.awt.Color[] {Charts.color(0), Charts.color(2)});
    chart.addSeries("moving averages (momentum 0.1)", runs, moving);
    chart.addSeries("population statistics (Algorithm 2)", runs, population);
    return Optional.of(new Figure("Test accuracy at the end of training with the two kinds of inference statistics"
        + " (first seed).", chart));
  }

  private static double min(List<Double> v) {
    return v.stream().filter(Double::isFinite).mapToDouble(Double::doubleValue).min().orElse(0);
  }
}
