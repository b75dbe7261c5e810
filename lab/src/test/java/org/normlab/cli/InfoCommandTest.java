package org.normlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.normlab.io.Json;

/**
 * {@code normlab info}: each subcommand's line and JSON, and the error exits. Expected values are
 * the textbook examples of issue 5 (to 4 decimals) and Python's math module (KL(U||P)).
 */
class InfoCommandTest {
  private String out = "";
  private String err = "";

  private int run(String... args) {
    PrintStream savedOut = System.out;
    PrintStream savedErr = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      return Main.run(args);
    } finally {
      System.setOut(savedOut);
      System.setErr(savedErr);
      out = o.toString(StandardCharsets.UTF_8);
      err = e.toString(StandardCharsets.UTF_8);
    }
  }

  private void assertLine(String expected, String... args) {
    assertEquals(ExitCodes.OK, run(args), err);
    assertEquals(expected, out.strip());
    assertEquals("", err);
  }

  private void assertBadInput(String expected, String... args) {
    assertEquals(ExitCodes.BAD_INPUT, run(args), out);
    assertEquals("normlab: " + expected, err.lines().findFirst().orElse(""), err);
    assertEquals("", out);
  }

  @Test
  void information() {
    assertLine("I(x) = -log P(x) = 1.2040 nats", "info", "information", "0.3");
    assertLine("I(x) = -log P(x) = 0.3567 nats", "info", "information", "0.7");
    assertLine("I(x) = -log P(x) = 1.0000 bits", "info", "information", "1/2", "--base", "2");
  }

  @Test
  void entropy() {
    assertLine("H(P) = 1.2799 nats", "info", "entropy", "0.4", "0.3", "0.2", "0.1");
    assertLine("H(P) = 1.8464 bits", "info", "entropy", "0.4", "0.3", "0.2", "0.1", "--base", "2");
    assertLine("H(P) = 2.0000 bits", "info", "entropy", "25%", "25%", "1/4", "0.25", "--base", "bits");
  }

  @Test
  void crossEntropyKlAndJs() {
    assertLine("CE(P, Q) = 2.0000 bits", "info", "cross-entropy", "--p", "0.4", "0.3", "0.2", "0.1",
        "--q", "0.25,0.25,0.25,0.25", "--base", "2");
    assertLine("KL(P||Q) = 0.1064 nats; KL(Q||P) = 0.1218 nats (KL is not symmetric)",
        "info", "kl", "--p", "0.4,0.3,0.2,0.1", "--q", "0.25,0.25,0.25,0.25");
    assertLine("JS(P, Q) = 1.0000 bits; JS distance = 1.0000", "info", "js", "--p", "1,0", "--q", "0,1", "--base", "2");
    assertLine("KL(P||Q) = infinity nats; KL(Q||P) = 0.6931 nats (KL is not symmetric)",
        "info", "kl", "--p", "0.5,0.5", "--q", "1,0");
  }

  @Test
  void jsonOutput() {
    assertEquals(ExitCodes.OK, run("info", "entropy", "0.4", "0.3", "0.2", "0.1", "--base", "2", "--json"), err);
    Map<String, Object> json = Json.parseObject(out.strip());
    assertEquals("entropy", json.get("measure"));
    assertEquals("bits", json.get("unit"));
    assertEquals(1.8464, ((Number) json.get("entropy")).doubleValue(), 5e-5);
    assertEquals(ExitCodes.OK, run("info", "kl", "--p", "0.5,0.5", "--q", "1,0", "--json"), err);
    json = Json.parseObject(out.strip());
    assertEquals("Infinity", json.get("kl_pq"));
    assertEquals(Math.log(2), ((Number) json.get("kl_qp")).doubleValue(), 1e-12);
    assertEquals(ExitCodes.OK, run("info", "information", "0.3", "--json"), err);
    assertEquals(-Math.log(0.3), ((Number) Json.parseObject(out.strip()).get("information")).doubleValue(), 1e-12);
  }

  @Test
  void normalizeRescales() {
    assertLine("H(P) = 1.0000 bits", "info", "entropy", "2", "2", "--base", "2", "--normalize");
  }

  @Test
  void badInputExitsWithTwoAndOneLine() {
    assertBadInput("p sums to 0.9, not 1; pass --normalize to rescale", "info", "entropy", "0.4", "0.3", "0.2");
    assertBadInput("q sums to 1.1, not 1; pass --normalize to rescale",
        "info", "kl", "--p", "0.5,0.5", "--q", "0.6,0.5");
    assertBadInput("p[1]: expected a probability >= 0, got -0.1", "info", "entropy", "1.1", "-0.1");
    assertBadInput("q: expected 2 probabilities (the length of p), got 3",
        "info", "js", "--p", "0.5,0.5", "--q", "0.2,0.3,0.5");
    assertBadInput("p[0]: expected a number such as 0.25, 1/4 or 25%, got 'abc'", "info", "entropy", "abc");
    assertBadInput("p: expected a probability in [0, 1], got 1.5", "info", "information", "1.5");
    assertBadInput("p: expected a probability in [0, 1], got -0.5", "info", "binary-entropy", "-0.5");
    assertBadInput("base: expected e, 2 or 10 (or nats, bits, hartleys), got '3'", "info", "entropy", "1", "--base", "3");
    assertEquals(ExitCodes.BAD_INPUT, run("info", "cross-entropy", "--p", "1"));
    assertTrue(err.startsWith("normlab: Missing required option: '--q"), err);
  }

  @Test
  void binaryEntropyAndUsage() {
    assertLine("H(p) = 1.0000 bits", "info", "binary-entropy", "0.5", "--base", "2");
    assertEquals(ExitCodes.OK, run("info"));
    assertTrue(out.contains("cross-entropy") && out.contains("kl") && out.contains("js"), out);
  }
}
