package org.normlab.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.normlab.io.Json;

/**
 * A run folder read back: its settings and every log record. Reports and acceptance bars see
 * nothing else, so they can be redrawn from any finished or interrupted run. A last line cut
 * short by an interruption is skipped.
 */
public final class RunLog {
  /** The kind of the record written when one run (variant, seed) finished. */
  public static final String DONE = "done";

  private final Map<String, Object> settings;
  private final List<LogRecord> records;

  public RunLog(Map<String, Object> settings, List<LogRecord> records) {
    this.settings = settings;
    this.records = List.copyOf(records);
  }

  public static RunLog read(RunFolder folder) throws IOException {
    Map<String, Object> settings = Json.parseObject(Files.readString(folder.settings(), StandardCharsets.UTF_8));
    List<LogRecord> records = new ArrayList<>();
    if (Files.exists(folder.log())) {
      List<String> lines = Files.readAllLines(folder.log(), StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).strip();
        if (line.isEmpty()) {
          continue;
        }
        try {
          records.add(new LogRecord(Json.parseObject(line)));
        } catch (IllegalArgumentException e) {
          if (i < lines.size() - 1) {
            throw new IllegalArgumentException(folder.log() + ": line " + (i + 1) + " is not a JSON object: "
                + e.getMessage(), e);
          }
          // the last line of an interrupted run may be cut short
        }
      }
    }
    return new RunLog(settings, records);
  }

  public Map<String, Object> settings() {
    return settings;
  }

  public List<LogRecord> records() {
    return records;
  }

  /** The seeds of the runs in the log, in order of appearance (experiment-level notes excluded). */
  public List<Long> seeds() {
    LinkedHashSet<Long> seeds = new LinkedHashSet<>();
    for (LogRecord r : records) {
      if (r.has("seed") && !r.run().isEmpty()) {
        seeds.add(r.seed());
      }
    }
    return List.copyOf(seeds);
  }

  /** The run (variant) names that appear in the log, in order of appearance. */
  public List<String> runs() {
    LinkedHashSet<String> runs = new LinkedHashSet<>();
    for (LogRecord r : records) {
      if (!r.run().isEmpty()) {
        runs.add(r.run());
      }
    }
    return List.copyOf(runs);
  }

  /** The records of one run, seed and kind, in log order. */
  public List<LogRecord> select(String run, long seed, String kind) {
    List<LogRecord> out = new ArrayList<>();
    for (LogRecord r : records) {
      if (r.run().equals(run) && r.has("seed") && r.seed() == seed && r.kind().equals(kind)) {
        out.add(r);
      }
    }
    return out;
  }

  /** {@code field} over steps for one run, seed and kind. */
  public Series series(String run, long seed, String kind, String field) {
    List<LogRecord> sel = select(run, seed, kind);
    List<LogRecord> with = sel.stream().filter(r -> r.has(field)).toList();
    double[] x = new double[with.size()];
    double[] y = new double[with.size()];
    for (int i = 0; i < with.size(); i++) {
      x[i] = with.get(i).step();
      y[i] = with.get(i).num(field);
    }
    return new Series(x, y);
  }

  /** The last record of one run, seed and kind. */
  public Optional<LogRecord> last(String run, long seed, String kind) {
    List<LogRecord> sel = select(run, seed, kind);
    return sel.isEmpty() ? Optional.empty() : Optional.of(sel.get(sel.size() - 1));
  }

  /** True when the run finished for this seed (its {@value #DONE} record was written). */
  public boolean finished(String run, long seed) {
    return last(run, seed, DONE).isPresent();
  }

  /** True when the whole experiment finished (a record of kind "end"). */
  public boolean complete() {
    return records.stream().anyMatch(r -> r.kind().equals("end"));
  }
}
