package org.normlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.normlab.kernels.Parallel;
import picocli.CommandLine;

/** The CLI skeleton: help, version, exit codes and one-line errors. */
class MainTest {
  private final int savedThreads = Parallel.threads();
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @AfterEach
  void restoreThreads() {
    Parallel.setThreads(savedThreads);
  }

  private int run(String... args) {
    CommandLine cmd = Main.commandLine(ErrorHandler.debug(args));
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  @Test
  void helpListsTheSubcommands() {
    assertEquals(ExitCodes.OK, run("--help"));
    assertTrue(out.toString().contains("Usage: normlab"), out.toString());
    assertTrue(out.toString().contains("env"), out.toString());
    assertEquals("", err.toString());
  }

  @Test
  void noArgumentsPrintsUsage() {
    assertEquals(ExitCodes.OK, run());
    assertTrue(out.toString().contains("Usage: normlab"), out.toString());
  }

  @Test
  void versionNamesNormlabAndTheJdk() {
    assertEquals(ExitCodes.OK, run("--version"));
    String v = out.toString();
    assertTrue(v.startsWith("normlab "), v);
    assertTrue(v.contains("JDK " + Runtime.version().feature()), v);
    assertTrue(v.contains("kernels vector("), v);
  }

  @Test
  void unknownOptionIsBadUsageWithAOneLineMessage() {
    assertEquals(ExitCodes.BAD_INPUT, run("--no-such-option"));
    String firstLine = err.toString().lines().findFirst().orElse("");
    assertTrue(firstLine.startsWith("normlab: Unknown option: '--no-such-option'"), err.toString());
    assertTrue(err.toString().contains("--help' for usage"), err.toString());
    assertFalse(err.toString().contains("\tat "), "no stack trace without --debug: " + err);
  }

  @Test
  void badThreadCountIsBadInput() {
    assertEquals(ExitCodes.BAD_INPUT, run("--threads", "0", "env"));
    assertTrue(err.toString().startsWith("normlab: --threads: expected at least 1, got 0"), err.toString());
  }

  @Test
  void threadsOptionSetsTheThreadCount() {
    assertEquals(ExitCodes.OK, run("--threads", "3", "env"));
    assertEquals(3, Parallel.threads());
    assertTrue(out.toString().contains("threads   3 of"), out.toString());
  }

  @Test
  void exceptionsBecomeExitCodesAndOneLine() {
    ErrorHandler quiet = new ErrorHandler(false);
    CommandLine cmd = new CommandLine(new Main());
    cmd.setErr(new PrintWriter(err, true));
    int code = quiet.handleExecutionException(new BadInputException("channels: expected 64,\ngot 32"), cmd, null);
    assertEquals(ExitCodes.BAD_INPUT, code);
    assertEquals("normlab: channels: expected 64, got 32" + System.lineSeparator(), err.toString());
    assertEquals(ExitCodes.BAD_INPUT, ErrorHandler.exitCodeOf(new IllegalArgumentException("x")));
    assertEquals(ExitCodes.FAILURE, ErrorHandler.exitCodeOf(new java.io.IOException("disk full")));
    assertEquals("NullPointerException", ErrorHandler.oneLine(new NullPointerException()));
  }

  @Test
  void debugPrintsTheStackTrace() {
    ErrorHandler loud = new ErrorHandler(true);
    CommandLine cmd = new CommandLine(new Main());
    cmd.setErr(new PrintWriter(err, true));
    assertEquals(ExitCodes.FAILURE, loud.handleExecutionException(new IllegalStateException("boom"), cmd, null));
    assertTrue(err.toString().contains("\tat "), err.toString());
    assertTrue(err.toString().trim().endsWith("normlab: boom"), err.toString());
    assertTrue(ErrorHandler.debug(new String[] {"env", "--debug"}));
  }

  @Test
  void runReturnsTheExitCode() {
    assertEquals(ExitCodes.OK, Main.run("env"));
  }
}
