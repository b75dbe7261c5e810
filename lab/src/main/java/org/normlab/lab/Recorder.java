package org.normlab.lab;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Logs one run (variant and seed) of an experiment: every record gets the run name, the seed,
 * its kind and the step; the progress bar follows the training loss. {@link #done} writes the
 * record that marks the run as finished, with its wall time.
 */
public final class Recorder {
  private final LogWriter log;
  private final String run;
  private final long seed;
  private final Progress progress;
  private final long startNanos = System.nanoTime();
  private long lastStep;
  private double lastLoss = Double.NaN;

  Recorder(LogWriter log, String run, long seed, Progress progress) {
    this.log = log;
    this.run = run;
    this.seed = seed;
    this.progress = progress;
  }

  public String run() {
    return run;
  }

  public long seed() {
    return seed;
  }

  /**
   * Writes one record: {@code kind} at {@code step} with the given key, value pairs (values are
   * numbers, strings or booleans; NaN is written as null).
   */
  public void log(String kind, long step, Object... keyValues) {
    if (keyValues.length % 2 != 0) {
      throw new IllegalArgumentException("log: expected key, value pairs, got " + keyValues.length + " items");
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("run", run);
    r.put("seed", seed);
    r.put("kind", kind);
    r.put("step", step);
    for (int i = 0; i < keyValues.length; i += 2) {
      r.put((String) keyValues[i], keyValues[i + 1]);
    }
    log.write(r);
  }

  /** Moves the progress bar. */
  public void progress(long step, double loss) {
    lastStep = step;
    lastLoss = loss;
    progress.update(step, loss);
  }

  /** Marks the run finished: a {@value RunLog#DONE} record with the wall time in seconds. */
  public void done(Object... keyValues) {
    progress.finish(lastStep, lastLoss);
    Object[] kv = new Object[keyValues.length + 2];
    kv[0] = "seconds";
    kv[1] = (System.nanoTime() - startNanos) / 1e9;
    System.arraycopy(keyValues, 0, kv, 2, keyValues.length);
    log(RunLog.DONE, lastStep, kv);
  }
}
