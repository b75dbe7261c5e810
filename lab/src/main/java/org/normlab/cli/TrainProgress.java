package org.normlab.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The training progress bar: epoch, batches done, running mean loss and accuracy of the epoch,
 * and images per second. On a terminal it redraws one line at most four times a second;
 * otherwise it prints a line at each quarter of the epoch.
 */
final class TrainProgress {
  private static final int WIDTH = 20;

  private final PrintStream out;
  private final boolean interactive;
  private final String label;
  private final int total;
  private final long start = System.nanoTime();
  private long lastDraw;
  private int lastQuarter;
  private double lossSum;
  private long correct;
  private long images;

  TrainProgress(PrintStream out, boolean interactive, String label, int total) {
    this.out = out;
    this.interactive = interactive;
    this.label = label;
    this.total = Math.max(1, total);
  }

  void update(int done, double loss, int batchCorrect, int batchSize) {
    lossSum += loss * batchSize;
    correct += batchCorrect;
    images += batchSize;
    long now = System.nanoTime();
    if (interactive) {
      if (now - lastDraw >= 250_000_000L || done == total) {
        lastDraw = now;
        out.print("\r" + line(done, now));
        out.flush();
      }
    } else {
      int quarter = 4 * done / total;
      if (quarter > lastQuarter) {
        lastQuarter = quarter;
        out.println(line(done, now));
      }
    }
  }

  void finish() {
    if (interactive) {
      out.println();
    }
  }

  double meanLoss() {
    return images == 0 ? Double.NaN : lossSum / images;
  }

  double accuracy() {
    return images == 0 ? 0 : (double) correct / images;
  }

  double imagesPerSecond() {
    return images / Math.max(1e-9, (System.nanoTime() - start) / 1e9);
  }

  private String line(int done, long now) {
    int filled = (int) Math.round((double) done / total * WIDTH);
    double seconds = Math.max(1e-9, (now - start) / 1e9);
    return String.format(Locale.ROOT, "%s [%s%s] %d/%d  loss %.4f  acc %5.1f%%  %,.0f img/s", label,
        "#".repeat(filled), ".".repeat(WIDTH - filled), done, total, meanLoss(), 100 * accuracy(),
        images / seconds);
  }
}
