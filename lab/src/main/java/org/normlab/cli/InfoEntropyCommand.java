package org.normlab.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.normlab.info.Measures;
import org.normlab.info.Unit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code normlab info entropy 0.4 0.3 0.2 0.1 [--base 2]}: H(P) = -sum p log p. */
@Command(name = "entropy", mixinStandardHelpOptions = true,
    description = "Entropy H(P) = -sum p log p of a distribution (0 log 0 = 0).")
final class InfoEntropyCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  InfoOptions options;

  @Parameters(arity = "1..*", paramLabel = "P", description = "The probabilities of the distribution.")
  List<String> p = new ArrayList<>();

  @Override
  public Integer call() {
    double[] pv = InfoInput.distribution("p", p, options.normalize);
    Unit unit = options.unit();
    new InfoOutput("entropy", unit).input("p", pv)
        .value("entropy", "H(P)", Measures.entropy(pv, unit))
        .print(spec.commandLine().getOut(), options.json);
    return ExitCodes.OK;
  }
}
