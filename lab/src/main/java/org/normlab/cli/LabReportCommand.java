package org.normlab.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.normlab.lab.Experiment;
import org.normlab.lab.Experiments;
import org.normlab.lab.RunFolder;
import org.normlab.lab.RunLog;
import org.normlab.lab.acceptance.AcceptanceTable;
import org.normlab.lab.report.IndexPage;
import org.normlab.lab.report.ReportWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code normlab lab report RUN_DIR}: redraws a run's report from its log (finished or not). */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Redraw report.html of a run folder from its log (works for interrupted runs).")
final class LabReportCommand implements Callable<Integer> {
  @Parameters(paramLabel = "RUN_DIR", description = "A run folder, e.g. runs/E1-20260101-120000.")
  Path runDir;

  @Override
  public Integer call() throws IOException {
    RunFolder folder = RunFolder.open(runDir);
    Object name = RunLog.read(folder).settings().get("experiment");
    if (!(name instanceof String n)) {
      throw new BadInputException("RUN_DIR: expected settings.json with an \"experiment\" name, got " + name);
    }
    Experiment e = Experiments.byName(n);
    AcceptanceTable table = ReportWriter.write(folder, e);
    Path parent = runDir.toAbsolutePath().normalize().getParent();
    if (parent != null) {
      IndexPage.write(parent, List.of(runDir));
    }
    System.out.print(table.toText());
    System.out.println("report: " + folder.report().toAbsolutePath().normalize());
    return ExitCodes.OK;
  }
}
