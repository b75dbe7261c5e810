package org.normlab.cli;

import java.util.concurrent.Callable;
import org.normlab.info.Unit;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** The frame of the info subcommands on one probability p (information, binary entropy). */
abstract class InfoSingleCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  InfoOptions options;

  @Parameters(paramLabel = "P", description = "A probability in [0, 1] (0.25, 1/4 or 25%).")
  String p;

  /** The measure's name in JSON. */
  abstract String measure();

  /** Computes the measure of p into {@code out}. */
  abstract void compute(double p, Unit unit, InfoOutput out);

  @Override
  public Integer call() {
    double pv = InfoInput.number("p", p);
    Unit unit = options.unit();
    InfoOutput out = new InfoOutput(measure(), unit).input("p", pv);
    compute(pv, unit, out);
    out.print(spec.commandLine().getOut(), options.json);
    return ExitCodes.OK;
  }
}
