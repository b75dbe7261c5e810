package org.normlab.cli;

import org.normlab.info.Measures;
import org.normlab.info.Unit;
import picocli.CommandLine.Command;

/** {@code normlab info binary-entropy 0.3}: H(p) = -p log p - (1-p) log(1-p). */
@Command(name = "binary-entropy", mixinStandardHelpOptions = true,
    description = "Binary entropy H(p) = -p log p - (1-p) log(1-p) of a coin with P(heads) = p.")
final class InfoBinaryEntropyCommand extends InfoSingleCommand {
  @Override
  String measure() {
    return "binary_entropy";
  }

  @Override
  void compute(double p, Unit unit, InfoOutput out) {
    out.value("binary_entropy", "H(p)", Measures.binaryEntropy(p, unit));
  }
}
