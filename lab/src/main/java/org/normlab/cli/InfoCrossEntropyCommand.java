package org.normlab.cli;

import org.normlab.info.Measures;
import org.normlab.info.Unit;
import picocli.CommandLine.Command;

/** {@code normlab info cross-entropy --p ... --q ...}: CE(P, Q) = -sum p log q. */
@Command(name = "cross-entropy", mixinStandardHelpOptions = true,
    description = "Cross-entropy CE(P, Q) = -sum p log q (infinite where p > 0 and q = 0).")
final class InfoCrossEntropyCommand extends InfoPairCommand {
  @Override
  void compute(double[] p, double[] q, Unit unit, InfoOutput out) {
    out.value("cross_entropy", "CE(P, Q)", Measures.crossEntropy(p, q, unit));
  }

  @Override
  String measure() {
    return "cross_entropy";
  }
}
