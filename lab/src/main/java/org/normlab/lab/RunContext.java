package org.normlab.lab;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.normlab.lab.train.LabData;

/** What an experiment sees while it runs: the settings, the seeds, the log and the console. */
public final class RunContext {
  private final LabSettings settings;
  private final String experiment;
  private final LogWriter log;
  private final PrintStream console;
  private final boolean interactive;
  private LabData data;

  public RunContext(LabSettings settings, String experiment, LogWriter log, PrintStream console,
      boolean interactive) {
    this.settings = settings;
    this.experiment = experiment;
    this.log = log;
    this.console = console;
    this.interactive = interactive;
  }

  public LabSettings settings() {
    return settings;
  }

  public Scale scale() {
    return settings.scale();
  }

  /** Seeds 1..K. */
  public List<Long> seeds() {
    List<Long> seeds = new ArrayList<>();
    for (long s = 1; s <= settings.seeds(); s++) {
      seeds.add(s);
    }
    return seeds;
  }

  /**
   * The training and test images (embedded subset or --data), loaded once; at the tiny scale
   * only the first 1,100 training and 200 test images, to keep the wiring checks fast.
   */
  public LabData data() throws IOException {
    if (data == null) {
      data = LabData.load(settings.data());
      if (scale() == Scale.TINY) {
        data = data.headTrain(1100).headTest(200);
      }
    }
    return data;
  }

  public PrintStream console() {
    return console;
  }

  /** Starts logging one run (variant and seed) of {@code steps} steps, with a progress bar. */
  public Recorder start(String run, long seed, long steps) {
    String label = experiment + " " + run + (settings.seeds() > 1 ? " s" + seed : "");
    return new Recorder(log, run, seed, new Progress(console, label, steps, interactive));
  }

  /** Writes an experiment-level record (run "", seed 0), e.g. the final "end" marker. */
  public void note(String kind, Object... keyValues) {
    new Recorder(log, "", 0, new Progress(console, "", 1, false)).log(kind, 0, keyValues);
  }
}
