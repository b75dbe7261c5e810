package org.normlab.lab;

import java.util.List;
import org.normlab.lab.acceptance.Bar;
import org.normlab.lab.report.Figure;

/**
 * One experiment of shared/docs/reproductions.md. Running it writes log records through the
 * {@link RunContext}; everything else (acceptance, figures) is computed from the {@link RunLog}
 * alone, so a report can be redrawn from any finished or interrupted run.
 */
public interface Experiment {
  /** The short name used on the command line, e.g. "E1". */
  String name();

  /** The title, e.g. "Ioffe Fig. 1: activations over time". */
  String title();

  /** One line for {@code normlab lab list}. */
  String summary();

  /** A paragraph on what the paper claims and how we re-run it (HTML-escaped by the report). */
  String claim();

  /** The acceptance bars from reproductions.md. */
  List<Bar> bars();

  /** The charts, drawn from the log; figures without data are left out. */
  List<Figure> figures(RunLog log);

  /** Trains every variant for every seed of the context, logging as it goes. */
  void run(RunContext ctx) throws Exception;
}
