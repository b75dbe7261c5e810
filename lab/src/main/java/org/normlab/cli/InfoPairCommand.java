package org.normlab.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.normlab.info.NotADistributionException;
import org.normlab.info.Unit;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The frame of the info subcommands on two distributions P and Q ({@code --p ... --q ...}). */
abstract class InfoPairCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  InfoOptions options;

  @Option(names = "--p", required = true, arity = "1..*", split = ",", paramLabel = "P",
      description = "The distribution P (space- or comma-separated).")
  List<String> p = new ArrayList<>();

  @Option(names = "--q", required = true, arity = "1..*", split = ",", paramLabel = "Q",
      description = "The distribution Q, of the same length.")
  List<String> q = new ArrayList<>();

  /** Computes the measure of checked distributions into {@code out}. */
  abstract void compute(double[] p, double[] q, Unit unit, InfoOutput out);

  /** The measure's name in JSON ("kl", "js", "cross_entropy"). */
  abstract String measure();

  @Override
  public Integer call() {
    double[] pv = InfoInput.distribution("p", p, options.normalize);
    double[] qv = InfoInput.distribution("q", q, options.normalize);
    if (pv.length != qv.length) {
      throw new BadInputException("q: expected " + pv.length + " probabilities (the length of p), got " + qv.length);
    }
    Unit unit = options.unit();
    InfoOutput out = new InfoOutput(measure(), unit).input("p", pv).input("q", qv);
    try {
      compute(pv, qv, unit, out);
    } catch (NotADistributionException e) {
      throw InfoInput.badInput(e);
    }
    out.print(spec.commandLine().getOut(), options.json);
    return ExitCodes.OK;
  }
}
