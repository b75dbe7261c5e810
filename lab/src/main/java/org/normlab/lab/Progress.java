package org.normlab.lab;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A console progress bar for one run: steps done, the last loss and the ETA. On a terminal it
 * redraws one line (at most four times a second); otherwise it prints a line at every quarter, so
 * that logs of non-interactive runs stay short.
 */
public final class Progress {
  private static final int WIDTH = 24;

  private final PrintStream out;
  private final String label;
  private final long total;
  private final boolean interactive;
  private final long startNanos;
  private long lastDraw;
  private int lastQuarter;
  private boolean finished;

  public Progress(PrintStream out, String label, long total, boolean interactive) {
    this.out = out;
    this.label = label;
    this.total = Math.max(1, total);
    this.interactive = interactive;
    this.startNanos = System.nanoTime();
  }

  /** True when standard output is a terminal. */
  public static boolean terminal() {
    java.io.Console c = System.console();
    return c != null && c.isTerminal();
  }

  /** Reports that {@code step} of {@code total} steps are done with the given (training) loss. */
  public void update(long step, double loss) {
    long now = System.nanoTime();
    if (interactive) {
      if (now - lastDraw < 250_000_000L && step < total) {
        return;
      }
      lastDraw = now;
      out.print("\r" + line(step, loss, now));
      out.flush();
    } else {
      int quarter = (int) Math.min(4, 4 * step / total);
      if (quarter > lastQuarter) {
        lastQuarter = quarter;
        out.println(line(step, loss, now));
      }
    }
  }

  /** Ends the bar with the total time. */
  public void finish(long step, double loss) {
    if (finished) {
      return;
    }
    finished = true;
    long now = System.nanoTime();
    String line = line(step, loss, now);
    if (interactive) {
      out.print("\r" + line + "\n");
    } else if (lastQuarter < 4) {
      out.println(line);
    }
    out.flush();
  }

  String line(long step, double loss, long now) {
    double frac = Math.min(1.0, (double) step / total);
    int filled = (int) Math.round(frac * WIDTH);
    double elapsed = (now - startNanos) / 1e9;
    String eta = step >= total ? "done " + clock(elapsed)
        : step == 0 ? "ETA --:--" : "ETA " + clock(elapsed / step * (total - step));
    return String.format(Locale.ROOT, "%-28s [%s%s] %6d/%d  loss %-9s %s", label, "#".repeat(filled),
        ".".repeat(WIDTH - filled), step, total, Double.isFinite(loss) ? String.format(Locale.ROOT, "%.4f", loss)
            : "diverged", eta);
  }

  static String clock(double seconds) {
    long s = Math.round(seconds);
    return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
