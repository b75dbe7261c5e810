package org.normlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.normlab.lab.Scale;
import picocli.CommandLine;

/** The lab commands: parsing, listing, and bad input as exit code 2 with a one-line reason. */
class LabCommandTest {
  @TempDir
  Path tmp;

  static String[] capture(Runnable r) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      r.run();
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    return new String[] {o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8)};
  }

  @Test
  void listShowsEveryExperimentWithOneLine() {
    int[] code = new int[1];
    String[] out = capture(() -> code[0] = Main.run("lab", "list"));
    assertEquals(ExitCodes.OK, code[0]);
    for (String name : new String[] {"E0", "E1", "E2", "E3", "E4", "E5", "E6", "E7", "E8"}) {
      assertTrue(out[0].contains(name + " "), name + " listed: " + out[0]);
    }
  }

  @Test
  void optionsParseIntoSettings() {
    LabCommand cmd = new LabCommand();
    new CommandLine(cmd).parseArgs("e1", "E3", "--seeds", "3", "--full", "--out", tmp.toString());
    assertEquals(Scale.FULL, cmd.settings().scale());
    assertEquals(3, cmd.settings().seeds());
    assertEquals(tmp, cmd.settings().outDir());
    assertEquals("E1", cmd.experiments().get(0).name(), "names are case-insensitive");
    LabCommand defaults = new LabCommand();
    new CommandLine(defaults).parseArgs();
    assertEquals(Scale.DEFAULT, defaults.settings().scale());
    assertEquals(3, defaults.experiments().size(), "the default suite: E1, E3, E5");
    assertEquals(Path.of("runs"), defaults.settings().outDir());
  }

  @Test
  void badInputExitsWithTwoAndSaysWhy() {
    int[] code = new int[1];
    String[] out = capture(() -> code[0] = Main.run("lab", "E99", "--out", tmp.toString()));
    assertEquals(ExitCodes.BAD_INPUT, code[0]);
    assertTrue(out[1].contains("experiment: expected one of E0, E1"), out[1]);
    out = capture(() -> code[0] = Main.run("lab", "--seeds", "0", "--out", tmp.toString()));
    assertEquals(ExitCodes.BAD_INPUT, code[0]);
    assertTrue(out[1].contains("--seeds: expected at least 1, got 0"), out[1]);
    out = capture(() -> code[0] = Main.run("lab", "report", tmp.toString()));
    assertEquals(ExitCodes.BAD_INPUT, code[0]);
    assertTrue(out[1].contains("RUN_DIR: expected a run folder with settings.json"), out[1]);
    out = capture(() -> code[0] = Main.run("lab", "--data", tmp.resolve("nope").toString(), "E1"));
    assertEquals(ExitCodes.BAD_INPUT, code[0]);
    assertTrue(out[1].contains("--data: expected a directory"), out[1]);
  }

  @Test
  void reportRedrawsARunFromItsLog() {
    int[] code = new int[1];
    capture(() -> code[0] = Main.run("lab", "E0", "--tiny", "--out", tmp.toString()));
    assertEquals(ExitCodes.OK, code[0]);
    Path run = tmp.resolve(java.util.Objects.requireNonNull(tmp.toFile().list((d, n) -> n.startsWith("E0-")))[0]);
    String[] out = capture(() -> code[0] = Main.run("lab", "report", run.toString()));
    assertEquals(ExitCodes.OK, code[0], out[1]);
    assertTrue(out[0].contains("report: "), out[0]);
  }
}
