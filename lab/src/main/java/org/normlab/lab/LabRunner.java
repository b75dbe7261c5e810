package org.normlab.lab;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.normlab.lab.acceptance.AcceptanceTable;
import org.normlab.lab.acceptance.Status;
import org.normlab.lab.report.IndexPage;
import org.normlab.lab.report.ReportWriter;

/**
 * Runs experiments one after another: for each a fresh run folder (settings, log), the training
 * with progress bars, then the report and the acceptance table on the console; at the end the
 * index page of the output directory. If the JVM is stopped (Ctrl-C) while an experiment runs,
 * a shutdown hook still draws the report of what was logged.
 */
public final class LabRunner {
  private final LabSettings settings;
  private final PrintStream console;
  private final boolean interactive;

  public LabRunner(LabSettings settings, PrintStream console, boolean interactive) {
    this.settings = settings;
    this.console = console;
    this.interactive = interactive;
  }

  /** The outcome of a suite: the run folders in order and the index page. */
  public record Result(List<RunFolder> folders, List<AcceptanceTable> tables, Path index) {}

  public Result run(List<Experiment> experiments) throws Exception {
    List<RunFolder> folders = new ArrayList<>();
    List<AcceptanceTable> tables = new ArrayList<>();
    long suiteStart = System.nanoTime();
    ReportWriter.warmUp();
    for (Experiment e : experiments) {
      RunFolder folder = runOne(e);
      folders.add(folder);
      AcceptanceTable table = ReportWriter.write(folder, e);
      tables.add(table);
      long judged = table.rows().size() - table.count(Status.REPORT);
      console.println("Acceptance, " + e.name() + " (" + table.count(Status.PASS) + " of " + judged
          + " bars pass" + (judged < table.rows().size() ? ", " + table.count(Status.REPORT) + " reported" : "") + "):");
      console.print(table.toText());
      console.println("report: " + folder.report().toAbsolutePath().normalize());
      console.println();
    }
    Path index = IndexPage.write(settings.outDir(), folders.stream().map(RunFolder::dir).toList());
    console.printf(Locale.ROOT, "Done in %s. Index of the runs: %s%n",
        Progress.clock((System.nanoTime() - suiteStart) / 1e9), index.toAbsolutePath().normalize());
    return new Result(folders, tables, index);
  }

  private RunFolder runOne(Experiment e) throws Exception {
    LocalDateTime start = LocalDateTime.now();
    Map<String, Object> json = new java.util.LinkedHashMap<>();
    json.put("experiment", e.name());
    json.put("title", e.title());
    json.put("started", DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(start.withNano(0)));
    json.putAll(settings.toJson());
    RunFolder folder = RunFolder.create(settings.outDir(), e.name(), start, json);
    console.println("== " + e.name() + ". " + e.title() + "  ->  " + folder.dir());
    long t0 = System.nanoTime();
    try (LogWriter log = new LogWriter(folder.log())) {
      Thread hook = new Thread(() -> reportOnInterrupt(folder, e, log), "normlab-report-on-exit");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        RunContext ctx = new RunContext(settings, e.name(), log, console, interactive);
        e.run(ctx);
        ctx.note("end", "seconds", (System.nanoTime() - t0) / 1e9);
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the hook is running or about to: it writes the report
        }
      }
    }
    return folder;
  }

  private void reportOnInterrupt(RunFolder folder, Experiment e, LogWriter log) {
    try {
      log.close();
      ReportWriter.write(folder, e);
      IndexPage.write(settings.outDir(), List.of(folder.dir()));
      console.println();
      console.println("Interrupted: report of the logged part at " + folder.report().toAbsolutePath().normalize());
    } catch (IOException | RuntimeException ex) {
      console.println("Interrupted: could not draw the report (" + ex.getMessage() + "); run normlab lab report "
          + folder.dir());
    }
  }
}
