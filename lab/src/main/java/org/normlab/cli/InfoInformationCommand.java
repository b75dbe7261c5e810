package org.normlab.cli;

import org.normlab.info.Measures;
import org.normlab.info.Unit;
import picocli.CommandLine.Command;

/** {@code normlab info information 0.3}: the information content I(x) = -log P(x) of one event. */
@Command(name = "information", mixinStandardHelpOptions = true,
    description = "Information content (surprisal) I(x) = -log P(x) of an event of probability P(x).")
final class InfoInformationCommand extends InfoSingleCommand {
  @Override
  String measure() {
    return "information";
  }

  @Override
  void compute(double p, Unit unit, InfoOutput out) {
    out.value("information", "I(x) = -log P(x)", Measures.information(p, unit));
  }
}
