package org.normlab.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.normlab.lab.acceptance.AcceptanceTable;

/**
 * Every experiment at the tiny scale (a few steps on 2,000 training and 500 test images): the
 * wiring from training to log to report stays sound. Checks the log, that each run finished, and
 * that the report redrawn from the log alone has charts and one row per bar.
 */
class ExperimentsTinyTest {
  @TempDir
  static Path tmp;

  @TestFactory
  Stream<DynamicTest> everyExperimentRunsAndReports() {
    return Experiments.all().stream().map(e -> DynamicTest.dynamicTest(e.name(), () -> {
      LabSettings settings = new LabSettings(Scale.TINY, 1, null, tmp.resolve(e.name()));
      ByteArrayOutputStream console = new ByteArrayOutputStream();
      LabRunner.Result result = new LabRunner(settings, new PrintStream(console, true, StandardCharsets.UTF_8), false)
          .run(List.of(e));
      RunFolder folder = result.folders().get(0);
      RunLog log = RunLog.read(folder);
      assertTrue(log.complete(), "the experiment wrote its end record");
      assertFalse(log.runs().isEmpty(), "runs were logged");
      for (String run : log.runs()) {
        assertTrue(log.finished(run, 1), run + " finished");
      }
      // the runner drew the report from the log file alone (ReportWriter reads nothing else)
      AcceptanceTable table = result.tables().get(0);
      assertEquals(e.bars().size(), table.rows().size());
      String html = Files.readString(folder.report());
      assertTrue(html.contains("data:image/png;base64,"), e.name() + ": charts in the report");
      assertTrue(html.contains("<h2>Acceptance</h2>"));
      assertFalse(e.figures(log).isEmpty(), e.name() + ": figures drawn from the log");
      assertTrue(console.toString(StandardCharsets.UTF_8).contains("report: "), "the console names the report");
    }));
  }
}
