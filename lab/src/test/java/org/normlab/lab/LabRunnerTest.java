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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.normlab.io.Json;
import org.normlab.lab.acceptance.Status;
import org.normlab.lab.report.ReportWriter;

/** The runner, run folders, logs and reports, with an experiment that trains nothing. */
class LabRunnerTest {
  @TempDir
  Path tmp;

  @Test
  void runWritesSettingsLogReportAndIndex() throws Exception {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    LabSettings settings = new LabSettings(Scale.TINY, 3, null, tmp);
    LabRunner.Result result = new LabRunner(settings, new PrintStream(console, true, StandardCharsets.UTF_8), false)
        .run(List.of(new SyntheticExperiment()));
    RunFolder folder = result.folders().get(0);
    assertTrue(folder.dir().getFileName().toString().matches("SYN-\\d{8}-\\d{6}"), folder.dir().toString());
    assertEquals("SYN", Json.parseObject(Files.readString(folder.settings())).get("experiment"));
    List<String> lines = Files.readAllLines(folder.log());
    // 3 seeds x 2 runs x (50 train records + done) + end
    assertEquals(3 * 2 * (SyntheticExperiment.STEPS + 1) + 1, lines.size());
    RunLog log = RunLog.read(folder);
    assertTrue(log.complete());
    assertEquals(List.of(1L, 2L, 3L), log.seeds());
    assertEquals(List.of("fast", "slow"), log.runs());
    String html = Files.readString(folder.report());
    assertTrue(html.contains("data:image/png;base64,"), "chart embedded");
    assertTrue(html.contains("Synthetic &lt;test&gt; experiment"), "title escaped");
    assertTrue(html.contains(">PASS<") && html.contains(">FAIL<"), "one bar passes, one fails");
    assertFalse(html.contains("http://") || html.contains("https://"), "works offline");
    assertEquals(Status.PASS, result.tables().get(0).rows().get(0).status());
    assertTrue(Files.readString(result.index()).contains(tmp.relativize(folder.report()).toString()));
    String out = console.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("1 of 2 bars pass"), out);
    assertTrue(out.contains("[########################]"), "progress bars end full: " + out);
  }

  @Test
  void anInterruptedLogStillGetsAReport() throws Exception {
    RunFolder folder = RunFolder.create(tmp, "SYN", java.time.LocalDateTime.of(2026, 1, 2, 3, 4, 5),
        new LabSettings(Scale.TINY, 1, null, tmp).toJson());
    Files.writeString(folder.log(), """
        {"run":"fast","seed":1,"kind":"train","step":1,"loss":0.5}
        {"run":"slow","seed":1,"kind":"train","step":1,"loss":1.0}
        {"run":"slow","seed":1,"kind":"train","step":2,"lo""");
    ReportWriter.write(folder, new SyntheticExperiment());
    String html = Files.readString(folder.report());
    assertTrue(html.contains("did not finish"), "marked as interrupted");
    assertTrue(html.contains(">PASS<"), "bars evaluated on what was logged");
    assertTrue(html.contains("incomplete"));
  }

  @Test
  void runFoldersNeverCollide() throws Exception {
    var t = java.time.LocalDateTime.of(2026, 1, 2, 3, 4, 5);
    RunFolder a = RunFolder.create(tmp, "E1", t, java.util.Map.of());
    RunFolder b = RunFolder.create(tmp, "E1", t, java.util.Map.of());
    assertEquals("E1-20260102-030405", a.dir().getFileName().toString());
    assertEquals("E1-20260102-030405-2", b.dir().getFileName().toString());
  }

  @Test
  void aCorruptLineInTheMiddleIsAnError() throws Exception {
    RunFolder folder = RunFolder.create(tmp, "X", java.time.LocalDateTime.of(2026, 1, 1, 0, 0), java.util.Map.of());
    Files.writeString(folder.log(), "{\"run\":\"a\"\nnot json\n{\"run\":\"a\"}\n");
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> RunLog.read(folder));
    assertTrue(e.getMessage().contains("line 1"), e.getMessage());
  }
}
