package org.normlab.lab.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.normlab.lab.RunLog;
import org.normlab.lab.Series;

/**
 * The chart types of the reports, drawn with XChart from a {@link RunLog}: curves per variant
 * (the mean over seeds, with a min..max band when there are several seeds) and percentile bands.
 */
public final class Charts {
  public static final int WIDTH = 600;
  public static final int HEIGHT = 380;

  private static final Color[] PALETTE = {
    new Color(31, 119, 180), new Color(214, 39, 40), new Color(44, 160, 44), new Color(255, 127, 14),
    new Color(148, 103, 189), new Color(140, 86, 75), new Color(227, 119, 194), new Color(127, 127, 127),
    new Color(188, 189, 34), new Color(23, 190, 207)
  };

  private Charts() {}

  /** An empty line chart with normlab's style. */
  public static XYChart xy(String title, String xLabel, String yLabel) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xLabel)
        .yAxisTitle(yLabel).build();
    org.knowm.xchart.style.XYStyler s = chart.getStyler();
    s.setChartBackgroundColor(Color.WHITE);
    s.setPlotBackgroundColor(Color.WHITE);
    s.setLegendPosition(Styler.LegendPosition.OutsideS);
    s.setLegendLayout(Styler.LegendLayout.Horizontal);
    s.setPlotGridLinesColor(new Color(230, 230, 230));
    s.setAntiAlias(true);
    chart.getStyler().setMarkerSize(5);
    return chart;
  }

  public static Color color(int i) {
    return PALETTE[Math.floorMod(i, PALETTE.length)];
  }

  /**
   * One curve per run: {@code field} of records of {@code kind} against the step. With several
   * seeds, the mean at each step and a light min..max band. Non-finite values (divergence) are
   * left out of the line. Returns empty when no run has data.
   */
  public static Optional<XYChart> curves(RunLog log, List<String> runs, String kind, String field,
      String title, String yLabel, boolean logY) {
    XYChart chart = xy(title, "step", yLabel);
    if (logY) {
      chart.getStyler().setYAxisLogarithmic(true);
    }
    int drawn = 0;
    for (int i = 0; i < runs.size(); i++) {
      String run = runs.get(i);
      List<Series> perSeed = new ArrayList<>();
      for (long seed : log.seeds()) {
        Series s = log.series(run, seed, kind, field);
        if (!s.isEmpty()) {
          perSeed.add(s);
        }
      }
      if (perSeed.isEmpty()) {
        continue;
      }
      double[][] band = envelope(perSeed, logY);
      if (band[0].length == 0) {
        continue;
      }
      if (perSeed.size() > 1) {
        band(chart, run + " (seeds min..max)", band[0], band[2], band[3], color(i));
      }
      line(chart, run, band[0], band[1], color(i));
      drawn++;
    }
    return drawn == 0 ? Optional.empty() : Optional.of(chart);
  }

  /**
   * Percentile band of one run: p15..p85 shaded and p50 as a line, from records of {@code kind}
   * with fields {@code prefix}15, {@code prefix}50, {@code prefix}85 (first seed).
   */
  public static Optional<XYChart> percentiles(RunLog log, String run, String kind, String prefix, String title,
      int colorIndex) {
    if (log.seeds().isEmpty()) {
      return Optional.empty();
    }
    long seed = log.seeds().get(0);
    Series p15 = log.series(run, seed, kind, prefix + "15");
    Series p50 = log.series(run, seed, kind, prefix + "50");
    Series p85 = log.series(run, seed, kind, prefix + "85");
    if (p50.isEmpty()) {
      return Optional.empty();
    }
    XYChart chart = xy(title, "step", "value");
    double[][] lo = finite(p15);
    double[][] hi = finite(p85);
    if (lo[0].length == hi[0].length && lo[0].length > 0) {
      band(chart, "15th..85th percentile", lo[0], lo[1], hi[1], color(colorIndex));
    }
    double[][] mid = finite(p50);
    line(chart, "median", mid[0], mid[1], color(colorIndex));
    return Optional.of(chart);
  }

  /** Adds a line. */
  public static XYSeries line(XYChart chart, String name, double[] x, double[] y, Color color) {
    XYSeries s = chart.addSeries(name, x.length == 0 ? new double[] {0} : x, y.length == 0 ? new double[] {0} : y);
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    s.setMarker(SeriesMarkers.NONE);
    s.setLineColor(color);
    s.setLineStyle(new BasicStroke(2f));
    return s;
  }

  /** Adds points without lines. */
  public static XYSeries scatter(XYChart chart, String name, double[] x, double[] y, Color color) {
    XYSeries s = chart.addSeries(name, x, y);
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    s.setMarker(SeriesMarkers.CIRCLE);
    s.setMarkerColor(color);
    return s;
  }

  /** Adds a shaded band between {@code lo} and {@code hi} (a closed polygon). */
  public static void band(XYChart chart, String name, double[] x, double[] lo, double[] hi, Color color) {
    int n = x.length;
    double[] px = new double[2 * n];
    double[] py = new double[2 * n];
    for (int i = 0; i < n; i++) {
      px[i] = x[i];
      py[i] = lo[i];
      px[2 * n - 1 - i] = x[i];
      py[2 * n - 1 - i] = hi[i];
    }
    XYSeries s = chart.addSeries(name, px, py);
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
    s.setMarker(SeriesMarkers.NONE);
    s.setFillColor(new Color(color.getRed(), color.getGreen(), color.getBlue(), 50));
    s.setLineColor(new Color(color.getRed(), color.getGreen(), color.getBlue(), 0));
    s.setShowInLegend(false);
  }

  /**
   * Steps where every seed has a finite (and, on a log axis, positive) value: {x, mean, min,
   * max}. Uses the steps of the first seed.
   */
  static double[][] envelope(List<Series> perSeed, boolean positiveOnly) {
    Series first = perSeed.get(0);
    List<double[]> rows = new ArrayList<>();
    for (int i = 0; i < first.size(); i++) {
      double step = first.x()[i];
      double sum = 0;
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      boolean ok = true;
      for (Series s : perSeed) {
        double v = s.at(step);
        if (!Double.isFinite(v) || (positiveOnly && v <= 0)) {
          ok = false;
          break;
        }
        sum += v;
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      if (ok) {
        rows.add(new double[] {step, sum / perSeed.size(), min, max});
      }
    }
    double[][] out = new double[4][rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      for (int j = 0; j < 4; j++) {
        out[j][i] = rows.get(i)[j];
      }
    }
    return out;
  }

  private static double[][] finite(Series s) {
    int n = 0;
    for (double v : s.y()) {
      if (Double.isFinite(v)) {
        n++;
      }
    }
    double[][] out = new double[2][n];
    for (int i = 0, j = 0; i < s.size(); i++) {
      if (Double.isFinite(s.y()[i])) {
        out[0][j] = s.x()[i];
        out[1][j++] = s.y()[i];
      }
    }
    return out;
  }
}
