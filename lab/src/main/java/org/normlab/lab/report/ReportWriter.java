package org.normlab.lab.report;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.normlab.io.AtomicFiles;
import org.normlab.io.Json;
import org.normlab.lab.Experiment;
import org.normlab.lab.LogRecord;
import org.normlab.lab.RunFolder;
import org.normlab.lab.RunLog;
import org.normlab.lab.acceptance.AcceptanceTable;
import org.normlab.lab.acceptance.Verdict;

/**
 * Writes report.html (and summary.json, for the index page) of one run folder from its log alone:
 * the paper's claim, the acceptance table, the charts, the runs and their wall times. Both files
 * are written whole and atomically.
 */
public final class ReportWriter {
  static {
    System.setProperty("java.awt.headless", "true");
  }

  private ReportWriter() {}

  /**
   * Renders a small chart once, so that the AWT and font machinery is initialised before
   * training starts: a shutdown hook (Ctrl-C) can then still draw a report, where AWT could no
   * longer start up.
   */
  public static void warmUp() {
    try {
      org.knowm.xchart.XYChart chart = Charts.xy("warm-up", "x", "y");
      Charts.line(chart, "line", new double[] {0, 1}, new double[] {0, 1}, Charts.color(0));
      Html.pngDataUri(chart);
    } catch (IOException | RuntimeException e) {
      // the report will say what is wrong when it is drawn
    }
  }

  /** Draws the report of {@code folder}; returns the acceptance table it shows. */
  public static AcceptanceTable write(RunFolder folder, Experiment experiment) throws IOException {
    RunLog log = RunLog.read(folder);
    AcceptanceTable table = AcceptanceTable.evaluate(experiment.bars(), log);
    StringBuilder h = new StringBuilder();
    String title = experiment.name() + ". " + experiment.title();
    h.append(Html.head(title));
    h.append("<p class=\"meta\"><a href=\"../index.html\">all runs</a></p>\n");
    h.append("<h1>").append(Html.esc(title)).append("</h1>\n");
    h.append("<p class=\"meta\">").append(Html.esc(settingsLine(log))).append("</p>\n");
    if (!log.complete()) {
      h.append("<p class=\"warn\">This run did not finish (interrupted, or still running): the report shows what"
          + " the log holds so far.</p>\n");
    }
    h.append("<p class=\"claim\">").append(Html.esc(experiment.claim())).append("</p>\n");
    h.append("<h2>Acceptance</h2>\n").append(tableHtml(table));
    h.append("<h2>Charts</h2>\n<div class=\"figs\">\n");
    List<Figure> figures = experiment.figures(log);
    for (Figure f : figures) {
      h.append("<figure><img alt=\"").append(Html.esc(f.chart().getTitle())).append("\" src=\"")
          .append(Html.pngDataUri(f.chart())).append("\"><figcaption>").append(Html.esc(f.caption()))
          .append("</figcaption></figure>\n");
    }
    if (figures.isEmpty()) {
      h.append("<p>No data logged yet.</p>\n");
    }
    h.append("</div>\n<h2>Runs</h2>\n").append(runsHtml(log));
    h.append("<p class=\"meta\">Drawn from <a href=\"").append(RunFolder.LOG).append("\">").append(RunFolder.LOG)
        .append("</a> and <a href=\"").append(RunFolder.SETTINGS).append("\">").append(RunFolder.SETTINGS)
        .append("</a>; redraw with <code>normlab lab report ").append(Html.esc(folder.dir().toString()))
        .append("</code>.</p>\n</body></html>\n");
    AtomicFiles.writeString(folder.report(), h.toString());
    AtomicFiles.writeString(folder.summary(), Json.write(summary(experiment, log, table)) + "\n");
    return table;
  }

  static String settingsLine(RunLog log) {
    Map<String, Object> s = log.settings();
    return "started " + s.getOrDefault("started", "?") + " · scale " + s.getOrDefault("scale", "?") + " · seeds "
        + s.getOrDefault("seeds", "?") + " · data " + s.getOrDefault("data", "?") + " · threads "
        + s.getOrDefault("threads", "?") + " · JDK " + s.getOrDefault("jdk", "?");
  }

  static String tableHtml(AcceptanceTable table) {
    StringBuilder h = new StringBuilder("<table><tr><th>bar (reproductions.md)</th><th>measured</th><th>result</th></tr>\n");
    for (Verdict v : table.rows()) {
      h.append("<tr><td><b>").append(Html.esc(v.id())).append("</b> ").append(Html.esc(v.bar())).append("</td><td>")
          .append(Html.esc(v.measured())).append("</td><td class=\"").append(v.status().name()).append("\">")
          .append(v.status().name().replace('_', ' ')).append("</td></tr>\n");
    }
    return h.append("</table>\n").toString();
  }

  static String runsHtml(RunLog log) {
    StringBuilder h = new StringBuilder("<table><tr><th>run</th><th>seed</th><th>status</th><th>wall time</th></tr>\n");
    for (String run : log.runs()) {
      for (long seed : log.seeds()) {
        if (log.select(run, seed, "train").isEmpty() && !log.finished(run, seed)) {
          continue;
        }
        double secs = log.last(run, seed, RunLog.DONE).map(r -> r.num("seconds")).orElse(Double.NaN);
        h.append("<tr><td>").append(Html.esc(run)).append("</td><td>").append(seed).append("</td><td>")
            .append(log.finished(run, seed) ? "finished" : "incomplete").append("</td><td>")
            .append(Double.isNaN(secs) ? "" : String.format(java.util.Locale.ROOT, "%.1f s", secs))
            .append("</td></tr>\n");
      }
    }
    return h.append("</table>\n").toString();
  }

  static Map<String, Object> summary(Experiment experiment, RunLog log, AcceptanceTable table) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("experiment", experiment.name());
    m.put("title", experiment.title());
    m.put("complete", log.complete());
    m.put("started", log.settings().getOrDefault("started", ""));
    m.put("seconds", log.records().stream().filter(r -> r.kind().equals("end")).mapToDouble(
        (LogRecord r) -> r.num("seconds")).findFirst().orElse(Double.NaN));
    m.put("bars", table.counts());
    return m;
  }
}
